#include "scenario.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "cdcpreflight/sql_quote.h"
#include "tool.h"

namespace cdcpreflight::integration {

std::string test_slug() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info == nullptr ? std::string("no_test")
                                     : std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) {
    const auto byte = static_cast<unsigned char>(c);
    c = std::isalnum(byte) != 0 ? static_cast<char>(std::tolower(byte)) : '_';
  }
  return name.substr(0, 60);
}

void create_login_role(const PgServer& server, std::string_view role, ReplicationGrant grant,
                       StatsGrant stats) {
  const std::string quoted = quote_identifier(role);
  std::string sql =
      "CREATE ROLE " + quoted + " LOGIN PASSWORD " + quote_literal(kRolePassword) + ";\n";
  if (grant == ReplicationGrant::granted) {
    if (server.options().emulation != Emulation::none) {
      sql += "GRANT rds_replication TO " + quoted + ";\n";
    }
    // Elsewhere the guide's step; on an emulated platform what rds_replication
    // means on the real one (see scenario.h).
    sql += "ALTER ROLE " + quoted + " REPLICATION;\n";
  }
  if (stats == StatsGrant::granted) sql += "GRANT pg_read_all_stats TO " + quoted + ";\n";
  (void)server.sql(sql);
}

void emulate_rds_replication_membership(const PgServer& server, std::string_view role) {
  (void)server.sql("ALTER ROLE " + quote_identifier(role) + " REPLICATION;");
}

void create_app_database(const PgServer& server, std::string_view dbname) {
  (void)server.sql("CREATE DATABASE " + quote_identifier(dbname) + ";");
  (void)server.sql(
      "CREATE SCHEMA app;\n"
      "CREATE TABLE app.customers (id bigint PRIMARY KEY, name text NOT NULL);\n"
      "CREATE TABLE app.orders (id bigint PRIMARY KEY,\n"
      "  customer_id bigint REFERENCES app.customers, total numeric(12, 2));\n"
      "ALTER TABLE app.customers REPLICA IDENTITY FULL;\n"
      "ALTER TABLE app.orders REPLICA IDENTITY FULL;\n"
      "INSERT INTO app.customers VALUES (1, 'Ada'), (2, 'Grace');\n"
      "INSERT INTO app.orders VALUES (10, 1, 12.50), (11, 2, 99.00);\n",
      dbname);
}

void grant_app_access(const PgServer& server, std::string_view dbname, std::string_view role) {
  const std::string quoted = quote_identifier(role);
  (void)server.sql("GRANT USAGE ON SCHEMA app TO " + quoted +
                       ";\n"
                       "GRANT SELECT ON ALL TABLES IN SCHEMA app TO " +
                       quoted +
                       ";\n"
                       "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app\n"
                       "  GRANT SELECT ON TABLES TO " +
                       quoted + ";\n",
                   dbname);
}

void create_publication_for_all_tables(const PgServer& server, std::string_view dbname) {
  (void)server.sql("CREATE PUBLICATION " + quote_identifier(kPublication) + " FOR ALL TABLES;",
                   dbname);
}

void create_ready_database(const PgServer& server, std::string_view dbname, std::string_view role) {
  create_app_database(server, dbname);
  grant_app_access(server, dbname, role);
  create_publication_for_all_tables(server, dbname);
}

void create_partitioned_events(const PgServer& server, std::string_view dbname) {
  (void)server.sql(
      "CREATE TABLE app.events (id bigint, created date, payload text,\n"
      "  PRIMARY KEY (id, created)) PARTITION BY RANGE (created);\n"
      "CREATE TABLE app.events_2025 PARTITION OF app.events\n"
      "  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n"
      "CREATE TABLE app.events_2026 PARTITION OF app.events\n"
      "  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY HASH (id);\n"
      "CREATE TABLE app.events_2026_a PARTITION OF app.events_2026\n"
      "  FOR VALUES WITH (MODULUS 2, REMAINDER 0);\n"
      "CREATE TABLE app.events_2026_b PARTITION OF app.events_2026\n"
      "  FOR VALUES WITH (MODULUS 2, REMAINDER 1);\n"
      "ALTER TABLE app.events_2025 REPLICA IDENTITY FULL;\n"
      "ALTER TABLE app.events_2026_a REPLICA IDENTITY FULL;\n"
      "ALTER TABLE app.events_2026_b REPLICA IDENTITY FULL;\n"
      "INSERT INTO app.events VALUES (1, '2025-06-01', 'a'), (2, '2026-06-01', 'b'),\n"
      "  (3, '2026-07-01', 'c');\n",
      dbname);
}

AdminSqlOnExit::~AdminSqlOnExit() {
  const ProcessResult undone = server_.try_sql(sql_);
  if (undone.exit_code != 0) ADD_FAILURE() << "cannot undo: " << sql_ << describe_result(undone);
}

std::vector<std::string> connection_args(const Login& login) {
  return {"--host",     "localhost", "--port",   std::to_string(login.server.port()),
          "--username", login.user,  "--dbname", login.dbname};
}

EnvChanges login_env(const Login& login) {
  EnvChanges env = {{"PGPASSWORD", login.password}};
  if (!login.server.ca_file().empty()) {
    env["PGSSLMODE"] = "verify-full";
    env["PGSSLROOTCERT"] = login.server.ca_file();
  }
  return env;
}

ToolReport check_as(const Login& login, const std::vector<std::string>& extra) {
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "json"});
  args.insert(args.end(), extra.begin(), extra.end());
  ToolReport result{run_tool(args, login_env(login)), nullptr};
  result.report = parse_report(result.run);
  return result;
}

void apply_remediation(const PgServer& server, std::string_view dbname,
                       const nlohmann::json& check) {
  const std::string script = remediation_sql(check);
  if (script.empty()) {
    ADD_FAILURE() << "no remediation.sql to apply in " << check.dump(2);
    return;
  }
  const ProcessResult applied = server.try_sql(script, dbname);
  EXPECT_EQ(applied.exit_code, 0) << "remediation SQL failed:\n"
                                  << script << describe_result(applied);
}

AppliedScript apply_sql_format_script(const Login& login, const std::vector<std::string>& extra) {
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "sql"});
  args.insert(args.end(), extra.begin(), extra.end());
  AppliedScript result;
  result.script = run_tool(args, login_env(login));
  const std::string path =
      (std::filesystem::temp_directory_path() / ("cdcp-it-" + test_slug() + ".sql")).string();
  {
    std::ofstream file(path, std::ios::trunc);
    file << result.script.out;
  }
  result.applied = login.server.run_sql_file(path, login.dbname);
  std::filesystem::remove(path);
  return result;
}

}  // namespace cdcpreflight::integration
