// Host classes follow Aurora's endpoint names (../shared/AURORA.md):
// <first>.<kind><id>.<region>.rds.amazonaws.com, in China
// <first>.<kind><id>.rds.<region>.amazonaws.com.cn, and global writer endpoints
// <name>.global-<id>.global.rds.amazonaws.com.
#include "cdcpreflight/endpoint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "util/text.h"

namespace cdcpreflight {

namespace {

std::vector<std::string> split_labels(std::string_view host) {
  std::vector<std::string> labels;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = host.find('.', start);
    labels.emplace_back(host.substr(start, dot - start));
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return labels;
}

bool is_ip_literal(std::string_view host) {
  std::string text(host);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const std::size_t zone = text.find('%'); zone != std::string::npos) {
    text.resize(zone);  // fe80::1%eth0
  }
  std::array<unsigned char, 16> address{};
  return inet_pton(AF_INET, text.c_str(), address.data()) == 1 ||
         inet_pton(AF_INET6, text.c_str(), address.data()) == 1;
}

// Classifies <first>.<kind_label>… given the labels before the region.
Endpoint classify_rds(const std::vector<std::string>& labels, std::size_t kind_index,
                      std::string region) {
  const std::string& kind_label = labels[kind_index];
  Endpoint endpoint;
  endpoint.region = std::move(region);
  endpoint.identifier = labels.front();
  if (kind_label.starts_with("cluster-ro-")) {
    endpoint.kind = EndpointKind::cluster_reader;
  } else if (kind_label.starts_with("cluster-custom-")) {
    endpoint.kind = EndpointKind::cluster_custom;
  } else if (kind_label.starts_with("cluster-")) {
    endpoint.kind = EndpointKind::cluster_writer;
  } else if (kind_label.starts_with("proxy-")) {
    endpoint.kind = EndpointKind::proxy;
  } else if (kind_label.starts_with("shardgrp-")) {
    endpoint.kind = EndpointKind::shard_group;
  } else if (kind_index == 1) {
    endpoint.kind = EndpointKind::instance;
  } else {
    return Endpoint{};
  }
  return endpoint;
}

}  // namespace

std::string normalized_host(std::string_view host) {
  std::string name = lowercase(host);
  while (!name.empty() && name.back() == '.') {
    name.pop_back();
  }
  return name;
}

Endpoint classify_host(std::string_view host) {
  if (host.empty() || host.front() == '/' || host.front() == '@') {
    return Endpoint{EndpointKind::unix_socket, {}, {}};
  }
  if (is_ip_literal(host)) {
    return Endpoint{EndpointKind::ip_literal, {}, {}};
  }
  std::string name = lowercase(host);
  if (!name.empty() && name.back() == '.') {
    name.pop_back();
  }
  const std::vector<std::string> labels = split_labels(name);
  // Amazon's endpoint names are host names: letters, digits and hyphens. Any
  // other character (an empty label, `$(…)`, `;`) makes no Amazon endpoint, so
  // no identifier or region that the fixes paste into shell commands can hold
  // one.
  const auto host_label = [](const std::string& label) {
    return !label.empty() && std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
  };
  if (!std::all_of(labels.begin(), labels.end(), host_label)) {
    return Endpoint{};
  }
  const std::size_t n = labels.size();
  const auto ends_with_labels = [&](std::initializer_list<std::string_view> tail) {
    if (n < tail.size()) {
      return false;
    }
    std::size_t i = n - tail.size();
    return std::all_of(tail.begin(), tail.end(),
                       [&](std::string_view label) { return labels[i++] == label; });
  };
  if (n >= 6 && ends_with_labels({"rds", "amazonaws", "com"})) {
    const std::string& region = labels[n - 4];
    if (region == "global") {
      if (labels[n - 5].starts_with("global-")) {
        return Endpoint{EndpointKind::global_writer, labels.front(), {}};
      }
      return Endpoint{};
    }
    return classify_rds(labels, n - 5, region);
  }
  if (n >= 7 && ends_with_labels({"amazonaws", "com", "cn"}) && labels[n - 5] == "rds") {
    return classify_rds(labels, n - 6, labels[n - 4]);
  }
  return Endpoint{};
}

const char* to_string(EndpointKind kind) {
  switch (kind) {
    case EndpointKind::cluster_writer:
      return "cluster-writer";
    case EndpointKind::cluster_reader:
      return "cluster-reader";
    case EndpointKind::cluster_custom:
      return "cluster-custom";
    case EndpointKind::proxy:
      return "proxy";
    case EndpointKind::shard_group:
      return "shard-group";
    case EndpointKind::instance:
      return "instance";
    case EndpointKind::global_writer:
      return "global-writer";
    case EndpointKind::ip_literal:
      return "ip-literal";
    case EndpointKind::unix_socket:
      return "unix-socket";
    case EndpointKind::other:
      return "other";
  }
  return "other";
}

}  // namespace cdcpreflight
