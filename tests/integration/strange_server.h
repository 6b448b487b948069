// Servers that answer strangely, on loopback, for the tests of what the tool
// expects of an answer (nothing): a proxy in front of a real PostgreSQL server
// that alters what the server says while keeping it valid protocol, and a
// listener that answers something else than PostgreSQL.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace cdcpreflight::integration {

enum class Mangle {
  no_rows,          // every DataRow dropped: each query answers its columns and no row
  renamed_columns,  // every column name in RowDescription altered (its first letter X)
  notice,           // a WARNING with control characters sent after the start-up
};

// Listens on a free 127.0.0.1 port and forwards each connection to
// 127.0.0.1:target_port, altering the server's messages as `mangle` says. The
// client must not ask for TLS or GSS encryption (sslmode=disable,
// gssencmode=disable): the proxy reads the server's messages.
class ManglingProxy {
 public:
  ManglingProxy(int target_port, Mangle mangle);
  ~ManglingProxy();
  ManglingProxy(const ManglingProxy&) = delete;
  ManglingProxy& operator=(const ManglingProxy&) = delete;
  ManglingProxy(ManglingProxy&&) = delete;
  ManglingProxy& operator=(ManglingProxy&&) = delete;

  [[nodiscard]] int port() const { return port_; }

 private:
  void serve();
  void relay(int client, int server) const;

  int target_port_;
  Mangle mangle_;
  int port_ = 0;  // before listener_: the listening socket sets it
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> relays_;
};

// Accepts connections and answers each with `reply` (e.g. an HTTP error), then
// closes it: what libpq meets when the port belongs to another service.
class ForeignListener {
 public:
  explicit ForeignListener(std::string reply);
  ~ForeignListener();
  ForeignListener(const ForeignListener&) = delete;
  ForeignListener& operator=(const ForeignListener&) = delete;
  ForeignListener(ForeignListener&&) = delete;
  ForeignListener& operator=(ForeignListener&&) = delete;

  [[nodiscard]] int port() const { return port_; }

 private:
  std::string reply_;
  int port_ = 0;  // before listener_: the listening socket sets it
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
};

}  // namespace cdcpreflight::integration
