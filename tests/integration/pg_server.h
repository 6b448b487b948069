// A real, throw-away PostgreSQL server for integration tests: its own fresh
// directory under /tmp, a free loopback port, scram-sha-256 over TCP, trust for
// the admin `postgres` on its unix socket, stopped and removed by the destructor.
// Failures to start or to run admin SQL throw std::runtime_error with the output.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "process.h"

namespace cdcpreflight::integration {

// The cluster whose writer endpoint (mydb.<this>) the server's certificate also
// names, as Amazon's certificate names every endpoint of a cluster (*.<this>):
// reached with hostaddr=127.0.0.1, it verifies with sslmode=verify-full.
inline constexpr const char* kAuroraClusterDomain =
    "cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com";

// What the server pretends to be. Aurora: roles rds_replication/rds_superuser and
// pg_catalog.aurora_version(); RDS: the same roles and rds.extensions set, no
// aurora_version(). Both start with rds.logical_replication = off, as a fresh
// cluster does.
enum class Emulation { none, aurora, rds };

struct PgServerOptions {
  // Default: $CDCP_PG_BINDIR, else Debian's PostgreSQL 15.
  std::string bin_dir = default_pg_bin_dir();
  Emulation emulation = Emulation::none;
  // ssl = on with a certificate for localhost, 127.0.0.1 and ::1 signed by a
  // throwaway CA made with `openssl` in the server's directory (ca_file()), as
  // every Aurora and RDS endpoint offers TLS. false: a server without TLS.
  bool tls = true;
  // Appended to postgresql.conf after the harness's own lines, so they win.
  std::vector<std::string> conf_lines;

  [[nodiscard]] static std::string default_pg_bin_dir();
};

// A loopback TCP port nothing listens on right now.
[[nodiscard]] int free_loopback_port();

// PostgreSQL (and PgBouncer) refuse to run as root: when we are root, their
// programs run as the `postgres` account, which owns their directories.
[[nodiscard]] bool running_as_root();
// argv, run as the `postgres` account when we are root (runuser).
[[nodiscard]] std::vector<std::string> as_server_account(std::vector<std::string> argv);
// A fresh /tmp/PREFIX-XXXXXX directory, owned by the `postgres` account when we
// are root.
[[nodiscard]] std::string make_server_dir(const std::string& prefix);

class PgServer {
 public:
  static constexpr std::string_view kAdminUser = "postgres";
  // The admin's password over TCP (the unix socket needs none).
  static constexpr std::string_view kAdminPassword = "admin-Pa55word";

  explicit PgServer(PgServerOptions options = {});
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  PgServer(PgServer&&) = delete;
  PgServer& operator=(PgServer&&) = delete;

  // Why servers cannot be started from this bin dir, or empty when they can.
  [[nodiscard]] static std::string unavailable_reason(const std::string& bin_dir);
  // The major version of the servers this bin dir starts (`postgres --version`),
  // without starting one; throws std::runtime_error when it cannot tell.
  [[nodiscard]] static int major_version_of(const std::string& bin_dir);

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::string& socket_dir() const { return dir_; }
  [[nodiscard]] const std::string& data_dir() const { return data_dir_; }
  [[nodiscard]] const PgServerOptions& options() const { return options_; }
  // The CA certificate that signed the server's certificate (sslrootcert), or
  // empty without options().tls; the server's own certificate and key are beside it.
  [[nodiscard]] const std::string& ca_file() const { return ca_file_; }
  [[nodiscard]] std::string tls_dir() const { return dir_ + "/tls"; }

  // The harness's pg_hba.conf: trust for postgres on the unix socket,
  // scram-sha-256 over TCP for every database and for replication.
  [[nodiscard]] static std::string_view default_hba();
  // Replaces pg_hba.conf; takes effect on reload().
  void set_hba(std::string_view content);

  // Runs SQL (psql meta-commands allowed) as the admin over the unix socket,
  // with ON_ERROR_STOP; returns stdout, unaligned and without headers.
  std::string sql(std::string_view sql, std::string_view dbname = "postgres") const;
  // The same, without throwing: for SQL that is expected to fail.
  [[nodiscard]] ProcessResult try_sql(std::string_view sql,
                                      std::string_view dbname = "postgres") const;
  // `psql -v ON_ERROR_STOP=1 -f FILE` as the admin, as a user applies a script.
  [[nodiscard]] ProcessResult run_sql_file(const std::string& path,
                                           std::string_view dbname = "postgres") const;

  // Appends `name = 'value'` to postgresql.conf; takes effect on reload() or
  // restart().
  void set_conf(std::string_view name, std::string_view value);
  // pg_reload_conf(), returning once new sessions see the reloaded file.
  void reload();
  void restart();

  // The server's major version, e.g. 15.
  [[nodiscard]] int major_version() const;

  // A hot standby of this server (pg_basebackup -R), started on its own port.
  [[nodiscard]] std::unique_ptr<PgServer> make_standby() const;
  // Why make_standby() cannot work here, or empty when it can.
  [[nodiscard]] std::string standby_unavailable_reason() const;

  // The server log, for failure messages.
  [[nodiscard]] std::string log() const;

 private:
  struct StandbyOf {
    const PgServer& primary;
  };
  PgServer(PgServerOptions options, StandbyOf standby);

  [[nodiscard]] std::string program(std::string_view name) const;
  [[nodiscard]] std::string log_path() const;
  void append_conf(const std::vector<std::string>& lines) const;
  void write_network_conf() const;
  // Makes the CA and the server certificate; returns the postgresql.conf lines.
  [[nodiscard]] std::vector<std::string> make_certificates();
  void start();
  void stop() noexcept;
  void emulate_platform() const;
  void guard_directory();

  PgServerOptions options_;
  std::string dir_;
  std::unique_ptr<CleanupGuard> cleanup_;  // in case this process dies first
  std::string data_dir_;
  std::string ca_file_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace cdcpreflight::integration
