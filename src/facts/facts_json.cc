#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cdcpreflight/facts.h"

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
#undef CDCP_STRICT_ENUM_JSON

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ConnectionFacts, connected, failure,
                                                failure_message, host, port, dbname, connected_as,
                                                sslmode, ssl_in_use, ssl_protocol, ssl_cipher)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Setting, value, unit, pending_restart)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServerFacts, version_num, version, aurora_version,
                                                rds, in_recovery, settings)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoleFacts, name, exists, can_login, superuser,
                                                replication, bypass_rls, member_of_rds_replication,
                                                member_of_rds_superuser, valid_until,
                                                seconds_until_expiry)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SchemaFacts, name, owner, usage)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TableFacts, schema, name, owner, kind, unlogged,
                                                is_partition, root_schema, root_name,
                                                replica_identity, has_primary_key,
                                                has_replica_identity_index, select, published,
                                                bytes, has_toastable_columns, row_security,
                                                force_row_security, owned_by_role, policy_reads_all)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PublicationFacts, exists, name, owner, all_tables,
                                                insert, update, delete_, truncate, via_root,
                                                schemas)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(QueryError, sqlstate, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DefaultPrivilegeFacts, owner, schema, grants_select)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OpenTransaction, pid, user, backend_type, state,
                                                age_seconds, query_start)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PreparedTransaction, gid, owner, database,
                                                age_seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReplicationSlotFacts, name, plugin, slot_type,
                                                database, active, temporary, wal_status,
                                                retained_bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ActivityFacts, can_read_all_stats, transactions,
                                                prepared, slots, wal_senders)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReplicationConnectFacts, attempted, ok,
                                                system_identifier, timeline, sqlstate, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SlotProbeFacts, attempted, ok, sqlstate, message,
                                                timed_out, blockers, changes_peeked)

namespace {

constexpr FactGroup kFactGroups[] = {FactGroup::server,      FactGroup::role,
                                     FactGroup::schemas,     FactGroup::tables,
                                     FactGroup::publication, FactGroup::default_privileges,
                                     FactGroup::activity};

}  // namespace

const char* to_string(FactGroup group) {
  switch (group) {
    case FactGroup::server:
      return "server";
    case FactGroup::role:
      return "role";
    case FactGroup::schemas:
      return "schemas";
    case FactGroup::tables:
      return "tables";
    case FactGroup::publication:
      return "publication";
    case FactGroup::default_privileges:
      return "default_privileges";
    case FactGroup::activity:
      return "activity";
  }
  return "server";
}

const char* to_string(ConnectionFailure failure) {
  switch (failure) {
    case ConnectionFailure::none:
      return "none";
    case ConnectionFailure::dns:
      return "dns";
    case ConnectionFailure::refused:
      return "refused";
    case ConnectionFailure::timeout:
      return "timeout";
    case ConnectionFailure::authentication:
      return "authentication";
    case ConnectionFailure::tls:
      return "tls";
    case ConnectionFailure::database_missing:
      return "database_missing";
    case ConnectionFailure::lost:
      return "lost";
    case ConnectionFailure::other:
      return "other";
  }
  return "other";
}

Platform platform_of(const ServerFacts& server) {
  if (server.aurora_version) {
    return Platform::aurora;
  }
  return server.rds ? Platform::rds : Platform::postgresql;
}

const char* to_string(Platform platform) {
  switch (platform) {
    case Platform::aurora:
      return "aurora";
    case Platform::rds:
      return "rds";
    case Platform::postgresql:
      return "postgresql";
  }
  return "postgresql";
}

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
}

namespace {

// Integers that land in an `int`; every other number must fit an int64.
bool is_int_field(const std::string& key) {
  return key == "port" || key == "version_num" || key == "timeline" || key == "pid" ||
         key == "wal_senders" || key == "facts_version";
}

// A snapshot may come from anywhere: numbers must be integers of the right
// range (nlohmann would wrap them silently), and nesting is bounded.
void check_numbers(const nlohmann::json& json, const std::string& key, int depth) {
  if (depth > 32) {
    throw std::runtime_error("nested too deeply");
  }
  if (json.is_number_float()) {
    throw std::runtime_error("\"" + key + "\" is not an integer");
  }
  if (json.is_number_unsigned() &&
      json.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    throw std::runtime_error("\"" + key + "\" is out of range");
  }
  if (json.is_number_integer() && is_int_field(key)) {
    const auto value = json.get<std::int64_t>();
    if (value < INT32_MIN || value > INT32_MAX) {
      throw std::runtime_error("\"" + key + "\" is out of range");
    }
  }
  if (json.is_object()) {
    for (const auto& [name, value] : json.items()) {
      check_numbers(value, name, depth + 1);
    }
  } else if (json.is_array()) {
    for (const auto& value : json) {
      check_numbers(value, key, depth + 1);
    }
  }
}

}  // namespace

void from_json(const nlohmann::json& json, Facts& facts) {
  check_numbers(json, "", 0);
  if (!json.at("errors").is_object()) {
    throw std::runtime_error("\"errors\" is not an object");
  }
  if (json.at("facts_version").get<int>() != kFactsVersion) {
    throw std::runtime_error("unsupported facts_version " + json.at("facts_version").dump() +
                             " (this cdc-preflight reads " + std::to_string(kFactsVersion) + ")");
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
  for (const FactGroup group : kFactGroups) {
    if (const auto error = json.at("errors").find(to_string(group));
        error != json.at("errors").end()) {
      facts.errors[group] = error->get<QueryError>();
    }
  }
}

}  // namespace cdcpreflight
