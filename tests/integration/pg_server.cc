#include "pg_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cdcpreflight::integration {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

ProcessOptions server_program_options() {
  ProcessOptions options;
  options.inherit_pg_env = InheritPgEnv::no;
  options.working_dir = "/tmp";  // the account running it may not read our cwd
  options.timeout = seconds(120);
  return options;
}

ProcessResult run_checked(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result = run_process(argv, options);
  if (result.exit_code != 0 || result.timed_out) {
    throw std::runtime_error("command failed: " + describe_command(argv) + "\n" +
                             describe_result(result));
  }
  return result;
}

}  // namespace

bool running_as_root() { return ::geteuid() == 0; }

std::vector<std::string> as_server_account(std::vector<std::string> argv) {
  if (running_as_root()) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return argv;
}

std::string make_server_dir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
  }
  if (running_as_root()) {
    const passwd* account = ::getpwnam("postgres");
    if (account == nullptr) throw std::runtime_error("no `postgres` account to run the server");
    if (::chown(pattern.c_str(), account->pw_uid, account->pw_gid) != 0) {
      throw std::runtime_error("chown " + pattern + ": " + std::strerror(errno));
    }
  }
  return pattern;
}

namespace {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A postgresql.conf value or an SQL string literal: both double embedded quotes.
std::string single_quoted(std::string_view value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

// initdb is the slowest step of starting a server: it runs once per bin dir and
// process, and every server starts from a copy of that template.
class TemplateCache {
 public:
  TemplateCache() = default;
  TemplateCache(const TemplateCache&) = delete;
  TemplateCache& operator=(const TemplateCache&) = delete;
  ~TemplateCache() {
    for (const auto& [bin_dir, dir] : dirs_) {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  }

  std::string data_dir_for(const std::string& bin_dir) {
    auto found = dirs_.find(bin_dir);
    if (found == dirs_.end()) {
      const std::string dir = make_server_dir("cdcp-it-template");
      auto cleanup =
          std::make_unique<CleanupGuard>(std::vector<std::string>{"rm", "-rf", "--", dir});
      run_checked(as_server_account({bin_dir + "/initdb", "--pgdata=" + dir + "/data",
                                     "--username=postgres", "--auth=trust", "--encoding=UTF8",
                                     "--locale=C", "--no-sync"}),
                  server_program_options());
      cleanups_.push_back(std::move(cleanup));
      found = dirs_.emplace(bin_dir, dir).first;
    }
    return found->second + "/data";
  }

 private:
  std::map<std::string, std::string> dirs_;
  std::vector<std::unique_ptr<CleanupGuard>> cleanups_;
};

TemplateCache& template_cache() {
  static TemplateCache cache;
  return cache;
}

constexpr std::string_view kPgHba = R"(# cdc-preflight integration tests (PgServer::default_hba())
local   all          postgres                  trust
local   replication  postgres                  trust
host    all          all         127.0.0.1/32  scram-sha-256
host    all          all         ::1/128       scram-sha-256
host    replication  all         127.0.0.1/32  scram-sha-256
host    replication  all         ::1/128       scram-sha-256
)";

}  // namespace

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  // POSIX socket calls take the generic sockaddr.
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd, generic, sizeof address) != 0 || ::getsockname(fd, generic, &length) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("bind to a free port: " + reason);
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string PgServerOptions::default_pg_bin_dir() {
  const char* configured = std::getenv("CDCP_PG_BINDIR");
  if (configured != nullptr && *configured != '\0') return configured;
  return "/usr/lib/postgresql/15/bin";
}

std::string PgServer::unavailable_reason(const std::string& bin_dir) {
  for (const char* name : {"initdb", "pg_ctl", "postgres"}) {
    const std::string path = bin_dir + "/" + name;
    if (::access(path.c_str(), X_OK) != 0) return "PostgreSQL program not found: " + path;
  }
  if (running_as_root() && ::getpwnam("postgres") == nullptr) {
    return "running as root but there is no `postgres` account to run the server";
  }
  return {};
}

int PgServer::major_version_of(const std::string& bin_dir) {
  // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", "postgres (PostgreSQL) 11.22"
  const std::vector<std::string> argv = {bin_dir + "/postgres", "--version"};
  const ProcessResult version = run_process(argv, server_program_options());
  const auto at = version.out.find(") ");
  if (version.exit_code == 0 && at != std::string::npos &&
      std::isdigit(static_cast<unsigned char>(version.out[at + 2])) != 0) {
    return std::stoi(version.out.substr(at + 2));
  }
  throw std::runtime_error("cannot tell the PostgreSQL version of " + bin_dir + ": " +
                           describe_result(version));
}

PgServer::PgServer(PgServerOptions options) : options_(std::move(options)) {
  if (const std::string reason = unavailable_reason(options_.bin_dir); !reason.empty()) {
    throw std::runtime_error(reason);
  }
  const std::string template_dir = template_cache().data_dir_for(options_.bin_dir);
  dir_ = make_server_dir("cdcp-it");
  data_dir_ = dir_ + "/data";
  guard_directory();
  try {
    run_checked({"cp", "-a", template_dir, data_dir_}, server_program_options());
    {
      std::ofstream hba(data_dir_ + "/pg_hba.conf", std::ios::trunc);
      hba << kPgHba;
    }
    std::vector<std::string> lines = {
        "# cdc-preflight integration tests",
        "password_encryption = 'scram-sha-256'",
        // Durability is irrelevant for a throw-away server; speed is not.
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "shared_buffers = 32MB",
    };
    if (options_.emulation != Emulation::none) lines.emplace_back("rds.logical_replication = off");
    if (options_.emulation == Emulation::rds) {
      lines.emplace_back("rds.extensions = 'pg_stat_statements,pgcrypto'");
    }
    if (options_.tls) {
      const std::vector<std::string> tls = make_certificates();
      lines.insert(lines.end(), tls.begin(), tls.end());
    }
    lines.insert(lines.end(), options_.conf_lines.begin(), options_.conf_lines.end());
    append_conf(lines);
    port_ = free_loopback_port();
    write_network_conf();
    start();
    emulate_platform();
  } catch (...) {
    stop();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    throw;
  }
}

PgServer::PgServer(PgServerOptions options, StandbyOf standby) : options_(std::move(options)) {
  dir_ = make_server_dir("cdcp-it-standby");
  data_dir_ = dir_ + "/data";
  guard_directory();
  try {
    run_checked(
        as_server_account({program("pg_basebackup"), "--pgdata=" + data_dir_,
                           "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast",
                           "--no-sync", "--host=" + standby.primary.dir_,
                           "--port=" + std::to_string(standby.primary.port_), "--username=postgres",
                           "--no-password"}),
        server_program_options());
    append_conf({"# the standby's own address", "hot_standby = on"});
    // Its own certificates: the primary's directory may go first.
    if (options_.tls) append_conf(make_certificates());
    port_ = free_loopback_port();
    write_network_conf();
    start();
  } catch (...) {
    stop();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    throw;
  }
}

PgServer::~PgServer() {
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

void PgServer::guard_directory() {
  std::vector<std::string> argv = {"sh", "-c", "\"$@\"; rm -rf -- \"$0\"", dir_};
  const std::vector<std::string> stop = as_server_account(
      {program("pg_ctl"), "stop", "--wait", "--pgdata=" + data_dir_, "--mode=immediate"});
  argv.insert(argv.end(), stop.begin(), stop.end());
  cleanup_ = std::make_unique<CleanupGuard>(argv);
}

std::string PgServer::program(std::string_view name) const {
  std::string path = options_.bin_dir + "/" + std::string(name);
  // Server-only bin dirs (another major's binaries) lack the client programs:
  // then the ones on PATH (Debian's wrappers) serve.
  if (::access(path.c_str(), X_OK) != 0 && (name == "psql" || name == "pg_basebackup")) {
    return std::string(name);
  }
  return path;
}

int PgServer::major_version() const {
  return std::stoi(sql("SELECT current_setting('server_version_num')::int / 10000;"));
}

std::string PgServer::standby_unavailable_reason() const {
  // pg_basebackup copies servers of its own major version or older only.
  ProcessOptions options = server_program_options();
  const ProcessResult version = run_process({program("pg_basebackup"), "--version"}, options);
  const auto digits = version.out.find_first_of("0123456789");
  if (version.exit_code != 0 || digits == std::string::npos) {
    return "no usable pg_basebackup: " + describe_result(version);
  }
  const int client_major = std::stoi(version.out.substr(digits));
  if (client_major < major_version()) {
    return "pg_basebackup " + std::to_string(client_major) + " cannot copy a PostgreSQL " +
           std::to_string(major_version()) + " server";
  }
  return {};
}

std::vector<std::string> PgServer::make_certificates() {
  // As the server's account, in its directory: the key must belong to the
  // account that runs the server and be private to it.
  const std::string tls = tls_dir();
  ProcessOptions options = server_program_options();
  options.working_dir = dir_;
  run_checked(as_server_account({"mkdir", "-m", "700", tls}), options);
  const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt",
                                           "ec_paramgen_curve:prime256v1", "-nodes"};
  std::vector<std::string> ca = {"openssl", "req", "-x509", "-new"};
  ca.insert(ca.end(), ec_key.begin(), ec_key.end());
  ca.insert(ca.end(), {"-days", "30", "-subj", "/CN=cdc-preflight integration test CA", "-addext",
                       "basicConstraints=critical,CA:TRUE", "-addext",
                       "keyUsage=critical,keyCertSign,cRLSign", "-keyout", tls + "/ca.key", "-out",
                       tls + "/ca.crt"});
  run_checked(as_server_account(ca), options);
  std::vector<std::string> request = {"openssl", "req", "-new"};
  request.insert(request.end(), ec_key.begin(), ec_key.end());
  request.insert(request.end(), {"-subj", "/CN=localhost", "-keyout", tls + "/server.key", "-out",
                                 tls + "/server.csr"});
  run_checked(as_server_account(request), options);
  {
    std::ofstream extensions(tls + "/server.ext", std::ios::trunc);
    // And, as Amazon's certificates name an Aurora cluster's endpoints, the
    // endpoints of the cluster the tests name (kAuroraClusterDomain).
    extensions << "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1, DNS:*."
               << kAuroraClusterDomain
               << "\n"
                  "basicConstraints = CA:FALSE\n"
                  "extendedKeyUsage = serverAuth\n";
  }
  run_checked(
      as_server_account({"openssl", "x509", "-req", "-in", tls + "/server.csr", "-CA",
                         tls + "/ca.crt", "-CAkey", tls + "/ca.key", "-CAcreateserial", "-days",
                         "30", "-extfile", tls + "/server.ext", "-out", tls + "/server.crt"}),
      options);
  fs::permissions(tls + "/server.key", fs::perms::owner_read | fs::perms::owner_write);
  ca_file_ = tls + "/ca.crt";
  return {"ssl = on", "ssl_cert_file = " + single_quoted(tls + "/server.crt"),
          "ssl_key_file = " + single_quoted(tls + "/server.key")};
}

std::string_view PgServer::default_hba() { return kPgHba; }

void PgServer::set_hba(std::string_view content) {
  std::ofstream hba(data_dir_ + "/pg_hba.conf", std::ios::trunc);
  hba << content;
  if (!hba) throw std::runtime_error("cannot write " + data_dir_ + "/pg_hba.conf");
}

std::string PgServer::log_path() const { return dir_ + "/server.log"; }

std::string PgServer::log() const { return read_text_file(log_path()); }

void PgServer::append_conf(const std::vector<std::string>& lines) const {
  std::ofstream conf(data_dir_ + "/postgresql.conf", std::ios::app);
  for (const auto& line : lines) conf << line << '\n';
  if (!conf) throw std::runtime_error("cannot write " + data_dir_ + "/postgresql.conf");
}

void PgServer::write_network_conf() const {
  append_conf({"listen_addresses = 'localhost'", "port = " + std::to_string(port_),
               "unix_socket_directories = " + single_quoted(dir_)});
}

void PgServer::start() {
  // Another process may take the port between choosing and binding it: retry.
  for (int attempt = 1;; ++attempt) {
    std::error_code ignored;
    fs::remove(log_path(), ignored);
    const std::vector<std::string> argv =
        as_server_account({program("pg_ctl"), "start", "--wait", "--timeout=60",
                           "--pgdata=" + data_dir_, "--log=" + log_path()});
    const ProcessResult result = run_process(argv, server_program_options());
    if (result.exit_code == 0 && !result.timed_out) {
      running_ = true;
      return;
    }
    const std::string server_log = log();
    if (attempt < 5 && server_log.find("already in use") != std::string::npos) {
      port_ = free_loopback_port();
      write_network_conf();
      continue;
    }
    throw std::runtime_error("cannot start PostgreSQL: " + describe_command(argv) + "\n" +
                             describe_result(result) + "\n--- server log ---\n" + server_log);
  }
}

void PgServer::stop() noexcept {
  if (!running_) return;
  running_ = false;
  try {
    for (const char* mode : {"fast", "immediate"}) {
      const ProcessResult result =
          run_process(as_server_account({program("pg_ctl"), "stop", "--wait", "--timeout=60",
                                         "--pgdata=" + data_dir_, std::string("--mode=") + mode}),
                      server_program_options());
      if (result.exit_code == 0) return;
    }
  } catch (...) {
    // A destructor must not throw; the directory is removed anyway.
  }
}

void PgServer::restart() {
  const std::vector<std::string> argv =
      as_server_account({program("pg_ctl"), "restart", "--wait", "--timeout=60",
                         "--pgdata=" + data_dir_, "--mode=fast", "--log=" + log_path()});
  const ProcessResult result = run_process(argv, server_program_options());
  if (result.exit_code != 0 || result.timed_out) {
    throw std::runtime_error("cannot restart PostgreSQL: " + describe_result(result) +
                             "\n--- server log ---\n" + log());
  }
}

void PgServer::emulate_platform() const {
  std::string setup = "ALTER ROLE postgres PASSWORD " + single_quoted(kAdminPassword) + ";\n";
  if (options_.emulation != Emulation::none) {
    setup +=
        "CREATE ROLE rds_superuser NOLOGIN;\n"
        "CREATE ROLE rds_replication NOLOGIN;\n"
        "GRANT rds_replication TO rds_superuser;\n";
  }
  if (options_.emulation == Emulation::aurora) {
    // Per database: in template1 so that every database created later has it.
    const std::string function =
        "CREATE FUNCTION pg_catalog.aurora_version() RETURNS text LANGUAGE sql AS "
        "$$ SELECT regexp_replace(current_setting('server_version'), "
        "'^([0-9]+)(\\.[0-9]+)?.*$', '\\1\\2') || '.1' $$;\n";
    setup += function + "\\connect template1\n" + function;
  }
  (void)sql(setup);
}

ProcessResult PgServer::try_sql(std::string_view sql, std::string_view dbname) const {
  ProcessOptions options;
  options.inherit_pg_env = InheritPgEnv::no;
  options.env["PGCONNECT_TIMEOUT"] = "10";
  options.stdin_text = std::string(sql);
  return run_process(
      {program("psql"), "--no-password", "--no-psqlrc", "--quiet", "--no-align", "--tuples-only",
       "--set=ON_ERROR_STOP=1", "--host=" + dir_, "--port=" + std::to_string(port_),
       "--username=postgres", "--dbname=" + std::string(dbname), "--file=-"},
      options);
}

std::string PgServer::sql(std::string_view sql, std::string_view dbname) const {
  ProcessResult result = try_sql(sql, dbname);
  if (result.exit_code != 0 || result.timed_out) {
    throw std::runtime_error("admin SQL failed in database " + std::string(dbname) + ":\n" +
                             std::string(sql) + "\n" + describe_result(result));
  }
  return result.out;
}

ProcessResult PgServer::run_sql_file(const std::string& path, std::string_view dbname) const {
  ProcessOptions options;
  options.inherit_pg_env = InheritPgEnv::no;
  options.env["PGCONNECT_TIMEOUT"] = "10";
  return run_process(
      {program("psql"), "-w", "-X", "-v", "ON_ERROR_STOP=1", "-h", dir_, "-p",
       std::to_string(port_), "-U", "postgres", "-d", std::string(dbname), "-f", path},
      options);
}

void PgServer::set_conf(std::string_view name, std::string_view value) {
  append_conf({std::string(name) + " = " + single_quoted(value)});
}

void PgServer::reload() {
  // The postmaster rereads the file asynchronously; a session started before it
  // did would still see the old values. pg_conf_load_time() moves once it has.
  const std::string before = sql("SELECT pg_conf_load_time(); SELECT pg_reload_conf();");
  const std::string load_time_before = before.substr(0, before.find('\n'));
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string now =
        sql("SELECT pg_conf_load_time() > " + single_quoted(load_time_before) + "::timestamptz;");
    if (now.starts_with("t")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("the server did not reload its configuration within 10 s");
}

std::unique_ptr<PgServer> PgServer::make_standby() const {
  return std::unique_ptr<PgServer>(new PgServer(options_, StandbyOf{*this}));
}

}  // namespace cdcpreflight::integration
