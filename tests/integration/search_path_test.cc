// A database owner who is not a superuser plants, in a schema of her own,
// functions and operators that shadow pg_catalog's, and puts that schema first
// in her database's search_path (CVE-2018-1058). An admin then checks her
// database as the superuser: planted code would run as the superuser, inside
// the "read-only" transaction. Each planted object, should it ever run, writes
// a file with COPY … TO (which only a superuser may do, and which a READ ONLY
// transaction allows); none may ever be written, in a plain check, with --deep,
// or by collect.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cdcpreflight/sql_quote.h"
#include "ready_suite.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

constexpr std::string_view kOwner = "mallory";

// What each planted function is: its signature, what it returns, and the value
// it returns so that a run it hijacks still goes on.
struct Planted {
  std::string name;       // also the name of the file it writes
  std::string signature;  // argument types
  std::string returns;
  std::string value;
};

// The functions the tool's SQL calls, with the argument types its calls pass
// (libpq sends the tool's parameters as text), and an aggregate.
const std::vector<Planted> kPlantedFunctions = {
    {"pg_is_in_recovery", "", "boolean", "false"},
    {"current_setting", "text", "text", "'150004'"},
    {"current_setting", "text, boolean", "text", "NULL"},
    {"to_regproc", "text", "regproc", "NULL"},
    {"pg_get_userbyid", "oid", "name", "'x'"},
    {"has_table_privilege", "oid, oid, text", "boolean", "true"},
    {"has_schema_privilege", "oid, oid, text", "boolean", "true"},
    {"pg_has_role", "oid, oid, text", "boolean", "true"},
    {"pg_has_role", "name, text, text", "boolean", "true"},
    {"now", "", "timestamptz", "'2000-01-01'"},
    {"pg_backend_pid", "", "integer", "0"},
    {"pg_blocking_pids", "integer", "integer[]", "'{}'"},
    {"pg_drop_replication_slot", "text", "void", ""},
    {"pg_create_logical_replication_slot", "text, text, boolean", "TABLE (slot_name text)", "'x'"},
};

// The file a planted object writes when it runs.
std::string trace_file(const PgServer& server, const std::string& name) {
  return server.socket_dir() + "/planted-" + test_slug() + "-" + name;
}

// A plpgsql body that writes the trace file, then returns `value`.
std::string planted_body(const PgServer& server, const std::string& name,
                         const std::string& value) {
  return "BEGIN EXECUTE pg_catalog.format('COPY (SELECT 1) TO %L', " +
         quote_literal(trace_file(server, name)) + "); RETURN " + value + "; END";
}

// The database `dbname`, owned by kOwner, with her schema `trap` of planted
// functions, an aggregate count(*), operators = (name, text) and <> (text,
// text), and `search_path = trap, pg_catalog` for every session in it.
void plant(const PgServer& server, const std::string& dbname) {
  std::string sql = "ALTER DATABASE " + quote_identifier(dbname) + " OWNER TO " +
                    quote_identifier(kOwner) + ";\nSET ROLE " + quote_identifier(kOwner) +
                    ";\nCREATE SCHEMA trap;\n";
  for (const Planted& planted : kPlantedFunctions) {
    const bool table = planted.returns.starts_with("TABLE");
    sql += "CREATE FUNCTION trap." + planted.name + "(" + planted.signature + ") RETURNS " +
           planted.returns + " LANGUAGE plpgsql AS $fn$" +
           (table ? "BEGIN EXECUTE pg_catalog.format('COPY (SELECT 1) TO %L', " +
                        quote_literal(trace_file(server, planted.name)) +
                        "); RETURN QUERY SELECT 'x'::text; END"
                  : planted_body(server, planted.name, planted.value)) +
           "$fn$;\n";
  }
  sql += "CREATE FUNCTION trap.count_step(bigint) RETURNS bigint LANGUAGE plpgsql AS $fn$" +
         planted_body(server, "count", "$1 + 1") + "$fn$;\n" +
         "CREATE AGGREGATE trap.count(*) (SFUNC = trap.count_step, STYPE = bigint, "
         "INITCOND = '0');\n";
  sql += "CREATE FUNCTION trap.name_eq_text(name, text) RETURNS boolean LANGUAGE plpgsql AS $fn$" +
         planted_body(server, "operator-eq", "$1::text OPERATOR(pg_catalog.=) $2") + "$fn$;\n" +
         "CREATE OPERATOR trap.= (LEFTARG = name, RIGHTARG = text, FUNCTION = "
         "trap.name_eq_text);\n";
  sql += "CREATE FUNCTION trap.text_ne(text, text) RETURNS boolean LANGUAGE plpgsql AS $fn$" +
         planted_body(server, "operator-ne", "$1 OPERATOR(pg_catalog.<>) $2") + "$fn$;\n" +
         "CREATE OPERATOR trap.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.text_ne);\n";
  sql += "ALTER DATABASE " + quote_identifier(dbname) + " SET search_path = trap, pg_catalog;\n";
  (void)server.sql(sql, dbname);
}

// The trace files planted objects wrote.
std::vector<std::string> traces(const PgServer& server) {
  std::vector<std::string> found;
  const std::string prefix = "planted-" + test_slug() + "-";
  for (const auto& entry : std::filesystem::directory_iterator(server.socket_dir())) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix)) found.push_back(name.substr(prefix.size()));
  }
  return found;
}

class SearchPathHijack : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() {
    start_server(ready_aurora(), [](PgServer& server) {
      create_login_role(server, kClickpipesUser, ReplicationGrant::granted);
      (void)server.sql("CREATE ROLE " + quote_identifier(kOwner) + " LOGIN;");
    });
  }

  // The owner's trapped database, and the admin's login to it.
  [[nodiscard]] static Login trapped_admin_login() {
    create_ready_database(server(), test_slug(), kClickpipesUser);
    plant(server(), test_slug());
    return Login{server(), std::string(PgServer::kAdminUser), std::string(PgServer::kAdminPassword),
                 test_slug()};
  }

  // The trap works: a superuser session in the database that calls a function
  // unqualified runs the planted one.
  static void expect_the_trap_springs(const Login& login) {
    (void)server().sql("SELECT pg_is_in_recovery();", login.dbname);
    EXPECT_EQ(traces(server()), std::vector<std::string>{"pg_is_in_recovery"})
        << "the planted function did not run: the test proves nothing";
    std::filesystem::remove(trace_file(server(), "pg_is_in_recovery"));
  }
};

TEST_F(SearchPathHijack, PlantedFunctionsAndOperatorsNeverRunInACheckAsTheSuperuser) {
  const Login login = trapped_admin_login();
  const ToolReport result = check_as(login, {"--user", std::string(kClickpipesUser)});
  EXPECT_TRUE(result.run.exit_code == 0 || result.run.exit_code == 1)
      << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "connection"), "pass") << result.report.dump(2);
  EXPECT_EQ(status_of(result.report, "grants.table_select"), "pass")
      << check(result.report, "grants.table_select").dump(2);
  EXPECT_EQ(traces(server()), std::vector<std::string>{}) << "planted objects ran as the superuser";
  expect_the_trap_springs(login);
}

TEST_F(SearchPathHijack, PlantedFunctionsNeverRunInTheDeepProbe) {
  const Login login = trapped_admin_login();
  const ToolReport result = check_as(login, {"--user", std::string(kClickpipesUser), "--deep"});
  EXPECT_TRUE(result.run.exit_code == 0 || result.run.exit_code == 1)
      << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "replication.slot_probe"), "pass")
      << check(result.report, "replication.slot_probe").dump(2);
  EXPECT_EQ(traces(server()), std::vector<std::string>{}) << "planted objects ran as the superuser";
  EXPECT_EQ(server().sql("SELECT count(*) FROM pg_replication_slots;"), "0\n");
  expect_the_trap_springs(login);
}

TEST_F(SearchPathHijack, PlantedFunctionsNeverRunInCollect) {
  const Login login = trapped_admin_login();
  std::vector<std::string> args = connection_args(login);
  args.insert(args.begin(), "collect");
  args.insert(args.end(), {"--user", std::string(kClickpipesUser)});
  const ProcessResult run = run_tool(args, login_env(login));
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_EQ(traces(server()), std::vector<std::string>{}) << "planted objects ran as the superuser";
  expect_the_trap_springs(login);
}

}  // namespace
}  // namespace cdcpreflight::integration
