// cdcp-latency-proxy: a TCP proxy on loopback that delays every byte by a fixed
// time in each direction and counts, per connection, the round trips the client
// made. Used by the benchmark (bench/) and by the integration test that proves
// the round-trip budget.
//
//   cdcp-latency-proxy --target PORT [--target-host 127.0.0.1] [--listen PORT]
//                      [--delay-ms N] [--stats FILE]
//
// It listens on 127.0.0.1 (--listen 0, the default, picks a free port) and prints
// "port N" on its first line of output once it accepts connections. Each
// connection is forwarded to the target; data read from either side is written
// to the other side N ms later. When a connection ends, one JSON line is
// appended to FILE (or printed on stdout):
//
//   {"connection":1,"opened_ms":12.3,"closed_ms":140.2,"client_flights":7,
//    "server_flights":7,"bytes_up":1234,"bytes_down":5678}
//
// A client flight is data from the client after the server last spoke (or the
// first data of the connection): with a protocol where the client waits for the
// answer, the number of client flights is the number of round trips, handshakes
// included. The proxy runs until SIGINT or SIGTERM.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t stop_requested = 0;

void on_signal(int /*signal*/) { stop_requested = 1; }

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "cdcp-latency-proxy: %s\n", message.c_str());
  std::exit(2);
}

struct Options {
  std::string target_host = "127.0.0.1";
  int target_port = 0;
  int listen_port = 0;
  int delay_ms = 0;
  std::string stats_file;
};

int parse_int(std::string_view flag, const char* text, int low, int high) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < low || value > high) {
    die(std::string(flag) + ": not a number in [" + std::to_string(low) + ", " +
        std::to_string(high) + "]: " + text);
  }
  return static_cast<int>(value);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::puts(
          "usage: cdcp-latency-proxy --target PORT [--target-host HOST] [--listen PORT]\n"
          "                          [--delay-ms N] [--stats FILE]");
      std::exit(0);
    }
    if (i + 1 >= argc) {
      die(std::string(flag) + ": missing value (see --help)");
    }
    const char* value = argv[++i];
    if (flag == "--target") {
      options.target_port = parse_int(flag, value, 1, 65535);
    } else if (flag == "--target-host") {
      options.target_host = value;
    } else if (flag == "--listen") {
      options.listen_port = parse_int(flag, value, 0, 65535);
    } else if (flag == "--delay-ms") {
      options.delay_ms = parse_int(flag, value, 0, 60000);
    } else if (flag == "--stats") {
      options.stats_file = value;
    } else {
      die(std::string("unknown flag ") + std::string(flag) + " (see --help)");
    }
  }
  if (options.target_port == 0) {
    die("--target PORT is required");
  }
  return options;
}

struct Chunk {
  Clock::time_point due;
  std::string bytes;
};

// One direction of a connection: bytes read from `from`, written to `to` once due.
struct Direction {
  int from = -1;
  int to = -1;
  std::deque<Chunk> queue;
  std::size_t written = 0;  // of queue.front()
  bool eof = false;         // `from` ended
  bool shut = false;        // `to` was shut down for writing after the end
  long long bytes = 0;
  long long flights = 0;
  std::size_t poll_index = 0;  // of `from` in this turn's poll set
};

struct Connection {
  int id = 0;
  double opened_ms = 0;
  Direction up;    // client -> server
  Direction down;  // server -> client
  bool client_spoke_last = false;
  bool any_data = false;
  bool failed = false;
  [[nodiscard]] bool done() const {
    return failed || (up.eof && up.queue.empty() && down.eof && down.queue.empty());
  }
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int connect_to(const Options& options) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(options.target_port));
  if (inet_pton(AF_INET, options.target_host.c_str(), &address.sin_addr) != 1) {
    die("--target-host must be an IPv4 address: " + options.target_host);
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads what is available on d.from into the queue; counts flights.
void read_side(Direction& d, Connection& c, bool client_side, Clock::time_point due) {
  char buffer[65536];
  const ssize_t n = read(d.from, buffer, sizeof buffer);
  if (n < 0) {
    if (errno != EINTR && errno != EAGAIN) {
      c.failed = true;
    }
    return;
  }
  if (n == 0) {
    d.eof = true;
    return;
  }
  if (!c.any_data || c.client_spoke_last != client_side) {
    ++d.flights;
  }
  c.any_data = true;
  c.client_spoke_last = client_side;
  d.bytes += n;
  d.queue.push_back({due, std::string(buffer, static_cast<std::size_t>(n))});
}

void write_side(Direction& d, Connection& c, Clock::time_point now) {
  while (!d.queue.empty() && d.queue.front().due <= now) {
    const std::string& bytes = d.queue.front().bytes;
    const ssize_t n =
        send(d.to, bytes.data() + d.written, bytes.size() - d.written, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        return;
      }
      c.failed = true;
      return;
    }
    d.written += static_cast<std::size_t>(n);
    if (d.written < bytes.size()) {
      return;
    }
    d.queue.pop_front();
    d.written = 0;
  }
  if (d.eof && d.queue.empty() && !d.shut) {
    shutdown(d.to, SHUT_WR);
    d.shut = true;
  }
}

void report(const Options& options, const Connection& c, double closed_ms) {
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"connection\":%d,\"opened_ms\":%.1f,\"closed_ms\":%.1f,"
                "\"client_flights\":%lld,\"server_flights\":%lld,\"bytes_up\":%lld,"
                "\"bytes_down\":%lld}\n",
                c.id, c.opened_ms, closed_ms, c.up.flights, c.down.flights, c.up.bytes,
                c.down.bytes);
  if (options.stats_file.empty()) {
    std::fputs(line, stdout);
    std::fflush(stdout);
    return;
  }
  std::FILE* file = std::fopen(options.stats_file.c_str(), "a");
  if (file == nullptr) {
    die("cannot append to " + options.stats_file + ": " + std::strerror(errno));
  }
  std::fputs(line, file);
  std::fclose(file);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(options.listen_port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 64) != 0) {
    die(std::string("cannot listen: ") + std::strerror(errno));
  }
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("port %d\n", ntohs(address.sin_port));
  std::fflush(stdout);

  const auto start = Clock::now();
  const auto delay = std::chrono::milliseconds(options.delay_ms);
  std::vector<std::unique_ptr<Connection>> connections;
  int next_id = 1;
  while (stop_requested == 0) {
    std::vector<pollfd> fds{{listener, POLLIN, 0}};
    auto now = Clock::now();
    auto wake = now + std::chrono::seconds(1);
    for (const auto& c : connections) {
      for (Direction* d : {&c->up, &c->down}) {
        d->poll_index = fds.size();
        fds.push_back({d->eof ? -1 : d->from, POLLIN, 0});
        if (!d->queue.empty()) {
          const bool due = d->queue.front().due <= now;
          fds.push_back({d->to, static_cast<short>(due ? POLLOUT : 0), 0});
          if (!due && d->queue.front().due < wake) {
            wake = d->queue.front().due;
          }
        }
      }
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
    if (poll(fds.data(), fds.size(), static_cast<int>(wait)) < 0 && errno != EINTR) {
      die(std::string("poll: ") + std::strerror(errno));
    }
    now = Clock::now();
    if ((fds[0].revents & POLLIN) != 0) {
      const int client = accept(listener, nullptr, nullptr);
      if (client >= 0) {
        const int server = connect_to(options);
        if (server < 0) {
          close(client);
        } else {
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto c = std::make_unique<Connection>();
          c->id = next_id++;
          c->opened_ms = ms_since(start);
          c->up.from = client;
          c->up.to = server;
          c->down.from = server;
          c->down.to = client;
          connections.push_back(std::move(c));
        }
      }
    }
    for (const auto& c : connections) {
      for (Direction* d : {&c->up, &c->down}) {
        // A connection accepted in this turn has no entry yet (poll_index 0).
        if (d->poll_index != 0 && !d->eof &&
            (fds[d->poll_index].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
          read_side(*d, *c, d == &c->up, now + delay);
        }
        write_side(*d, *c, now);
      }
    }
    for (auto it = connections.begin(); it != connections.end();) {
      if ((*it)->done()) {
        report(options, **it, ms_since(start));
        close((*it)->up.from);
        close((*it)->down.from);
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& c : connections) {
    report(options, *c, ms_since(start));
  }
  return 0;
}
