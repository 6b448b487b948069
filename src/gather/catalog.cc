#include "gather/catalog.h"

#include <algorithm>
#include <climits>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "cdcpreflight/platform.h"
#include "gather/queries.h"
#include "gather/round_trip.h"
#include "gather/rows.h"
#include "util/printable.h"

namespace cdcpreflight {

namespace {

// The platform signals (cdcpreflight/platform.h): JSON text the server built
// from the names it was asked about, so only those names are taken.
void read_platform_signals(const Row& row, ServerFacts& facts) {
  try {
    const auto settings = nlohmann::json::parse(row.text("platform_settings"));
    for (const std::string_view name : platform_signal_names(SignalKind::setting)) {
      const auto found = settings.find(name);
      if (found != settings.end() && found->is_string()) {
        facts.settings[std::string(name)] = Setting{found->get<std::string>(), "", false};
      }
    }
    const auto roles = nlohmann::json::parse(row.text("platform_roles"));
    for (const std::string_view name : platform_signal_names(SignalKind::role)) {
      if (std::find(roles.begin(), roles.end(), name) != roles.end()) {
        facts.platform_roles.emplace_back(name);
      }
    }
    std::sort(facts.platform_roles.begin(), facts.platform_roles.end());
    const auto extensions = nlohmann::json::parse(row.text("extensions"));
    for (const std::string_view name : platform_signal_names(SignalKind::extension)) {
      const auto found = extensions.find(name);
      if (found != extensions.end() && found->is_string()) {
        facts.extensions[std::string(name)] = found->get<std::string>();
      }
    }
  } catch (const nlohmann::json::exception&) {
    throw UnexpectedAnswer("the platform signals are not the JSON asked for");
  }
}

void read_server(const PGresult* server, const PGresult* settings, ServerFacts& facts) {
  const Row row = Row::only(server);
  facts.version_num = row.integer_in("version_num", 0, 9999999);
  facts.version = row.text("version");
  facts.version_string = row.text("version_string");
  facts.in_recovery = row.boolean("in_recovery");
  facts.rds = row.boolean("rds");
  if (!row.is_null("aurora_enhanced_logical_replication")) {
    facts.settings["aurora.enhanced_logical_replication"] =
        Setting{row.text("aurora_enhanced_logical_replication"), "", false};
  }
  if (!row.is_null("wal_bytes_since_reset")) {
    facts.wal_bytes_since_reset = row.integer("wal_bytes_since_reset");
  }
  if (!row.is_null("seconds_since_wal_reset")) {
    facts.seconds_since_wal_reset = row.integer("seconds_since_wal_reset");
  }
  if (!row.is_null("rds_logical_replication")) {
    facts.settings["rds.logical_replication"] =
        Setting{row.text("rds_logical_replication"), "", false};
  }
  read_platform_signals(row, facts);
  for_each_row(settings, [&](const Row& setting) {
    facts.settings[setting.text("name")] =
        Setting{setting.text("setting"), setting.text("unit"), setting.boolean("pending_restart")};
  });
}

void read_role(const PGresult* result, RoleFacts& role) {
  const Row row = Row::only(result);
  role.name = row.text("name");
  role.exists = row.boolean("exists");
  role.can_login = row.boolean("can_login");
  role.superuser = row.boolean("superuser");
  role.replication = row.boolean("replication");
  role.bypass_rls = row.boolean("bypass_rls");
  role.member_of_rds_replication = row.boolean("member_of_rds_replication");
  role.member_of_rds_superuser = row.boolean("member_of_rds_superuser");
  if (!row.is_null("valid_until")) {
    role.valid_until = row.text("valid_until");
  }
  if (!row.is_null("seconds_until_expiry")) {
    role.seconds_until_expiry = row.integer("seconds_until_expiry");
  }
}

ReplicaIdentity replica_identity_of(const std::string& code) {
  switch (code.empty() ? 'd' : code.front()) {
    case 'n':
      return ReplicaIdentity::nothing;
    case 'f':
      return ReplicaIdentity::full;
    case 'i':
      return ReplicaIdentity::index;
    default:
      return ReplicaIdentity::default_key;
  }
}

// A column holding a JSON array of names (json_agg).
std::vector<std::string> json_names(const Row& row, const char* column) {
  try {
    return nlohmann::json::parse(row.text(column)).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    throw UnexpectedAnswer(fmt::format("column {} is not a JSON array of names", column));
  }
}

void read_tables(const PGresult* result, std::vector<TableFacts>& tables) {
  tables.reserve(static_cast<std::size_t>(PQntuples(result)));
  for_each_row(result, [&](const Row& row) {
    TableFacts& table = tables.emplace_back();
    table.schema = row.text("schema");
    table.name = row.text("name");
    table.owner = row.text("owner");
    table.kind = row.text("kind") == "p" ? TableKind::partitioned : TableKind::ordinary;
    table.unlogged = row.text("persistence") == "u";
    table.is_partition = row.boolean("is_partition");
    if (!row.is_null("root_schema")) {
      table.root_schema = row.text("root_schema");
      table.root_name = row.text("root_name");
    }
    table.replica_identity = replica_identity_of(row.text("replica_identity"));
    table.has_primary_key = row.boolean("has_primary_key");
    table.has_replica_identity_index = row.boolean("has_replica_identity_index");
    table.select = row.boolean("can_select");
    table.published = row.boolean("published");
    table.bytes = row.integer("bytes");
    table.has_toastable_columns = row.boolean("has_toastable_columns");
    table.toast_holds_data = row.boolean("toast_holds_data");
    table.generated_columns = json_names(row, "generated_columns");
    table.virtual_generated_columns = json_names(row, "virtual_generated_columns");
    table.generated_in_key = row.boolean("generated_in_key");
    table.row_security = row.boolean("row_security");
    table.force_row_security = row.boolean("force_row_security");
    table.owned_by_role = row.boolean("owned_by_role");
    table.policy_reads_all = row.boolean("policy_reads_all");
    if (!row.is_null("parent_schema")) {
      table.parent_schema = row.text("parent_schema");
      table.parent_name = row.text("parent_name");
    }
  });
}

void read_publication(const PGresult* result, PublicationFacts& publication) {
  if (PQntuples(result) == 0) {
    return;
  }
  const Row row = Row::only(result);
  publication.exists = true;
  publication.name = row.text("name");
  publication.owner = row.text("owner");
  publication.all_tables = row.boolean("all_tables");
  publication.insert = row.boolean("insert");
  publication.update = row.boolean("update");
  publication.delete_ = row.boolean("delete");
  publication.truncate = row.boolean("truncate");
  publication.via_root = row.boolean("via_root");
  publication.schemas = json_names(row, "schemas");
  publication.publishes_generated_columns = row.boolean("publishes_generated_columns");
}

void read_activity(const PGresult* visibility, const PGresult* transactions,
                   const PGresult* prepared, const PGresult* slots, ActivityFacts& activity) {
  const Row row = Row::only(visibility);
  activity.can_read_all_stats = row.boolean("can_read_all_stats");
  activity.wal_senders = row.integer_in("wal_senders", 0, INT32_MAX);
  activity.hidden_transactions = row.integer_in("hidden_transactions", 0, INT32_MAX);
  for_each_row(transactions, [&](const Row& transaction) {
    activity.transactions.push_back(open_transaction_of(transaction));
  });
  for_each_row(prepared, [&](const Row& transaction) {
    activity.prepared.push_back({transaction.text("gid"), transaction.text("owner"),
                                 transaction.text("database"), transaction.integer("age_seconds")});
  });
  for_each_row(slots, [&](const Row& slot) {
    ReplicationSlotFacts& facts = activity.slots.emplace_back();
    facts.name = slot.text("name");
    facts.plugin = slot.text("plugin");
    facts.slot_type = slot.text("slot_type");
    facts.database = slot.text("database");
    facts.active = slot.boolean("active");
    facts.temporary = slot.boolean("temporary");
    facts.wal_status = slot.text("wal_status");
    if (!slot.is_null("safe_wal_bytes")) {
      facts.safe_wal_bytes = slot.integer("safe_wal_bytes");
    }
    if (!slot.is_null("retained_bytes")) {
      facts.retained_bytes = slot.integer("retained_bytes");
    }
  });
}

void mark_lost(Facts& facts, const std::string& why) {
  facts.connection.failure = ConnectionFailure::lost;
  facts.connection.failure_message = why;
}

// A server that answers valid protocol in a shape no PostgreSQL gives: nothing
// it said can be trusted, so nothing is checked (exit 3, as for a lost
// connection), and the connection check says what was wrong.
void mark_unexpected(Facts& facts, std::string_view query, const UnexpectedAnswer& error) {
  facts.connection.failure = ConnectionFailure::other;
  facts.connection.failure_message =
      fmt::format("the server answered the {} query unexpectedly: {}", query, error.what());
}

// The catalog queries of one fact group, and where their outcomes are.
struct GroupQueries {
  FactGroup group;
  std::vector<std::size_t> statements;
};

// Round trip 1: session settings, then one REPEATABLE READ READ ONLY
// transaction. Each group of facts is its own segment behind a savepoint, so
// one failing query (a lock wait past statement_timeout, a privilege) costs
// only its group.
std::vector<GroupQueries> plan_catalog_round_trip(RoundTrip& trip, const GatherOptions& options,
                                                  int version_num, int replication_pid) {
  trip.add({queries::kSafeSearchPath, {}});
  trip.add({queries::statement_timeout(options.statement_timeout_seconds), {}});
  trip.add({queries::kReadOnlySession, {}});
  trip.end_segment();
  // Tuning, each setting in a segment of its own: a server that refuses one
  // costs nothing else.
  trip.add({queries::kJitOff, {}});
  trip.end_segment();
  if (version_num >= queries::kClientConnectionCheckFrom) {
    trip.add({queries::kClientConnectionCheck, {}});
    trip.end_segment();
  }
  // The search_path again, inside the transaction: if it cannot be pinned,
  // the transaction is aborted and no catalog query below runs.
  trip.add({queries::kBeginReadOnly, {}});
  trip.add({queries::kSafeSearchPathInTransaction, {}});
  trip.add({queries::kSavepoint, {}});
  trip.end_segment();
  const std::optional<std::string> role =
      options.user.empty() ? std::nullopt : std::optional<std::string>(options.user);
  const std::optional<std::string> publication = options.publication;
  std::vector<GroupQueries> groups;
  const auto add_group = [&](FactGroup group, std::vector<Statement> statements) {
    GroupQueries planned{group, {}};
    trip.add({queries::kRollbackToSavepoint, {}});
    for (Statement& statement : statements) {
      planned.statements.push_back(trip.add(std::move(statement)));
    }
    trip.end_segment();
    groups.push_back(std::move(planned));
  };
  add_group(FactGroup::server, {{queries::server(version_num), {}}, {queries::settings(), {}}});
  add_group(FactGroup::role, {{queries::role(), {role}}});
  add_group(FactGroup::schemas, {{queries::schemas(), {role}}});
  add_group(FactGroup::tables, {{queries::tables(version_num), {role, publication}}});
  add_group(FactGroup::publication, {{queries::publication(version_num), {role, publication}},
                                     {queries::clickpipes_publications(), {}}});
  add_group(FactGroup::default_privileges, {{queries::default_privileges(), {role}}});
  add_group(FactGroup::activity, {{queries::stats_visibility(), {std::to_string(replication_pid)}},
                                  {queries::open_transactions(), {}},
                                  {queries::prepared_transactions(), {}},
                                  {queries::replication_slots(version_num), {}}});
  trip.add({queries::kCommit, {}});
  trip.end_segment();
  return groups;
}

// Fills the facts of one group from its outcomes; throws UnexpectedAnswer.
void read_group(const GroupQueries& group, RoundTrip& trip, Facts& facts) {
  const auto result = [&](std::size_t n) { return trip.outcome(group.statements[n]).result.get(); };
  switch (group.group) {
    case FactGroup::server:
      read_server(result(0), result(1), facts.server);
      break;
    case FactGroup::role:
      read_role(result(0), facts.role);
      facts.user = facts.role.name;
      break;
    case FactGroup::schemas:
      for_each_row(result(0), [&](const Row& row) {
        facts.schemas.push_back({row.text("name"), row.text("owner"), row.boolean("usage")});
      });
      break;
    case FactGroup::tables:
      read_tables(result(0), facts.tables);
      break;
    case FactGroup::publication:
      read_publication(result(0), facts.publication_facts);
      facts.publication_facts.clickpipes_publications = json_names(Row::only(result(1)), "names");
      break;
    case FactGroup::default_privileges:
      for_each_row(result(0), [&](const Row& row) {
        facts.default_privileges.push_back(
            {row.text("owner"), row.text("schema"), row.boolean("grants_select")});
      });
      break;
    case FactGroup::activity:
      read_activity(result(0), result(1), result(2), result(3), facts.activity);
      break;
  }
}

// The facts of every group that could be read; false (with the connection
// marked) when the server answered in a shape PostgreSQL never gives.
bool read_groups(const std::vector<GroupQueries>& groups, RoundTrip& trip, Facts& facts) {
  for (const GroupQueries& group : groups) {
    const auto failed = std::find_if(group.statements.begin(), group.statements.end(),
                                     [&](std::size_t i) { return !trip.outcome(i).ok(); });
    if (failed != group.statements.end()) {
      facts.errors[group.group] = trip.outcome(*failed).error;
      spdlog::debug("could not read {} facts: {}", to_string(group.group),
                    printable(trip.outcome(*failed).error.message));
      continue;
    }
    try {
      read_group(group, trip, facts);
    } catch (const UnexpectedAnswer& error) {
      mark_unexpected(facts, to_string(group.group), error);
      return false;
    }
  }
  return true;
}

// Round trip 2, Aurora only: aurora_version() cannot be named in SQL sent to a
// server where it does not exist. False when the connection broke or the
// answer was unexpected (the connection is then marked).
bool read_aurora_version(PGconn* conn, std::chrono::milliseconds idle_timeout, Facts& facts) {
  RoundTrip aurora;
  const std::size_t version = aurora.add({queries::aurora_version(), {}});
  if (!aurora.run(conn, idle_timeout)) {
    mark_lost(facts, aurora.failure());
    return false;
  }
  if (!aurora.outcome(version).ok()) {
    facts.errors[FactGroup::server] = aurora.outcome(version).error;
    return true;
  }
  try {
    facts.server.aurora_version =
        Row::only(aurora.outcome(version).result.get()).text("aurora_version");
  } catch (const UnexpectedAnswer& error) {
    mark_unexpected(facts, "aurora_version()", error);
    return false;
  }
  return true;
}

}  // namespace

bool read_catalog(PGconn* conn, const GatherOptions& options, int replication_pid,
                  std::chrono::milliseconds idle_timeout, Facts& facts) {
  RoundTrip first;
  const std::vector<GroupQueries> groups =
      plan_catalog_round_trip(first, options, PQserverVersion(conn), replication_pid);
  if (!first.run(conn, idle_timeout)) {
    mark_lost(facts, first.failure());
    return false;
  }
  if (!read_groups(groups, first, facts)) {
    return false;
  }
  const StatementOutcome& server = first.outcome(groups.front().statements.front());
  bool aurora = false;
  try {
    aurora = server.ok() && Row::only(server.result.get()).boolean("has_aurora_version");
  } catch (const UnexpectedAnswer& error) {
    mark_unexpected(facts, to_string(FactGroup::server), error);
    return false;
  }
  return !aurora || read_aurora_version(conn, idle_timeout, facts);
}

}  // namespace cdcpreflight
