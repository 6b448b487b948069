// Databases and roles as a ClickPipes setup guide would make them, and running
// the tool against them as the ClickPipes role would connect.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pg_server.h"
#include "process.h"

namespace cdcpreflight::integration {

inline constexpr std::string_view kRolePassword = "Cl1ckP!pes-pw";
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

// CREATE ROLE … LOGIN PASSWORD kRolePassword, with rds_replication or not.
void create_login_role(const PgServer& server, std::string_view role, ReplicationGrant grant);

// A database with schema `app` and tables app.customers and app.orders, both
// with primary keys; nothing granted, no publication.
void create_app_database(const PgServer& server, std::string_view dbname);

// USAGE on schema app and SELECT on all its tables.
void grant_app_access(const PgServer& server, std::string_view dbname, std::string_view role);

// clickpipes_publication FOR ALL TABLES.
void create_publication_for_all_tables(const PgServer& server, std::string_view dbname);

// All of the above: what a completed setup guide leaves behind.
void create_ready_database(const PgServer& server, std::string_view dbname, std::string_view role);

// app.events, partitioned by range with key (id, created): the leaf
// app.events_2025 and the partitioned app.events_2026, whose leaves (by hash) are
// app.events_2026_a and app.events_2026_b. The database must have schema app.
void create_partitioned_events(const PgServer& server, std::string_view dbname);

// The leaf partitions of app.events, quoted as the tool quotes them.
inline const std::vector<std::string> kEventsLeaves = {
    R"("app"."events_2025")", R"("app"."events_2026_a")", R"("app"."events_2026_b")"};
inline constexpr std::string_view kEventsRoot = R"("app"."events")";
inline constexpr std::string_view kEventsMiddle = R"("app"."events_2026")";

// --host localhost --port … --username … --dbname …
[[nodiscard]] std::vector<std::string> connection_args(const Login& login);

struct ToolReport {
  ProcessResult run;
  nlohmann::json report;
};

// The tool with --format json as `login` (PGPASSWORD), plus extra arguments.
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
