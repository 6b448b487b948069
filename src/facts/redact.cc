#include "facts/redact.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "aws/parse.h"
#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/platform.h"

namespace cdcpreflight {

namespace {

// One kind of name (roles, schemas, hosts, …) and its placeholders: the same
// name always gets the same one, and different names different ones.
class Placeholders {
 public:
  // The placeholder of the n-th name (from 1).
  using Make = std::function<std::string(const std::string& name, std::size_t n)>;

  explicit Placeholders(Make make) : make_(std::move(make)) {}

  // prefix1, prefix2, …; a dotted name keeps a dot: tables.names depends on it.
  explicit Placeholders(const std::string& prefix)
      : make_([prefix](const std::string& name, std::size_t n) {
          return fmt::format("{}{}{}", prefix, n,
                             name.find('.') != std::string::npos ? ".dotted" : "");
        }) {}

  const std::string& operator()(const std::string& name) {
    static const std::string kEmpty;
    if (name.empty()) {
      return kEmpty;  // not `name`: the caller's may be a temporary
    }
    auto [entry, added] = names_.try_emplace(name);
    if (added) {
      entry->second = make_(name, names_.size());
    }
    return entry->second;
  }
  [[nodiscard]] const std::map<std::string, std::string>& names() const { return names_; }

 private:
  Make make_;
  std::map<std::string, std::string> names_;
};

// Roles whose names are PostgreSQL's or Amazon's own, not the customer's.
// PostgreSQL reserves every pg_ name (CREATE ROLE refuses one); rds_ is no
// reserved prefix (a customer may call a role rds_etl), so only the roles
// Amazon documents for RDS and Aurora PostgreSQL are kept.
bool is_builtin_role(const std::string& name) {
  static constexpr std::string_view kAmazonRoles[] = {
      "rds_ad",       "rds_extension", "rds_iam",  "rds_password", "rds_replication",
      "rds_reserved", "rds_superuser", "rdsadmin", "rdsrepladmin", "rdstopmgr",
  };
  return name.starts_with("pg_") || std::find(std::begin(kAmazonRoles), std::end(kAmazonRoles),
                                              name) != std::end(kAmazonRoles);
}

// The n-th host of a snapshot when it names a platform (a host signal of
// cdcpreflight/platform.h): the platform's suffix, and what marks a pooler or
// the shape the platform gives its names, stay, so that server.platform and
// endpoint.writer keep their verdicts; the labels naming the customer's
// project, server or endpoint go. Neon's labels between the endpoint and
// neon.tech are its region and cell, not the customer's.
std::optional<std::string> redacted_platform_host(const std::string& raw_host, std::size_t n) {
  const std::string host = normalized_host(raw_host);
  const auto ends_with = [&](std::string_view suffix) {
    return host.size() > suffix.size() && host.ends_with(suffix);
  };
  if (ends_with(".pooler.supabase.com")) {
    return fmt::format("aws-0-redacted-{}.pooler.supabase.com", n);
  }
  if (ends_with(".supabase.co")) {
    return fmt::format("db.redacted-{}.supabase.co", n);
  }
  if (ends_with(".neon.tech")) {
    const std::size_t dot = host.find('.');
    const std::string_view endpoint = std::string_view(host).substr(0, dot);
    return fmt::format("ep-redacted-{}{}{}", n, endpoint.ends_with("-pooler") ? "-pooler" : "",
                       std::string_view(host).substr(dot));
  }
  if (ends_with(".postgresbridge.com")) {
    return fmt::format("p.redacted-{}.db.postgresbridge.com", n);
  }
  if (ends_with(".horizon.psdb.cloud")) {
    return fmt::format("redacted-{}.horizon.psdb.cloud", n);
  }
  for (const PlatformSignal& signal : platform_signals()) {
    if (signal.kind == SignalKind::host && ends_with(signal.name)) {
      return fmt::format("redacted-{}{}", n, signal.name);
    }
  }
  return std::nullopt;
}

// The n-th host of a snapshot, as one of the same kind (and region), so that
// endpoint.writer and the AWS commands keep their verdicts and shape. Every
// address becomes the same documentation address, as addresses in messages do.
std::string redacted_host(const std::string& host, std::size_t n) {
  const Endpoint endpoint = classify_host(host);
  const std::string region = endpoint.region.empty() ? "us-east-1" : endpoint.region;
  switch (endpoint.kind) {
    case EndpointKind::cluster_writer:
      return fmt::format("cluster-{}.cluster-redacted.{}.rds.amazonaws.com", n, region);
    case EndpointKind::cluster_reader:
      return fmt::format("cluster-{}.cluster-ro-redacted.{}.rds.amazonaws.com", n, region);
    case EndpointKind::cluster_custom:
      return fmt::format("endpoint-{}.cluster-custom-redacted.{}.rds.amazonaws.com", n, region);
    case EndpointKind::proxy:
      return fmt::format("proxy-{}.proxy-redacted.{}.rds.amazonaws.com", n, region);
    case EndpointKind::shard_group:
      return fmt::format("group-{}.shardgrp-redacted.{}.rds.amazonaws.com", n, region);
    case EndpointKind::instance:
      return fmt::format("instance-{}.redacted.{}.rds.amazonaws.com", n, region);
    case EndpointKind::global_writer:
      return fmt::format("global-{}.global-redacted.global.rds.amazonaws.com", n);
    case EndpointKind::ip_literal:
      return "192.0.2.1";  // TEST-NET-1
    case EndpointKind::unix_socket:
      return n == 1 ? "/redacted" : fmt::format("/redacted-{}", n);
    case EndpointKind::other:
      if (auto platform_host = redacted_platform_host(host, n)) {
        return std::move(*platform_host);
      }
      break;
  }
  return fmt::format("host-{}.invalid", n);
}

// What libpq's messages (of 14 and later, and before) and the server's
// pg_hba.conf ones quote, after which words: a multi-host -h a,b (or conninfo,
// or URI) names every host tried, not only the last one, which connection.host
// holds; pg_hba.conf names the client's host or address; a certificate the
// names it was issued for; and libpq the password file a refused password came
// from, or a service file it could not read: paths in the customer's home.
enum class Quoted { host, socket, file, service };

struct QuotedAfter {
  std::string_view words;  // up to the opening quote
  Quoted what;
};

constexpr QuotedAfter kQuoted[] = {
    {"connection to server at \"", Quoted::host},
    {"could not translate host name \"", Quoted::host},
    {"could not parse network address \"", Quoted::host},
    {"host \"", Quoted::host},  // Is the server running on host "…", pg_hba.conf's for host "…"
    {"server certificate for \"", Quoted::host},
    {"does not match host name \"", Quoted::host},
    {"on socket \"", Quoted::socket},
    {"socket path \"", Quoted::socket},  // Unix-domain socket path "…" to address, is too long
    {"Unix domain socket \"", Quoted::socket},
    {"file \"", Quoted::file},  // password retrieved from file, service file, certificate file
    {"definition of service \"", Quoted::service},
};

// The text with each quoted host, socket, file and service replaced by its
// placeholder, numbered in the order the text names them: a one-letter host
// (-h a,b) too, which scrub() below would not touch.
std::string redact_quoted(const std::string& text, Placeholders& hosts, Placeholders& files,
                          Placeholders& services) {
  struct Span {
    std::size_t begin;
    std::size_t end;  // the closing quote, or the end of a message cut short
    Quoted what;
  };
  std::vector<Span> spans;
  for (const auto& [words, what] : kQuoted) {
    for (std::size_t at = text.find(words); at != std::string::npos;
         at = text.find(words, at + 1)) {
      const std::size_t begin = at + words.size();
      spans.push_back({begin, std::min(text.find('"', begin), text.size()), what});
    }
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  const auto placeholder = [&](const std::string& quoted, Quoted what) {
    static constexpr std::string_view kSocketFile = "/.s.PGSQL.";
    switch (what) {
      case Quoted::host:
        return hosts(quoted);
      case Quoted::socket:
        if (const std::size_t file = quoted.rfind(kSocketFile); file != std::string::npos) {
          return hosts(quoted.substr(0, file)) + quoted.substr(file);
        }
        return hosts(quoted);
      case Quoted::file:
        return files(quoted);
      case Quoted::service:
        return services(quoted);
    }
    return quoted;
  };
  std::string out;
  std::size_t copied = 0;
  for (const Span& span : spans) {
    if (span.begin < copied) {
      continue;  // within what another phrase quoted
    }
    out.append(text, copied, span.begin - copied);
    out += placeholder(text.substr(span.begin, span.end - span.begin), span.what);
    copied = span.end;
  }
  out.append(text, copied);
  return out;
}

// Replaces every known name in a free-text message (an error from the server),
// and any IP address: libpq names the address it resolved the host to.
std::string scrub(std::string text, const std::vector<std::pair<std::string, std::string>>& names) {
  static const std::regex ipv4(R"(\b\d{1,3}(\.\d{1,3}){3}\b)");
  static const std::regex ipv6(R"(\(([0-9A-Fa-f]{0,4}:){2,}[0-9A-Fa-f.:%\w]*\))");
  static const std::regex arn(R"(arn:aws[a-z-]*:[A-Za-z0-9:/_.+=@-]*)");
  static const std::regex account(R"(\b\d{12}\b)");
  text = std::regex_replace(text, arn, "arn:aws:redacted");
  text = std::regex_replace(text, account, "000000000000");
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
  // Neon's settings name the customer's tenant and timeline (project): only
  // their presence is a signal.
  for (auto& [name, setting] : out.server.settings) {
    if (name.starts_with("neon.")) {
      setting.value = "redacted";
    }
  }
  Placeholders roles("role_"), schemas_named("schema_"), tables("table_"), databases("database_"),
      publications("publication_"), slots("slot_"), transactions("gid_"), services("service_");
  // TimescaleDB's chunk schema is the extension's, not the customer's, and
  // publication.tables looks for it.
  const auto schemas = [&](const std::string& name) {
    return name == "_timescaledb_internal" ? name : schemas_named(name);
  };
  Placeholders hosts(redacted_host);
  Placeholders files([](const std::string& /*path*/, std::size_t n) {
    return fmt::format("/redacted/file-{}", n);
  });
  const auto role = [&](const std::string& name) {
    return is_builtin_role(name) ? name : roles(name);
  };

  out.connection.host = hosts(facts.connection.host);
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
    table.parent_schema = schemas(table.parent_schema);
    table.parent_name = tables(table.parent_name);
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

  // The control plane: ids and addresses, so that each verdict stays (the same
  // cluster ARN is the same placeholder wherever it appears; a range that holds
  // a ClickPipes address, which is public, is kept).
  Placeholders clusters("cluster-"), instances("instance-"), globals("global-"),
      parameter_groups("parameter-group-"), security_groups([](const std::string&, std::size_t n) {
        return fmt::format("sg-redacted{}", n);
      }),
      vpcs([](const std::string&, std::size_t n) { return fmt::format("vpc-redacted{}", n); }),
      prefix_lists(
          [](const std::string&, std::size_t n) { return fmt::format("pl-redacted{}", n); }),
      ranges([](const std::string&, std::size_t n) {
        return fmt::format("198.51.100.{}/32", n % 256);
      }),
      ranges6(
          [](const std::string&, std::size_t n) { return fmt::format("2001:db8::{:x}/128", n); });
  const auto arn = [&](const std::string& text) {
    if (const auto parsed = parse_cluster_arn(text)) {
      return fmt::format("arn:aws:rds:{}:000000000000:cluster:{}", parsed->region,
                         clusters(parsed->identifier));
    }
    return text.empty() ? text : std::string("arn:aws:rds:redacted");
  };
  const auto parameter_group = [&](const std::string& name) {
    return name.starts_with("default.") ? name : parameter_groups(name);
  };
  AwsFacts& aws = out.aws;
  const ClickPipesIps& ips = aws.clickpipes_ips;
  const auto range = [&](const std::string& cidr) {
    const bool holds_clickpipes =
        std::any_of(ips.regions.begin(), ips.regions.end(), [&](const ClickPipesRegion& region) {
          return std::any_of(region.egress_ips.begin(), region.egress_ips.end(),
                             [&](const std::string& ip) { return cidr_contains(cidr, ip); });
        });
    return holds_clickpipes ? cidr : ranges(cidr);
  };
  // An endpoint that is the connection's host (as aws.cluster compares them:
  // whatever the case, with or without a trailing dot) gets its placeholder.
  const std::string connected_host = normalized_host(facts.connection.host);
  const auto endpoint_host = [&](const std::string& host) -> std::string {
    if (!host.empty() && normalized_host(host) == connected_host) {
      return out.connection.host;
    }
    return hosts(normalized_host(host));
  };
  aws.cluster_id = clusters(aws.cluster_id);
  if (aws.cluster) {
    AwsCluster& cluster = *aws.cluster;
    cluster.identifier = clusters(cluster.identifier);
    cluster.arn = arn(cluster.arn);
    cluster.endpoint = endpoint_host(cluster.endpoint);
    cluster.reader_endpoint = endpoint_host(cluster.reader_endpoint);
    for (std::string& endpoint : cluster.custom_endpoints) {
      endpoint = endpoint_host(endpoint);
    }
    cluster.parameter_group = parameter_group(cluster.parameter_group);
    for (AwsClusterMember& member : cluster.members) {
      member.instance = instances(member.instance);
    }
  }
  for (AwsInstance& instance : aws.instances) {
    instance.identifier = instances(instance.identifier);
    instance.address = endpoint_host(instance.address);
    instance.vpc_id = vpcs(instance.vpc_id);
    for (std::string& group : instance.security_groups) {
      group = security_groups(group);
    }
  }
  for (AwsSecurityGroup& group : aws.security_groups) {
    group.id = security_groups(group.id);
    group.name = group.name.empty() ? group.name : "security-group";
    group.vpc_id = vpcs(group.vpc_id);
    for (AwsIngressRule& rule : group.ingress) {
      for (std::string& cidr : rule.ipv4_ranges) {
        cidr = range(cidr);
      }
      for (std::string& cidr : rule.ipv6_ranges) {
        cidr = ranges6(cidr);
      }
      for (std::string& other : rule.groups) {
        other = security_groups(other);
      }
      for (std::string& list : rule.prefix_lists) {
        list = prefix_lists(list);
      }
    }
  }
  if (aws.global_cluster) {
    aws.global_cluster->identifier = globals(aws.global_cluster->identifier);
    aws.global_cluster->writer_arn = arn(aws.global_cluster->writer_arn);
    for (std::string& member : aws.global_cluster->member_arns) {
      member = arn(member);
    }
  }
  if (ips.source != "built in") {
    aws.clickpipes_ips.source = "/redacted/clickpipes-ips.json";
  }

  // Free text from the server and libpq names them too: first where libpq
  // quotes hosts and files, then every name known by now wherever it appears,
  // longest first, so that a name inside a longer one does not break it.
  std::vector<std::string*> messages = {&out.connection.failure_message,
                                        &out.replication_connect.message, &out.slot_probe.message};
  for (auto& [group, error] : out.errors) {
    messages.push_back(&error.message);
  }
  for (std::optional<AwsError>* error :
       {&aws.setup_error, &aws.cluster_error, &aws.instances_error, &aws.parameters_error,
        &aws.security_groups_error, &aws.global_error}) {
    if (error->has_value()) {
      messages.push_back(&(*error)->message);
    }
  }
  for (std::string* message : messages) {
    *message = redact_quoted(*message, hosts, files, services);
  }
  std::vector<std::pair<std::string, std::string>> names;
  for (const Placeholders* kind :
       {&hosts, &files, &services, &roles, &schemas_named, &tables, &databases, &publications,
        &slots, &transactions, &clusters, &instances, &globals, &parameter_groups, &security_groups,
        &vpcs, &prefix_lists}) {
    names.insert(names.end(), kind->names().begin(), kind->names().end());
  }
  std::sort(names.begin(), names.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (std::string* message : messages) {
    *message = scrub(*message, names);
  }
  return out;
}

}  // namespace cdcpreflight
