#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cdcpreflight/facts.h"
#include "util/printable.h"

namespace nlohmann {

template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& value) {
    if (value) {
      j = *value;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& value) {
    if (j.is_null()) {
      value.reset();
    } else {
      value = j.get<T>();
    }
  }
};

}  // namespace nlohmann

namespace cdcpreflight {

// Enums as strings; an unknown string in a snapshot is an error, never a
// silent default.
#define CDCP_STRICT_ENUM_JSON(Type, ...)                                                \
  void to_json(nlohmann::json& json, const Type& value) {                               \
    static const std::pair<Type, const char*> kNames[] = __VA_ARGS__;                   \
    for (const auto& [known, name] : kNames) {                                          \
      if (known == value) {                                                             \
        json = name;                                                                    \
        return;                                                                         \
      }                                                                                 \
    }                                                                                   \
    json = nullptr;                                                                     \
  }                                                                                     \
  void from_json(const nlohmann::json& json, Type& value) {                             \
    static const std::pair<Type, const char*> kNames[] = __VA_ARGS__;                   \
    const std::string text = json.get<std::string>();                                   \
    for (const auto& [known, name] : kNames) {                                          \
      if (text == name) {                                                               \
        value = known;                                                                  \
        return;                                                                         \
      }                                                                                 \
    }                                                                                   \
    throw std::runtime_error("unknown " #Type " value \"" + text.substr(0, 40) + "\""); \
  }

CDCP_STRICT_ENUM_JSON(ConnectionFailure, {{ConnectionFailure::other, "other"},
                                          {ConnectionFailure::none, "none"},
                                          {ConnectionFailure::dns, "dns"},
                                          {ConnectionFailure::refused, "refused"},
                                          {ConnectionFailure::timeout, "timeout"},
                                          {ConnectionFailure::authentication, "authentication"},
                                          {ConnectionFailure::tls, "tls"},
                                          {ConnectionFailure::database_missing, "database_missing"},
                                          {ConnectionFailure::lost, "lost"}})
CDCP_STRICT_ENUM_JSON(TableKind,
                      {{TableKind::ordinary, "ordinary"}, {TableKind::partitioned, "partitioned"}})
CDCP_STRICT_ENUM_JSON(ReplicaIdentity, {{ReplicaIdentity::default_key, "default"},
                                        {ReplicaIdentity::nothing, "nothing"},
                                        {ReplicaIdentity::full, "full"},
                                        {ReplicaIdentity::index, "index"}})
CDCP_STRICT_ENUM_JSON(AwsFailure, {{AwsFailure::other, "other"},
                                   {AwsFailure::none, "none"},
                                   {AwsFailure::no_cli, "no_cli"},
                                   {AwsFailure::credentials, "credentials"},
                                   {AwsFailure::access_denied, "access_denied"},
                                   {AwsFailure::throttled, "throttled"},
                                   {AwsFailure::not_found, "not_found"},
                                   {AwsFailure::timeout, "timeout"},
                                   {AwsFailure::endpoint, "endpoint"},
                                   {AwsFailure::invalid_output, "invalid_output"}})
#undef CDCP_STRICT_ENUM_JSON

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ConnectionFacts, connected, failure,
                                                failure_message, host, port, dbname, connected_as,
                                                sslmode, ssl_in_use, ssl_protocol, ssl_cipher)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Setting, value, unit, pending_restart)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServerFacts, version_num, version, version_string,
                                                aurora_version, rds, in_recovery, settings,
                                                platform_roles, extensions, wal_bytes_since_reset,
                                                seconds_since_wal_reset)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoleFacts, name, exists, can_login, superuser,
                                                replication, bypass_rls, member_of_rds_replication,
                                                member_of_rds_superuser, valid_until,
                                                seconds_until_expiry)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SchemaFacts, name, owner, usage)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
    TableFacts, schema, name, owner, kind, unlogged, is_partition, root_schema, root_name,
    replica_identity, has_primary_key, has_replica_identity_index, select, published, bytes,
    has_toastable_columns, toast_holds_data, generated_columns, virtual_generated_columns,
    generated_in_key, row_security, force_row_security, owned_by_role, policy_reads_all,
    parent_schema, parent_name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PublicationFacts, exists, name, owner, all_tables,
                                                insert, update, delete_, truncate, via_root,
                                                publishes_generated_columns, schemas,
                                                clickpipes_publications)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(QueryError, sqlstate, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DefaultPrivilegeFacts, owner, schema, grants_select)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OpenTransaction, pid, user, backend_type, state,
                                                age_seconds, query_start)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PreparedTransaction, gid, owner, database,
                                                age_seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReplicationSlotFacts, name, plugin, slot_type,
                                                database, active, temporary, wal_status,
                                                retained_bytes, safe_wal_bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ActivityFacts, can_read_all_stats, transactions,
                                                prepared, slots, wal_senders, hidden_transactions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReplicationConnectFacts, attempted, ok,
                                                system_identifier, timeline, sqlstate, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SlotProbeFacts, attempted, ok, sqlstate, message,
                                                timed_out, blockers, changes_peeked)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsError, failure, call, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsClusterMember, instance, writer,
                                                parameter_group_status)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsCluster, identifier, arn, engine, engine_version,
                                                engine_mode, status, endpoint, reader_endpoint,
                                                custom_endpoints, port, parameter_group,
                                                serverless_min_capacity, serverless_max_capacity,
                                                members)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsInstance, identifier, status, instance_class,
                                                address, port, publicly_accessible, vpc_id,
                                                security_groups)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsParameter, name, value, source, apply_type)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsIngressRule, protocol, from_port, to_port,
                                                ipv4_ranges, ipv6_ranges, groups, prefix_lists)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsSecurityGroup, id, name, vpc_id, ingress)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsGlobalCluster, identifier, writer_arn,
                                                member_arns)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ClickPipesRegion, region, egress_ips)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ClickPipesIps, source, read_on, url, regions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AwsFacts, attempted, region, cluster_id,
                                                cluster_from, setup_error, cluster, cluster_error,
                                                instances, instances_error, parameters,
                                                parameters_error, security_groups,
                                                security_groups_error, global_cluster, global_error,
                                                clickpipes_ips)

namespace {

constexpr FactGroup kFactGroups[] = {FactGroup::server,      FactGroup::role,
                                     FactGroup::schemas,     FactGroup::tables,
                                     FactGroup::publication, FactGroup::default_privileges,
                                     FactGroup::activity};

}  // namespace

void to_json(nlohmann::json& json, const Facts& facts) {
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [group, error] : facts.errors) {
    errors[to_string(group)] = error;
  }
  json = nlohmann::json{
      {"facts_version", kFactsVersion},
      {"tool_version", facts.tool_version},
      {"gathered_at", facts.gathered_at},
      {"user", facts.user},
      {"publication", facts.publication},
      {"connection", facts.connection},
      {"server", facts.server},
      {"role", facts.role},
      {"schemas", facts.schemas},
      {"tables", facts.tables},
      {"publication_facts", facts.publication_facts},
      {"default_privileges", facts.default_privileges},
      {"activity", facts.activity},
      {"replication_connect", facts.replication_connect},
      {"slot_probe", facts.slot_probe},
      {"errors", errors},
  };
  if (facts.aws.attempted) {
    json["aws"] = facts.aws;
  }
}

namespace {

// A timestamptz runs from 4714-11-24 BC to 294277-01-01 AD (MIN_TIMESTAMP and
// END_TIMESTAMP in PostgreSQL's datatype/timestamp.h): no difference of two of
// them, in seconds, is wider.
constexpr std::int64_t kTimestampSpanSeconds = 9'435'184'819'200;

// tables[].bytes: (relpages of the table + relpages of its TOAST table) *
// block_size, where relpages is an int4 and a block at most 32 kB (configure
// --with-blocksize).
constexpr std::int64_t kMaxTableBytes = 2 * std::int64_t{INT32_MAX} * 32768;

// What a real server can report in each integer of a snapshot, by key (a key
// means the same wherever it appears), so that no number a check or a report
// computes with is one no server could have produced. Every other integer must
// fit an int64: nlohmann would wrap it silently.
struct IntegerRange {
  std::string_view key;
  std::int64_t min;
  std::int64_t max;
};

constexpr IntegerRange kIntegerRanges[] = {
    // A TCP port; 0 when libpq named none (a failure before a host was chosen).
    {"port", 0, 65535},
    // PQserverVersion, an int; 0 when no server answered.
    {"version_num", 0, INT32_MAX},
    // rolvaliduntil - now(), two finite timestamps; negative once expired.
    {"seconds_until_expiry", -kTimestampSpanSeconds, kTimestampSpanSeconds},
    // A table and its TOAST table.
    {"bytes", 0, kMaxTableBytes},
    // pg_stat_wal.wal_bytes (numeric, a 64-bit counter) as a bigint, and
    // now() - stats_reset, two timestamps of the server's clock.
    {"wal_bytes_since_reset", 0, INT64_MAX},
    {"seconds_since_wal_reset", -kTimestampSpanSeconds, kTimestampSpanSeconds},
    // pg_stat_activity.pid and pg_blocking_pids() are int4, positive but for a
    // prepared transaction in the way of the probe's slot, which
    // pg_blocking_pids() represents by a zero process ID.
    {"pid", 0, INT32_MAX},
    // now() - xact_start (or - prepared), where now() is when the gathering
    // transaction began: a transaction that began after it, before the activity
    // query ran, is a few seconds below zero.
    {"age_seconds", -kTimestampSpanSeconds, kTimestampSpanSeconds},
    // pg_wal_lsn_diff(current or replayed LSN, restart_lsn)::bigint: negative on
    // a standby whose replay is behind a slot's restart_lsn (a cascading
    // standby's slot follows what was received, a synced slot the primary), and
    // the cast to bigint is the only bound on a difference of two 64-bit LSNs.
    {"retained_bytes", INT64_MIN, INT64_MAX},
    // pg_replication_slots.safe_wal_size (13+), a bigint: below zero for a slot
    // past max_slot_wal_keep_size that is not removed yet (unreserved).
    {"safe_wal_bytes", INT64_MIN, INT64_MAX},
    // count(*) of pg_stat_replication: at most max_wal_senders, whose maximum
    // is MAX_BACKENDS (2^18 - 1).
    {"wal_senders", 0, 262143},
    // count(DISTINCT pid) of pg_locks: at most the backends, MAX_BACKENDS (2^18 - 1).
    {"hidden_transactions", 0, 262143},
    // IDENTIFY_SYSTEM's timeline: 1 on a new cluster and one more per
    // promotion, read into an int; 0 when it did not answer.
    {"timeline", 0, INT32_MAX},
    // count(*) of the peeked changes, a bigint.
    {"changes_peeked", 0, INT64_MAX},
    // A security group rule's port range: -1 for every port (all protocols,
    // ICMP types), else a TCP or UDP port.
    {"from_port", -1, 65535},
    {"to_port", -1, 65535},
};

// The numbers that are not integers: Aurora capacity units, in half steps.
constexpr std::string_view kFractionalKeys[] = {"serverless_min_capacity",
                                                "serverless_max_capacity"};

const IntegerRange* range_of(std::string_view key) {
  for (const IntegerRange& range : kIntegerRanges) {
    if (range.key == key) {
      return &range;
    }
  }
  return nullptr;
}

// Where a value sits in the snapshot ("tables[3].name"), made into text only
// for a message.
struct Location {
  const Location* parent = nullptr;
  const std::string* key = nullptr;  // of a member, or
  std::size_t index = 0;             // of an element, when key is null

  // The key of the member this value is, or is an element of: what the
  // ranges are looked up by.
  [[nodiscard]] std::string_view nearest_key() const {
    for (const Location* at = this; at != nullptr; at = at->parent) {
      if (at->key != nullptr) {
        return *at->key;
      }
    }
    return {};
  }

  // Quoted and escaped, so that the message stays one short line whatever the
  // keys hold: a key is the snapshot's text.
  [[nodiscard]] std::string quoted() const {
    std::string path;
    for (const Location* at = this; at->parent != nullptr; at = at->parent) {
      path.insert(0, at->key != nullptr
                         ? fmt::format("{}{}", at->parent->parent != nullptr ? "." : "",
                                       printable(std::string_view(*at->key).substr(0, 40)))
                         : fmt::format("[{}]", at->index));
    }
    return "\"" + path + "\"";
  }
};

// A number is an integer in its key's range (nlohmann would otherwise wrap it,
// or read true as 1).
void check_integer(const nlohmann::json& json, const Location& at) {
  const IntegerRange* range = range_of(at.nearest_key());
  if (json.is_number() && std::find(std::begin(kFractionalKeys), std::end(kFractionalKeys),
                                    at.nearest_key()) != std::end(kFractionalKeys)) {
    if (!(json.get<double>() >= 0.0 && json.get<double>() <= 1e6)) {
      throw std::runtime_error(at.quoted() + " is out of range");
    }
    return;
  }
  if (json.is_number_float() || (json.is_boolean() && range != nullptr)) {
    throw std::runtime_error(at.quoted() + " is not an integer");
  }
  if (json.is_number_unsigned() &&
      json.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    throw std::runtime_error(at.quoted() + " is out of range");
  }
  if (json.is_number_integer() && range != nullptr) {
    const auto value = json.get<std::int64_t>();
    if (value < range->min || value > range->max) {
      throw std::runtime_error(fmt::format("{} is {}, out of range ({} to {})", at.quoted(), value,
                                           range->min, range->max));
    }
  }
}

// A snapshot may come from anywhere: nesting is bounded, numbers are checked
// as above, and no string, key included, holds a NUL: no name or message from
// PostgreSQL can (its text cannot), and it would end a name early for psql or
// any other C reader of a report.
void check_values(const nlohmann::json& json, const Location& at, int depth) {
  if (depth > 32) {
    throw std::runtime_error("nested too deeply");
  }
  if (json.is_number() || json.is_boolean()) {
    check_integer(json, at);
  } else if (json.is_string()) {
    if (json.get_ref<const std::string&>().find('\0') != std::string::npos) {
      throw std::runtime_error(at.quoted() + " holds a NUL character");
    }
  } else if (json.is_object()) {
    for (const auto& [name, value] : json.items()) {
      const Location member{&at, &name};
      if (name.find('\0') != std::string::npos) {
        throw std::runtime_error(member.quoted() + " is a key that holds a NUL character");
      }
      check_values(value, member, depth + 1);
    }
  } else if (json.is_array()) {
    for (std::size_t i = 0; i < json.size(); ++i) {
      check_values(json[i], Location{&at, nullptr, i}, depth + 1);
    }
  }
}

}  // namespace

void from_json(const nlohmann::json& json, Facts& facts) {
  // First: another version's values need not be valid in this one.
  if (const nlohmann::json& version = json.at("facts_version");
      !version.is_number_integer() || version.get<std::int64_t>() != kFactsVersion) {
    throw std::runtime_error("unsupported facts_version " + version.dump().substr(0, 40) +
                             " (this cdc-preflight reads " + std::to_string(kFactsVersion) + ")");
  }
  check_values(json, Location{}, 0);
  if (!json.at("errors").is_object()) {
    throw std::runtime_error("\"errors\" is not an object");
  }
  facts = Facts{};
  json.at("tool_version").get_to(facts.tool_version);
  json.at("gathered_at").get_to(facts.gathered_at);
  json.at("user").get_to(facts.user);
  json.at("publication").get_to(facts.publication);
  json.at("connection").get_to(facts.connection);
  json.at("server").get_to(facts.server);
  json.at("role").get_to(facts.role);
  json.at("schemas").get_to(facts.schemas);
  json.at("tables").get_to(facts.tables);
  json.at("publication_facts").get_to(facts.publication_facts);
  // Sections a snapshot may lack (taken before they existed) keep their defaults.
  const auto optional_section = [&json](const char* key, auto& section) {
    if (const auto found = json.find(key); found != json.end()) {
      found->get_to(section);
    }
  };
  optional_section("default_privileges", facts.default_privileges);
  optional_section("activity", facts.activity);
  optional_section("replication_connect", facts.replication_connect);
  optional_section("slot_probe", facts.slot_probe);
  optional_section("aws", facts.aws);
  facts.deep = facts.slot_probe.attempted;
  resolve_user(facts);
  for (const FactGroup group : kFactGroups) {
    if (const auto error = json.at("errors").find(to_string(group));
        error != json.at("errors").end()) {
      facts.errors[group] = error->get<QueryError>();
    }
  }
}

}  // namespace cdcpreflight
