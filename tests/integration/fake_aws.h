// tests/integration/fake_aws/server.py in front of the real AWS CLI: a local
// endpoint answering the RDS and EC2 Query API actions the tool calls, in the
// shapes of the AWS API Reference (see fake_aws/README.md for the scenarios and
// the documented example each answer follows), and the environment that sends
// Debian's AWS CLI there with fake credentials and no configuration.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "process.h"

namespace cdcpreflight::integration {

// The AWS CLI the tests run: Debian's awscli (v2).
inline constexpr const char* kAwsCli = "/usr/bin/aws";

// The documented example credentials of the AWS CLI guide (never real), and a
// session token: none may appear in any output of the tool.
inline constexpr const char* kFakeAccessKey = "AKIAIOSFODNN7EXAMPLE";
inline constexpr const char* kFakeSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr const char* kFakeSessionToken =
    "IQoJb3JpZ2luX2VjEXAMPLEtokenFQoGZXIvYXdzEBYaDHqa0AP1gQ8TESTTOKEN";

class FakeAws {
 public:
  // Starts the endpoint on a free loopback port; `slow_seconds`: how long the
  // cdc-slow cluster's DescribeDBClusters waits. Throws when it cannot start.
  explicit FakeAws(int slow_seconds = 120);
  ~FakeAws();
  FakeAws(const FakeAws&) = delete;
  FakeAws& operator=(const FakeAws&) = delete;
  FakeAws(FakeAws&&) = delete;
  FakeAws& operator=(FakeAws&&) = delete;

  // Why the tests cannot run here (no python3 or no AWS CLI), else empty.
  [[nodiscard]] static std::string unavailable_reason();

  [[nodiscard]] std::string url() const;

  // The environment of a tool run that reaches this endpoint: PATH holding
  // the AWS CLI, the fake credentials (with a session token), no config or
  // credentials file, no instance metadata, two attempts per call.
  [[nodiscard]] EnvChanges env() const;

  // --aws --aws-endpoint-url URL
  [[nodiscard]] std::vector<std::string> args() const;

  // Every request answered so far: {"service", "action", "params", "region", "time_ms"}.
  [[nodiscard]] std::vector<nlohmann::json> requests() const;

 private:
  void stop() noexcept;

  std::string dir_;
  int pid_ = -1;
  int port_ = 0;
};

// The host name of the cluster endpoint of cluster `id` in us-east-1, whose
// name the test servers' certificate covers (kAuroraClusterDomain).
[[nodiscard]] std::string cluster_host(const std::string& id);

}  // namespace cdcpreflight::integration
