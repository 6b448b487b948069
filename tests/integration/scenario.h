// Databases and roles as a ClickPipes setup guide would make them, and running
// the tool against them as the ClickPipes role would connect.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pg_server.h"
#include "process.h"

namespace cdcpreflight::integration {

inline constexpr std::string_view kRolePassword = "Cl1ckP!pes-pw";
// The login role the ClickPipes setup guide has the user create.
inline constexpr std::string_view kClickpipesUser = "clickpipes_user";
inline constexpr std::string_view kPublication = "clickpipes_publication";

// Who the tool connects as, and where: over TCP to host "localhost".
struct Login {
  const PgServer& server;
  std::string user;
  std::string password;
  std::string dbname;
};

// A name for this test's database and role: "<suite>_<test>", lower case.
[[nodiscard]] std::string test_slug();

enum class ReplicationGrant { granted, missing };
enum class StatsGrant { granted, missing };

// CREATE ROLE … LOGIN PASSWORD kRolePassword. ReplicationGrant::granted: what the
// platform's setup guide grants for replication: GRANT rds_replication on Aurora
// and RDS, ALTER ROLE … REPLICATION elsewhere. StatsGrant::granted: also
// pg_read_all_stats, so that activity.long_transactions sees every session (the
// least-privilege setup leaves it out, and that check then says `error`).
//
// Emulation gap: on real Aurora and RDS, membership in rds_replication lets a
// role open replication connections and create slots; on vanilla PostgreSQL it
// does not (the server checks the REPLICATION attribute). So on an emulated
// platform `granted` also gives the REPLICATION attribute (what rds_replication
// means there), or replication.connect and the --deep slot probe would fail.
void create_login_role(const PgServer& server, std::string_view role, ReplicationGrant grant,
                       StatsGrant stats = StatsGrant::granted);

// What a real Aurora/RDS server gives with rds_replication and the emulation does
// not: ALTER ROLE … REPLICATION. Call it after applying a `GRANT rds_replication`
// fix (role.replication, replication.connect) to an emulated platform.
void emulate_rds_replication_membership(const PgServer& server, std::string_view role);

// A database with schema `app` and tables app.customers and app.orders, both
// with primary keys and, since both have TOAST-able columns (text, numeric),
// REPLICA IDENTITY FULL, as the setup guide advises (tables.toast); nothing
// granted, no publication.
void create_app_database(const PgServer& server, std::string_view dbname);

// The setup guide's grants on schema app: USAGE, SELECT on all its tables, and
// SELECT on the tables its owner (the admin, postgres) creates later:
// ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app GRANT SELECT ON TABLES.
void grant_app_access(const PgServer& server, std::string_view dbname, std::string_view role);

// clickpipes_publication FOR ALL TABLES (publishing insert, update, delete and
// truncate, the default).
void create_publication_for_all_tables(const PgServer& server, std::string_view dbname);

// All of the above: what a completed setup guide leaves behind.
void create_ready_database(const PgServer& server, std::string_view dbname, std::string_view role);

// app.events, partitioned by range with key (id, created): the leaf
// app.events_2025 and the partitioned app.events_2026, whose leaves (by hash) are
// app.events_2026_a and app.events_2026_b, each with REPLICA IDENTITY FULL (a
// text payload). The database must have schema app.
void create_partitioned_events(const PgServer& server, std::string_view dbname);

// The leaf partitions of app.events, quoted as the tool quotes them.
inline const std::vector<std::string> kEventsLeaves = {
    R"("app"."events_2025")", R"("app"."events_2026_a")", R"("app"."events_2026_b")"};
inline constexpr std::string_view kEventsRoot = R"("app"."events")";
inline constexpr std::string_view kEventsMiddle = R"("app"."events_2026")";

// --host localhost --port … --username … --dbname …
[[nodiscard]] std::vector<std::string> connection_args(const Login& login);

// The login's libpq environment: PGPASSWORD, and on a server with TLS
// PGSSLMODE=verify-full with PGSSLROOTCERT its CA, as the setup guide connects.
[[nodiscard]] EnvChanges login_env(const Login& login);

// Runs SQL as the admin when it goes out of scope: undoes a server-wide change
// (a setting, a slot) whatever the test's assertions did.
class AdminSqlOnExit {
 public:
  AdminSqlOnExit(const PgServer& server, std::string sql) : server_(server), sql_(std::move(sql)) {}
  AdminSqlOnExit(const AdminSqlOnExit&) = delete;
  AdminSqlOnExit& operator=(const AdminSqlOnExit&) = delete;
  AdminSqlOnExit(AdminSqlOnExit&&) = delete;
  AdminSqlOnExit& operator=(AdminSqlOnExit&&) = delete;
  ~AdminSqlOnExit();

 private:
  const PgServer& server_;
  std::string sql_;
};

struct ToolReport {
  ProcessResult run;
  nlohmann::json report;
};

// The tool with --format json as `login` (login_env), plus extra arguments.
[[nodiscard]] ToolReport check_as(const Login& login, const std::vector<std::string>& extra = {});

// Runs the check's remediation.sql as the admin in dbname; fails the test when
// there is none or when it does not run cleanly.
void apply_remediation(const PgServer& server, std::string_view dbname,
                       const nlohmann::json& check);

// The tool's `--format sql` script as `login` (plus extra arguments), and that
// script run by the admin with `psql -v ON_ERROR_STOP=1 -f` in login.dbname.
struct AppliedScript {
  ProcessResult script;
  ProcessResult applied;
};
[[nodiscard]] AppliedScript apply_sql_format_script(const Login& login,
                                                    const std::vector<std::string>& extra = {});

}  // namespace cdcpreflight::integration
