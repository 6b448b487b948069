// Classifies the host the tool connected to: which kind of Aurora/RDS endpoint
// it is, and the cluster identifier and region its name reveals.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

enum class EndpointKind {
  cluster_writer,  // <cluster>.cluster-<id>.<region>.rds.amazonaws.com
  cluster_reader,  // .cluster-ro-
  cluster_custom,  // .cluster-custom-
  proxy,           // RDS Proxy: .proxy-
  shard_group,     // Aurora Limitless: .shardgrp-
  instance,        // <instance>.<id>.<region>.rds.amazonaws.com
  global_writer,   // <name>.global-<id>.global.rds.amazonaws.com
  ip_literal,      // an IPv4 or IPv6 address
  unix_socket,     // a socket directory
  other,           // any other host name (self-managed, DNS alias, …)
};

struct Endpoint {
  EndpointKind kind = EndpointKind::other;
  std::string identifier;  // cluster id (cluster kinds) or instance id, when known
  std::string region;      // e.g. us-east-1, when known
};

[[nodiscard]] Endpoint classify_host(std::string_view host);

// A host name as DNS compares it: lower case, without trailing dots.
[[nodiscard]] std::string normalized_host(std::string_view host);

// Stable names used in the JSON report: "cluster-writer", "ip-literal", …
[[nodiscard]] const char* to_string(EndpointKind kind);

}  // namespace cdcpreflight
