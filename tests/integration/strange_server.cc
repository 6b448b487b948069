#include "strange_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace cdcpreflight::integration {

namespace {

// A listening socket on a free 127.0.0.1 port.
int listen_on_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (fd < 0 || ::bind(fd, generic, sizeof address) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, generic, &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot listen on a loopback port");
  }
  port = ntohs(address.sin_port);
  return fd;
}

// The next connection, or -1 once `stopping` is set (checked every 100 ms).
int accept_until(int listener, const std::atomic<bool>& stopping) {
  while (!stopping) {
    pollfd descriptor{listener, POLLIN, 0};
    if (::poll(&descriptor, 1, 100) > 0) {
      const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) return fd;
    }
  }
  return -1;
}

bool write_all(int fd, const std::string& data) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t count = ::write(fd, data.data() + written, data.size() - written);
    if (count <= 0) return false;
    written += static_cast<std::size_t>(count);
  }
  return true;
}

std::uint32_t read_length(const std::string& buffer, std::size_t at) {
  std::uint32_t length = 0;
  std::memcpy(&length, buffer.data() + at, sizeof length);
  return ntohl(length);
}

// A NoticeResponse of severity WARNING whose message carries an OSC sequence
// (set the terminal's title) and a BEL.
std::string hostile_notice() {
  std::string fields;
  for (const std::string& field :
       {std::string("SWARNING"), std::string("VWARNING"), std::string("C01000"),
        std::string("Mplanted \x1b]0;pwned\x07 notice")}) {
    fields += field;
    fields += '\0';
  }
  fields += '\0';
  std::string message = "N";
  const std::uint32_t length = htonl(static_cast<std::uint32_t>(fields.size() + 4));
  message.append(reinterpret_cast<const char*>(&length), sizeof length);
  return message + fields;
}

}  // namespace

ManglingProxy::ManglingProxy(int target_port, Mangle mangle)
    : target_port_(target_port), mangle_(mangle), listener_(listen_on_loopback(port_)) {
  acceptor_ = std::thread([this] { serve(); });
}

ManglingProxy::~ManglingProxy() {
  stopping_ = true;
  acceptor_.join();
  for (std::thread& relay : relays_) relay.join();
  ::close(listener_);
}

void ManglingProxy::serve() {
  while (true) {
    const int client = accept_until(listener_, stopping_);
    if (client < 0) return;
    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(target_port_));
    if (server < 0 ||
        ::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(client);
      if (server >= 0) ::close(server);
      continue;
    }
    relays_.emplace_back([this, client, server] { relay(client, server); });
  }
}

// Client bytes pass as they are; the server's messages (type byte, length)
// are altered one by one.
void ManglingProxy::relay(int client, int server) const {
  std::string from_server;
  bool noticed = false;
  char chunk[65536];
  while (!stopping_) {
    pollfd descriptors[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(descriptors, 2, 100) <= 0) continue;
    if (descriptors[0].revents != 0) {
      const ssize_t count = ::read(client, chunk, sizeof chunk);
      if (count <= 0 || !write_all(server, std::string(chunk, static_cast<std::size_t>(count)))) {
        break;
      }
    }
    if (descriptors[1].revents != 0) {
      const ssize_t count = ::read(server, chunk, sizeof chunk);
      if (count <= 0) break;
      from_server.append(chunk, static_cast<std::size_t>(count));
      std::string out;
      while (from_server.size() >= 5) {
        const std::uint32_t length = read_length(from_server, 1);
        if (from_server.size() < 1 + static_cast<std::size_t>(length)) break;
        std::string message = from_server.substr(0, 1 + length);
        from_server.erase(0, 1 + length);
        const char type = message[0];
        if (mangle_ == Mangle::no_rows && type == 'D') continue;
        if (mangle_ == Mangle::renamed_columns && type == 'T') {
          // Int16 field count, then per field: a NUL-terminated name and 18 bytes.
          std::size_t at = 7;
          const auto fields =
              static_cast<std::size_t>((static_cast<unsigned char>(message[5]) << 8) |
                                       static_cast<unsigned char>(message[6]));
          for (std::size_t i = 0; i < fields && at < message.size(); ++i) {
            if (message[at] != '\0') message[at] = 'X';
            const std::size_t end = message.find('\0', at);
            if (end == std::string::npos) break;
            at = end + 1 + 18;
          }
        }
        out += message;
        if (mangle_ == Mangle::notice && type == 'Z' && !noticed) {
          out += hostile_notice();
          noticed = true;
        }
      }
      if (!write_all(client, out)) break;
    }
  }
  ::close(client);
  ::close(server);
}

ForeignListener::ForeignListener(std::string reply)
    : reply_(std::move(reply)), listener_(listen_on_loopback(port_)) {
  acceptor_ = std::thread([this] {
    while (true) {
      const int client = accept_until(listener_, stopping_);
      if (client < 0) return;
      char ignored[512];
      pollfd descriptor{client, POLLIN, 0};
      if (::poll(&descriptor, 1, 1000) > 0) {
        [[maybe_unused]] const ssize_t read = ::read(client, ignored, sizeof ignored);
      }
      (void)write_all(client, reply_);
      ::close(client);
    }
  });
}

ForeignListener::~ForeignListener() {
  stopping_ = true;
  acceptor_.join();
  ::close(listener_);
}

}  // namespace cdcpreflight::integration
