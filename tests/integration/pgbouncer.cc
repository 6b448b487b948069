#include "pgbouncer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cdcpreflight::integration {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kProgram = "/usr/sbin/pgbouncer";

ProcessOptions bouncer_options() {
  ProcessOptions options;
  options.inherit_pg_env = InheritPgEnv::no;
  options.working_dir = "/tmp";
  options.timeout = seconds(30);
  return options;
}

// An auth_file line: "name" "password", with embedded quotes doubled.
std::string quoted(const std::string& text) {
  std::string result = "\"";
  for (const char c : text) {
    if (c == '"') result += '"';
    result += c;
  }
  return result + "\"";
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The process is a running (not zombie) pgbouncer: the pid is still the one
// this object started.
bool is_running_pgbouncer(int pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  if (read_text_file(proc + "/comm") != "pgbouncer\n") return false;
  const std::string stat = read_text_file(proc + "/stat");
  const auto state = stat.rfind(')');
  return state != std::string::npos && state + 2 < stat.size() && stat[state + 2] != 'Z';
}

}  // namespace

std::string PgBouncer::unavailable_reason() {
  if (::access(kProgram, X_OK) != 0) {
    return std::string(kProgram) + " not found (Debian package pgbouncer)";
  }
  return {};
}

std::string PgBouncer::version() {
  const ProcessResult result = run_process({kProgram, "--version"}, bouncer_options());
  return result.out.substr(0, result.out.find('\n'));
}

PgBouncer::PgBouncer(const PgServer& server, const std::vector<User>& users) {
  if (const std::string reason = unavailable_reason(); !reason.empty()) {
    throw std::runtime_error(reason);
  }
  dir_ = make_server_dir("cdcp-it-pgbouncer");
  // Stops it (when its pid file is still there) and removes the directory.
  cleanup_ = std::make_unique<CleanupGuard>(std::vector<std::string>{
      "sh", "-c",
      "if [ -s \"$0/pgbouncer.pid\" ]; then kill -TERM \"$(cat \"$0/pgbouncer.pid\")\"; "
      "fi; sleep 1; rm -rf -- \"$0\"",
      dir_});
  try {
    {
      std::ofstream users_file(dir_ + "/userlist.txt", std::ios::trunc);
      for (const User& user : users)
        users_file << quoted(user.name) << ' ' << quoted(user.password) << '\n';
    }
    port_ = free_loopback_port();
    {
      std::ofstream conf(dir_ + "/pgbouncer.ini", std::ios::trunc);
      conf << "[databases]\n"
           << "* = host=127.0.0.1 port=" << server.port() << "\n"
           << "[pgbouncer]\n"
           << "listen_addr = 127.0.0.1\n"
           << "listen_port = " << port_ << "\n"
           << "unix_socket_dir =\n"
           << "pool_mode = session\n"
           << "auth_type = scram-sha-256\n"
           << "auth_file = " << dir_ << "/userlist.txt\n"
           << "logfile = " << dir_ << "/pgbouncer.log\n"
           << "pidfile = " << dir_ << "/pgbouncer.pid\n"
           << "ignore_startup_parameters = extra_float_digits\n";
      if (!server.ca_file().empty()) {
        conf << "client_tls_sslmode = allow\n"
             << "client_tls_key_file = " << server.tls_dir() << "/server.key\n"
             << "client_tls_cert_file = " << server.tls_dir() << "/server.crt\n";
      }
      if (!conf) throw std::runtime_error("cannot write " + dir_ + "/pgbouncer.ini");
    }
    for (const char* file : {"/userlist.txt", "/pgbouncer.ini"}) {
      fs::permissions(dir_ + file, fs::perms::owner_read | fs::perms::owner_write |
                                       fs::perms::group_read | fs::perms::others_read);
    }
    // -d: it detaches once listening, leaving its pid in the pid file.
    const ProcessResult started = run_process(
        as_server_account({kProgram, "-d", "-q", dir_ + "/pgbouncer.ini"}), bouncer_options());
    if (started.exit_code != 0 || started.timed_out) {
      throw std::runtime_error("cannot start pgbouncer: " + describe_result(started) +
                               "\n--- log ---\n" + log());
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(10);
    while (!accepts_connections(port_)) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("pgbouncer does not listen on port " + std::to_string(port_) +
                                 "\n--- log ---\n" + log());
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  } catch (...) {
    stop();
    throw;
  }
}

PgBouncer::~PgBouncer() { stop(); }

std::string PgBouncer::log() const { return read_text_file(dir_ + "/pgbouncer.log"); }

int PgBouncer::read_pid() const {
  std::ifstream file(dir_ + "/pgbouncer.pid");
  int pid = 0;
  file >> pid;
  return pid;
}

void PgBouncer::stop() noexcept {
  // The pid of the daemon this object started, from its own pid file.
  const int pid = read_pid();
  if (pid > 0 && is_running_pgbouncer(pid) && ::kill(pid, SIGTERM) == 0) {
    const auto deadline = std::chrono::steady_clock::now() + seconds(5);
    while (is_running_pgbouncer(pid) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(20));
    }
    if (is_running_pgbouncer(pid)) (void)::kill(pid, SIGKILL);
  }
  std::error_code ignored;
  fs::remove(dir_ + "/pgbouncer.pid", ignored);
  cleanup_.reset();  // removes the directory
}

}  // namespace cdcpreflight::integration
