// The platform detection table and the platforms' poolers. Signals come from
// each platform's documentation (docs/platforms.md lists them with sources).
#include "cdcpreflight/platform.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"

namespace cdcpreflight {

namespace {

using enum SignalKind;

// Tried in order; the first that matches decides. Server-side signals (what
// only that platform defines) come before host names, and the timescaledb
// extension, which any server may have installed, comes last.
constexpr std::array kSignals{
    PlatformSignal{Platform::aurora, function, "aurora_version"},
    PlatformSignal{Platform::rds, setting, "rds.extensions"},
    PlatformSignal{Platform::alloydb, setting, "alloydb.logical_decoding"},
    PlatformSignal{Platform::alloydb, setting, "alloydb.iam_authentication"},
    PlatformSignal{Platform::alloydb, role, "alloydbsuperuser"},
    PlatformSignal{Platform::cloud_sql, setting, "cloudsql.logical_decoding"},
    PlatformSignal{Platform::cloud_sql, setting, "cloudsql.iam_authentication"},
    PlatformSignal{Platform::cloud_sql, role, "cloudsqlsuperuser"},
    PlatformSignal{Platform::azure, setting, "azure.extensions"},
    PlatformSignal{Platform::azure, role, "azure_pg_admin"},
    PlatformSignal{Platform::azure, host, ".postgres.database.azure.com"},
    PlatformSignal{Platform::neon, setting, "neon.timeline_id"},
    PlatformSignal{Platform::neon, setting, "neon.tenant_id"},
    PlatformSignal{Platform::neon, role, "neon_superuser"},
    PlatformSignal{Platform::neon, host, ".neon.tech"},
    PlatformSignal{Platform::supabase, role, "supabase_admin"},
    PlatformSignal{Platform::supabase, host, ".supabase.co"},
    PlatformSignal{Platform::supabase, host, ".supabase.com"},
    PlatformSignal{Platform::crunchy_bridge, host, ".postgresbridge.com"},
    PlatformSignal{Platform::planetscale, host, ".psdb.cloud"},
    PlatformSignal{Platform::timescale, role, "tsdbadmin"},
    PlatformSignal{Platform::timescale, host, ".tsdb.cloud.timescale.com"},
    PlatformSignal{Platform::timescale, extension, "timescaledb"},
};

const std::array kInfos{
    PlatformInfo{Platform::postgresql, "postgresql", "PostgreSQL",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/generic"},
    PlatformInfo{Platform::rds, "rds", "Amazon RDS for PostgreSQL",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/rds"},
    PlatformInfo{Platform::aurora, "aurora", "Amazon Aurora PostgreSQL",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/aurora"},
    PlatformInfo{Platform::cloud_sql, "cloudsql", "Google Cloud SQL for PostgreSQL",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/"
                 "google-cloudsql"},
    PlatformInfo{Platform::alloydb, "alloydb", "Google AlloyDB for PostgreSQL",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/alloydb"},
    PlatformInfo{Platform::azure, "azure", "Azure Database for PostgreSQL flexible server",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/"
                 "azure-flexible-server-postgres"},
    PlatformInfo{Platform::supabase, "supabase", "Supabase",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/supabase"},
    PlatformInfo{Platform::neon, "neon", "Neon",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/"
                 "neon-postgres"},
    PlatformInfo{Platform::crunchy_bridge, "crunchy_bridge", "Crunchy Bridge",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/"
                 "crunchy-postgres"},
    PlatformInfo{Platform::timescale, "timescale", "Timescale",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/timescale"},
    PlatformInfo{Platform::planetscale, "planetscale", "PlanetScale Postgres",
                 "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/"
                 "planetscale"},
};

bool host_ends_with(const std::string& host, std::string_view suffix) {
  return host.size() > suffix.size() && host.ends_with(suffix);
}

bool matches(const PlatformSignal& signal, const Facts& facts, const std::string& host_name) {
  const ServerFacts& server = facts.server;
  switch (signal.kind) {
    case function:
      return server.aurora_version.has_value();
    case setting:
      if (signal.name == "rds.extensions") {
        return server.rds;
      }
      return server.settings.contains(std::string(signal.name));
    case role:
      return std::find(server.platform_roles.begin(), server.platform_roles.end(), signal.name) !=
             server.platform_roles.end();
    case extension:
      return server.extensions.contains(std::string(signal.name));
    case host:
      return host_ends_with(host_name, signal.name);
  }
  return false;
}

std::string describe(const PlatformSignal& signal, const Facts& facts) {
  switch (signal.kind) {
    case function:
      return fmt::format("{}() exists", signal.name);
    case setting:
      return fmt::format("the setting {} is defined", signal.name);
    case role:
      return fmt::format("the role {} exists", signal.name);
    case extension:
      return fmt::format("the extension {} is installed ({})", signal.name,
                         facts.server.extensions.at(std::string(signal.name)));
    case host:
      return fmt::format("the host name ends in {}", signal.name);
  }
  return "";
}

}  // namespace

std::span<const PlatformSignal> platform_signals() { return kSignals; }

std::vector<std::string_view> platform_signal_names(SignalKind kind) {
  std::vector<std::string_view> names;
  for (const PlatformSignal& signal : kSignals) {
    // rds.extensions and aurora_version() have their own columns.
    if (signal.kind == kind && signal.name != "rds.extensions" && kind != function) {
      names.push_back(signal.name);
    }
  }
  return names;
}

const PlatformInfo& platform_info(Platform platform) {
  for (const PlatformInfo& info : kInfos) {
    if (info.platform == platform) {
      return info;
    }
  }
  return kInfos.front();
}

std::span<const PlatformInfo> platform_infos() { return kInfos; }

std::optional<Platform> platform_from_id(std::string_view id) {
  for (const PlatformInfo& info : kInfos) {
    if (id == info.id) {
      return info.platform;
    }
  }
  return std::nullopt;
}

const char* to_string(Platform platform) { return platform_info(platform).id; }

PlatformDetection detect_platform(const Facts& facts) {
  const std::string host_name = normalized_host(facts.connection.host);
  for (const PlatformSignal& signal : kSignals) {
    if (matches(signal, facts, host_name)) {
      return {signal.platform, describe(signal, facts)};
    }
  }
  return {};
}

Platform platform_of(const Facts& facts) { return detect_platform(facts).platform; }

bool is_aws_platform(Platform platform) {
  return platform == Platform::aurora || platform == Platform::rds;
}

std::optional<Pooler> platform_pooler(std::string_view raw_host, int port, Platform platform) {
  const std::string host = normalized_host(raw_host);
  const auto on = [&](std::string_view suffix, Platform owner) {
    return host_ends_with(host, suffix) || platform == owner;
  };
  const auto same_host_port = [&](int direct_port) {
    return fmt::format("{} port {}", host, direct_port);
  };
  // Supavisor, in session (5432) and transaction (6543) mode.
  if (host_ends_with(host, ".pooler.supabase.com")) {
    return Pooler{Platform::supabase,
                  fmt::format("{} is the Supabase connection pooler (Supavisor), which cannot "
                              "carry logical replication",
                              host),
                  "db.<project-ref>.supabase.co port 5432 (Supabase dashboard: Connect > Direct "
                  "connection; <project-ref> is the part after postgres. in the pooler's user "
                  "name)"};
  }
  if (port == 6543 && on(".supabase.co", Platform::supabase)) {
    return Pooler{Platform::supabase,
                  fmt::format("port 6543 of {} is the Supabase transaction pooler, which cannot "
                              "carry logical replication",
                              host),
                  same_host_port(5432)};
  }
  // Neon's pooled endpoints end their first label (the endpoint id) in
  // -pooler, also on hosts with a cell segment (ep-…-pooler.c-8.<region>…).
  if (host_ends_with(host, ".neon.tech")) {
    constexpr std::string_view kPoolerMark = "-pooler";
    const std::string_view label = std::string_view(host).substr(0, host.find('.'));
    if (label.size() > kPoolerMark.size() && label.ends_with(kPoolerMark)) {
      std::string direct = host;
      direct.erase(label.size() - kPoolerMark.size(), kPoolerMark.size());
      return Pooler{Platform::neon,
                    fmt::format("{} is a Neon pooled connection (PgBouncer), which cannot carry "
                                "logical replication",
                                host),
                    direct};
    }
  }
  // PSBouncer, Azure's built-in PgBouncer and Crunchy Bridge's PgBouncer
  // listen on the server's own host name, on a port of their own.
  if (port == 6432 && on(".psdb.cloud", Platform::planetscale)) {
    return Pooler{Platform::planetscale,
                  fmt::format("port 6432 of {} is PlanetScale's PSBouncer, which cannot carry "
                              "logical replication",
                              host),
                  same_host_port(5432)};
  }
  if (port == 6432 && on(".postgres.database.azure.com", Platform::azure)) {
    return Pooler{Platform::azure,
                  fmt::format("port 6432 of {} is Azure's built-in PgBouncer, which cannot carry "
                              "logical replication",
                              host),
                  same_host_port(5432)};
  }
  if (port == 5431 && on(".postgresbridge.com", Platform::crunchy_bridge)) {
    return Pooler{Platform::crunchy_bridge,
                  fmt::format("port 5431 of {} is Crunchy Bridge's PgBouncer, which cannot carry "
                              "logical replication",
                              host),
                  same_host_port(5432)};
  }
  return std::nullopt;
}

}  // namespace cdcpreflight
