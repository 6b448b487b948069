#include "facts/redact.h"

#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"

namespace cdcpreflight {

namespace {

// One kind of name (roles, schemas, …) and its placeholders.
class Placeholders {
 public:
  explicit Placeholders(std::string prefix) : prefix_(std::move(prefix)) {}

  // A dotted name keeps a dot: tables.names depends on it.
  const std::string& operator()(const std::string& name) {
    if (name.empty()) {
      return name;
    }
    auto [entry, added] = names_.try_emplace(name);
    if (added) {
      entry->second = fmt::format("{}{}{}", prefix_, names_.size(),
                                  name.find('.') != std::string::npos ? ".dotted" : "");
    }
    return entry->second;
  }
  [[nodiscard]] const std::map<std::string, std::string>& names() const { return names_; }

 private:
  std::string prefix_;
  std::map<std::string, std::string> names_;
};

// Roles whose names are PostgreSQL's or AWS's own, not the customer's.
bool is_builtin_role(const std::string& name) {
  return name.starts_with("pg_") || name.starts_with("rds_") || name == "rdsadmin" ||
         name == "rdsrepladmin";
}

// A host of the same kind (and region), so endpoint.writer and the AWS
// commands keep their verdicts and shape.
std::string redacted_host(const std::string& host) {
  const Endpoint endpoint = classify_host(host);
  const std::string region = endpoint.region.empty() ? "us-east-1" : endpoint.region;
  switch (endpoint.kind) {
    case EndpointKind::cluster_writer:
      return fmt::format("cluster-1.cluster-redacted.{}.rds.amazonaws.com", region);
    case EndpointKind::cluster_reader:
      return fmt::format("cluster-1.cluster-ro-redacted.{}.rds.amazonaws.com", region);
    case EndpointKind::cluster_custom:
      return fmt::format("endpoint-1.cluster-custom-redacted.{}.rds.amazonaws.com", region);
    case EndpointKind::proxy:
      return fmt::format("proxy-1.proxy-redacted.{}.rds.amazonaws.com", region);
    case EndpointKind::shard_group:
      return fmt::format("group-1.shardgrp-redacted.{}.rds.amazonaws.com", region);
    case EndpointKind::instance:
      return fmt::format("instance-1.redacted.{}.rds.amazonaws.com", region);
    case EndpointKind::global_writer:
      return "global-1.global-redacted.global.rds.amazonaws.com";
    case EndpointKind::ip_literal:
      return "192.0.2.1";  // TEST-NET-1
    case EndpointKind::unix_socket:
      return "/redacted";
    case EndpointKind::other:
      break;
  }
  return "host-1.invalid";
}

// Replaces every known name in a free-text message (an error from the server),
// and any IP address: libpq names the address it resolved the host to.
std::string scrub(std::string text, const std::vector<std::pair<std::string, std::string>>& names) {
  static const std::regex ipv4(R"(\b\d{1,3}(\.\d{1,3}){3}\b)");
  static const std::regex ipv6(R"(\(([0-9A-Fa-f]{0,4}:){2,}[0-9A-Fa-f.:%\w]*\))");
  text = std::regex_replace(text, ipv6, "(2001:db8::1)");
  text = std::regex_replace(text, ipv4, "192.0.2.1");
  for (const auto& [name, placeholder] : names) {
    if (name.size() < 2) {
      continue;  // a one-letter name would mangle the message, and says little
    }
    for (std::size_t at = text.find(name); at != std::string::npos;
         at = text.find(name, at + placeholder.size())) {
      text.replace(at, name.size(), placeholder);
    }
  }
  return text;
}

}  // namespace

Facts redact(const Facts& facts) {
  Facts out = facts;
  Placeholders roles("role_"), schemas("schema_"), tables("table_"), databases("database_"),
      publications("publication_"), slots("slot_"), transactions("gid_");
  const auto role = [&](const std::string& name) {
    return is_builtin_role(name) ? name : roles(name);
  };

  const std::string host = redacted_host(facts.connection.host);
  out.connection.host = host;
  out.connection.dbname = databases(facts.connection.dbname);
  out.connection.connected_as = role(facts.connection.connected_as);
  out.user = role(facts.user);
  out.role.name = role(facts.role.name);
  out.publication = publications(facts.publication);
  out.publication_facts.name = publications(facts.publication_facts.name);
  out.publication_facts.owner = role(facts.publication_facts.owner);
  for (std::string& schema : out.publication_facts.schemas) {
    schema = schemas(schema);
  }
  for (SchemaFacts& schema : out.schemas) {
    schema.name = schemas(schema.name);
    schema.owner = role(schema.owner);
  }
  for (TableFacts& table : out.tables) {
    table.schema = schemas(table.schema);
    table.name = tables(table.name);
    table.owner = role(table.owner);
    table.root_schema = schemas(table.root_schema);
    table.root_name = tables(table.root_name);
  }
  for (DefaultPrivilegeFacts& entry : out.default_privileges) {
    entry.owner = role(entry.owner);
    entry.schema = schemas(entry.schema);
  }
  for (OpenTransaction& transaction : out.activity.transactions) {
    transaction.user = role(transaction.user);
  }
  for (PreparedTransaction& prepared : out.activity.prepared) {
    prepared.gid = transactions(prepared.gid);
    prepared.owner = role(prepared.owner);
    prepared.database = databases(prepared.database);
  }
  for (ReplicationSlotFacts& slot : out.activity.slots) {
    slot.name = slots(slot.name);
    slot.database = databases(slot.database);
  }
  for (OpenTransaction& blocker : out.slot_probe.blockers) {
    blocker.user = role(blocker.user);
  }

  // Free text from the server names them too: longest names first, so that a
  // name inside a longer one does not break it.
  std::vector<std::pair<std::string, std::string>> names{{facts.connection.host, host}};
  for (const Placeholders* kind :
       {&roles, &schemas, &tables, &databases, &publications, &slots, &transactions}) {
    names.insert(names.end(), kind->names().begin(), kind->names().end());
  }
  std::sort(names.begin(), names.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  out.connection.failure_message = scrub(facts.connection.failure_message, names);
  out.replication_connect.message = scrub(facts.replication_connect.message, names);
  out.slot_probe.message = scrub(facts.slot_probe.message, names);
  for (auto& [group, error] : out.errors) {
    error.message = scrub(error.message, names);
  }
  return out;
}

}  // namespace cdcpreflight
