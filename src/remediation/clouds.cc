#include "remediation/clouds.h"

#include <algorithm>

#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/platform.h"

namespace cdcpreflight {

namespace {

std::string settings_list(std::span<const ParameterChange> changes) {
  std::string list;
  for (const ParameterChange& change : changes) {
    list += (list.empty() ? "" : ", ") + change.name + " = " + change.value;
  }
  return list;
}

// name=value,… as gcloud's --database-flags takes them.
std::string flags_argument(std::span<const ParameterChange> changes) {
  std::string flags;
  for (const ParameterChange& change : changes) {
    flags += (flags.empty() ? "" : ",") + change.name + "=" + change.value;
  }
  return flags;
}

bool any_is(std::span<const ParameterChange> changes, std::string_view name) {
  for (const ParameterChange& change : changes) {
    if (change.name == name) {
      return true;
    }
  }
  return false;
}

constexpr const char* kFlagsReplace =
    "gcloud's --database-flags replaces every flag the instance has: list the flags already set "
    "and repeat them in the same call, or set the flag in the console, which keeps the others.";

Remediation cloud_sql(std::span<const ParameterChange> changes, bool restart) {
  Remediation fix;
  fix.steps = {
      fmt::format("Set the database flag{} {} on the Cloud SQL instance (Console: SQL > the "
                  "instance > Edit > Flags > Add a database flag > Done > Save).",
                  changes.size() == 1 ? "" : "s", settings_list(changes)),
      kFlagsReplace};
  fix.commands = {
      "gcloud sql instances describe <instance> --format='value(settings.databaseFlags)'",
      fmt::format("gcloud sql instances patch <instance> --database-flags={},<flags-already-set>",
                  flags_argument(changes))};
  if (restart) {
    fix.steps.emplace_back(
        "Changing a flag that is read at start (cloudsql.logical_decoding, max_replication_slots, "
        "max_wal_senders) restarts the instance: the patch does it, after asking.");
  }
  return fix;
}

Remediation alloydb(std::span<const ParameterChange> changes, bool restart) {
  Remediation fix;
  fix.steps = {
      fmt::format("Set the database flag{} {} on the AlloyDB primary instance (Console: AlloyDB > "
                  "the cluster > the primary instance > Edit > Advanced configuration options > "
                  "Add a database flag > Update instance).",
                  changes.size() == 1 ? "" : "s", settings_list(changes)),
      kFlagsReplace};
  fix.commands = {
      "gcloud alloydb instances describe <instance> --cluster=<cluster> --region=<region> "
      "--format='value(databaseFlags)'",
      fmt::format("gcloud alloydb instances update <instance> --cluster=<cluster> "
                  "--region=<region> --database-flags={},<flags-already-set>",
                  flags_argument(changes))};
  if (restart) {
    fix.steps.emplace_back(
        "Changing alloydb.logical_decoding, max_replication_slots or max_wal_senders restarts the "
        "primary instance; under the default low-downtime policy the flag takes about 15 minutes "
        "to apply, and wal_level reads replica until then.");
  }
  return fix;
}

Remediation azure(const Facts& facts, std::span<const ParameterChange> changes, bool restart) {
  const std::string server = azure_server_name(facts);
  Remediation fix;
  fix.steps = {
      fmt::format("Set the server parameter{} {} (Azure portal: the server > Settings > "
                  "Server parameters > Save).",
                  changes.size() == 1 ? "" : "s", settings_list(changes))};
  for (const ParameterChange& change : changes) {
    fix.commands.push_back(
        fmt::format("az postgres flexible-server parameter set --resource-group <resource-group> "
                    "--server-name {} --name {} --value {}",
                    server, change.name, change.value));
  }
  if (restart) {
    fix.steps.emplace_back(
        "Restart the server so the static parameter takes effect (portal: Overview > Restart).");
    fix.commands.push_back(fmt::format(
        "az postgres flexible-server restart --resource-group <resource-group> --name {}", server));
  }
  return fix;
}

Remediation supabase(std::span<const ParameterChange> changes, bool restart) {
  Remediation fix;
  if (any_is(changes, "wal_level")) {
    fix.steps.emplace_back(
        "Supabase runs every project with wal_level = logical and offers no setting for it: ask "
        "Supabase support why this one does not.");
    return fix;
  }
  std::string configs;
  for (const ParameterChange& change : changes) {
    configs += fmt::format(" --config {}={}", change.name, change.value);
  }
  fix.steps = {fmt::format(
      "Supabase does not take ALTER SYSTEM: set {} with the Supabase CLI (as the project's "
      "Owner or an Admin){}.",
      settings_list(changes),
      restart ? "; it restarts the database for max_replication_slots and max_wal_senders"
              : ", which applies it without a restart")};
  fix.commands = {fmt::format(
      "supabase --experimental --project-ref <project-ref> postgres-config update{}", configs)};
  return fix;
}

Remediation neon(std::span<const ParameterChange> changes) {
  Remediation fix;
  if (any_is(changes, "wal_level")) {
    fix.steps.emplace_back(
        "Turn logical replication on in the Neon console: the project > Settings > Logical "
        "Replication > Enable (it restarts the project's computes and cannot be turned off "
        "again; wal_level becomes logical).");
  }
  std::vector<ParameterChange> others;
  for (const ParameterChange& change : changes) {
    if (change.name != "wal_level") {
      others.push_back(change);
    }
  }
  if (!others.empty()) {
    fix.steps.push_back(fmt::format(
        "Neon sets {} itself (max_replication_slots and max_wal_senders are 10): they cannot be "
        "changed from SQL or the console; ask Neon support.",
        settings_list(others)));
  }
  return fix;
}

Remediation console(const char* where, std::span<const ParameterChange> changes, bool restart) {
  Remediation fix;
  fix.steps = {fmt::format("Set {} in {}{}.", settings_list(changes), where,
                           restart ? ", which restarts the server" : "")};
  return fix;
}

}  // namespace

std::string azure_server_name(const Facts& facts) {
  const std::string host = normalized_host(facts.connection.host);
  constexpr std::string_view kSuffix = ".postgres.database.azure.com";
  if (host.size() > kSuffix.size() && host.ends_with(kSuffix)) {
    std::string name = host.substr(0, host.size() - kSuffix.size());
    // Azure server names: lower-case letters, digits and hyphens; anything
    // else is not pasted into a shell command.
    if (std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        })) {
      return name;
    }
  }
  return "<server>";
}

std::vector<ParameterChange> platform_parameters(Platform platform, const ParameterChange& change) {
  if (change.name == "wal_level") {
    if (platform == Platform::cloud_sql) {
      return {{"cloudsql.logical_decoding", "on", "on"}};
    }
    if (platform == Platform::alloydb) {
      return {{"alloydb.logical_decoding", "on", "on"}, {"alloydb.enable_pglogical", "on", "on"}};
    }
  }
  return {change};
}

bool timescale_cloud(const Facts& facts) {
  const std::string host = normalized_host(facts.connection.host);
  const std::vector<std::string>& roles = facts.server.platform_roles;
  return host.ends_with(".tsdb.cloud.timescale.com") ||
         std::find(roles.begin(), roles.end(), "tsdbadmin") != roles.end();
}

Remediation cloud_parameter_remediation(const Facts& facts, Platform platform,
                                        std::span<const ParameterChange> requested, bool restart) {
  std::vector<ParameterChange> changes;
  for (const ParameterChange& change : requested) {
    for (ParameterChange& set : platform_parameters(platform, change)) {
      changes.push_back(std::move(set));
    }
  }
  Remediation fix;
  switch (platform) {
    case Platform::cloud_sql:
      fix = cloud_sql(changes, restart);
      break;
    case Platform::alloydb:
      fix = alloydb(changes, restart);
      break;
    case Platform::azure:
      fix = azure(facts, changes, restart);
      break;
    case Platform::supabase:
      fix = supabase(changes, restart);
      break;
    case Platform::neon:
      fix = neon(changes);
      break;
    case Platform::crunchy_bridge:
      fix = console("the Crunchy Bridge dashboard (the cluster > Settings > Configuration)",
                    changes, restart);
      break;
    case Platform::timescale:
      // A self-hosted TimescaleDB is a PostgreSQL server (parameters.cc);
      // Timescale Cloud offers no logical replication.
      if (any_is(changes, "wal_level")) {
        fix.steps = {
            "Timescale Cloud cannot turn logical replication on: there, ClickPipes can only copy "
            "the data once (an Initial Load Only pipe), not stream changes."};
      } else {
        fix = console("the Timescale console (the service > Operations > Database parameters)",
                      changes, restart);
      }
      break;
    case Platform::planetscale:
      fix = console("the PlanetScale console (the database > Cluster configuration > Parameters)",
                    changes, restart);
      break;
    case Platform::postgresql:
    case Platform::rds:
    case Platform::aurora:
      break;
  }
  fix.docs = platform_info(platform).setup_docs;
  return fix;
}

Remediation cloud_restart_remediation(const Facts& facts, Platform platform) {
  Remediation fix;
  switch (platform) {
    case Platform::cloud_sql:
      fix.steps = {"Restart the Cloud SQL instance so the change takes effect."};
      fix.commands = {"gcloud sql instances restart <instance>"};
      break;
    case Platform::alloydb:
      fix.steps = {"Restart the AlloyDB primary instance so the change takes effect."};
      fix.commands = {
          "gcloud alloydb instances restart <instance> --cluster=<cluster> "
          "--region=<region>"};
      break;
    case Platform::azure:
      fix.steps = {"Restart the server so the change takes effect (portal: Overview > Restart)."};
      fix.commands = {
          fmt::format("az postgres flexible-server restart --resource-group <resource-group> "
                      "--name {}",
                      azure_server_name(facts))};
      break;
    case Platform::supabase:
      fix.steps = {
          "Restart the project so the change takes effect (Supabase dashboard: Project "
          "Settings > General > Restart project)."};
      break;
    case Platform::neon:
      fix.steps = {
          "Restart the compute so the change takes effect (Neon console: the branch > "
          "Computes > Restart)."};
      break;
    case Platform::crunchy_bridge:
      fix.steps = {
          "Restart the cluster so the change takes effect (Crunchy Bridge dashboard: the "
          "cluster > Actions > Restart)."};
      break;
    case Platform::timescale:
      fix.steps = {"Restart the service so the change takes effect (Timescale console)."};
      break;
    case Platform::planetscale:
      fix.steps = {"Restart the database so the change takes effect (PlanetScale dashboard)."};
      break;
    case Platform::postgresql:
    case Platform::rds:
    case Platform::aurora:
      break;
  }
  fix.docs = platform_info(platform).setup_docs;
  return fix;
}

}  // namespace cdcpreflight
