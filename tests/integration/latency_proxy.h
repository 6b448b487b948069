// cdcp-latency-proxy (tools/latency_proxy.cc) in front of a test server: every
// byte delayed by a fixed time in each direction, and per finished connection
// the client's round trips (`client_flights`) and when it was opened.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cdcpreflight::integration {

class LatencyProxy {
 public:
  // Listens on a free 127.0.0.1 port, forwarding to 127.0.0.1:target_port.
  // Throws std::runtime_error when it cannot start.
  LatencyProxy(int target_port, std::chrono::milliseconds delay);
  ~LatencyProxy();
  LatencyProxy(const LatencyProxy&) = delete;
  LatencyProxy& operator=(const LatencyProxy&) = delete;
  LatencyProxy(LatencyProxy&&) = delete;
  LatencyProxy& operator=(LatencyProxy&&) = delete;

  [[nodiscard]] int port() const { return port_; }

  // The proxy's line of each connection that ended (connection, opened_ms,
  // closed_ms, client_flights, server_flights, bytes_up, bytes_down), once
  // there are at least `count` (a connection is reported after its last byte
  // was forwarded); fewer when `timeout` passes first.
  [[nodiscard]] std::vector<nlohmann::json> finished_connections(
      std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  void stop() noexcept;

  std::string dir_;
  std::string stats_file_;
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace cdcpreflight::integration
