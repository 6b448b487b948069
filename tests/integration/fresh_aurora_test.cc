// A freshly created Aurora cluster (default cluster parameter group) and a role
// made with nothing but LOGIN: everything the setup guide does is missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class FreshAurora : public ServerSuite {
 protected:
  static void SetUpTestSuite() { start_server(fresh_aurora()); }
  static void TearDownTestSuite() { stop_server(); }

  // This test's database (tables with keys) and role, with no grant at all.
  [[nodiscard]] Login bare_login() const {
    create_login_role(server(), test_slug(), ReplicationGrant::missing, StatsGrant::missing);
    create_app_database(server(), test_slug());
    return Login{server(), test_slug(), std::string(kRolePassword), test_slug()};
  }
};

TEST_F(FreshAurora, DefaultClusterIsNotReadyWithEachMissingStepFailing) {
  const Login login = bare_login();
  const ToolReport result = check_as(login);

  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/summary/ready"), false);
  EXPECT_EQ(field(result.report, "/target/platform"), "aurora");
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {
                                               {"settings.logical_replication", "fail"},
                                               {"settings.wal_sender_timeout", "fail"},
                                               {"role.replication", "fail"},
                                               {"replication.connect", "fail"},
                                               {"grants.schema_usage", "fail"},
                                               {"grants.table_select", "fail"},
                                               {"grants.default_privileges", "warn"},
                                               {"publication.exists", "fail"},
                                               // their prerequisite, the publication, is missing
                                               {"publication.tables", "skip"},
                                               {"publication.actions", "skip"},
                                               {"publication.partitions", "skip"},
                                           }));
  const nlohmann::json checks = field(result.report, "/checks");
  const auto failing = std::count_if(checks.begin(), checks.end(), [](const nlohmann::json& item) {
    return item.value("status", "") == "fail";
  });
  EXPECT_EQ(field(result.report, "/summary/fail"), failing);
}

// A fresh cluster needs two parameters of its DB cluster parameter group
// changed: one fix carries both (one custom group, one modify call, one
// reboot), and each failing check points to it.
TEST_F(FreshAurora, LogicalReplicationFixIsTheClusterParameterGroupAndAReboot) {
  const Login login = bare_login();
  const ToolReport result = check_as(login);
  const nlohmann::json& setting = check(result.report, "settings.logical_replication");

  EXPECT_EQ(setting.value("status", ""), "fail") << setting.dump(2);
  EXPECT_NE(check_text(setting).find("in the one parameter-group fix of this report"),
            std::string::npos)
      << setting.dump(2);
  ASSERT_TRUE(result.report.contains("parameter_group")) << describe_result(result.run);
  const nlohmann::json& group = result.report["parameter_group"];
  ASSERT_TRUE(group.is_object()) << describe_result(result.run);
  EXPECT_EQ(group.value("checks", nlohmann::json::array()),
            nlohmann::json({"settings.logical_replication", "settings.wal_sender_timeout"}));
  const std::string text = check_text(group);
  EXPECT_NE(text.find("ParameterName=rds.logical_replication,ParameterValue=1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ParameterName=wal_sender_timeout,ParameterValue=0"), std::string::npos)
      << text;
  EXPECT_TRUE(contains_ignoring_case(text, "DB cluster parameter group")) << text;
  EXPECT_TRUE(contains_ignoring_case(text, "reboot")) << text;
  EXPECT_TRUE(contains_ignoring_case(text, "rds.logical_replication")) << text;
  EXPECT_FALSE(contains_ignoring_case(setting.value("summary", ""), "reboot pending"))
      << "nothing was changed yet";
  EXPECT_EQ(remediation_sql(setting), "") << "a parameter group is no SQL";
  // A custom group is of the family of the server's major.
  const std::string family = "aurora-postgresql" + std::to_string(server_major(result.report));
  EXPECT_EQ(server_major(result.report), server().major_version());
  EXPECT_NE(text.find("--db-parameter-group-family " + family), std::string::npos) << text;

  // It says what the setting is now (PostgreSQL shows 60 s as "1min").
  const std::string timeout = check_text(check(result.report, "settings.wal_sender_timeout"));
  EXPECT_TRUE(timeout.find("1min") != std::string::npos || timeout.find("60") != std::string::npos)
      << timeout;
}

TEST_F(FreshAurora, TextReportSaysNotReadyAndShowsTheFixes) {
  const Login login = bare_login();
  const ProcessResult result = run_tool(connection_args(login), login_env(login));

  EXPECT_EQ(result.exit_code, 1) << describe_result(result);
  EXPECT_TRUE(contains_ignoring_case(result.out, "not ready")) << result.out;
  EXPECT_NE(result.out.find("GRANT rds_replication TO"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("aws rds reboot-db-instance"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << "colour despite NO_COLOR";
}

TEST_F(FreshAurora, SqlFormatScriptAppliedByTheAdminFixesEverySqlFixableCheck) {
  const Login login = bare_login();
  (void)server().sql("CREATE TABLE app.events (happened_at timestamptz, payload text);",
                     login.dbname);
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "sql"});

  const ProcessResult script = run_tool(args, login_env(login));
  EXPECT_EQ(script.exit_code, 1) << describe_result(script);
  // The parameter group steps are there, as comments only.
  bool reboot_comment = false;
  std::istringstream lines(script.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("--") && contains_ignoring_case(line, "reboot")) reboot_comment = true;
  }
  EXPECT_TRUE(reboot_comment) << script.out;
  // The fixes of the new checks' warnings are in it too.
  EXPECT_NE(script.out.find("ALTER DEFAULT PRIVILEGES FOR ROLE \"postgres\" IN SCHEMA \"app\""),
            std::string::npos)
      << script.out;
  EXPECT_NE(script.out.find("ALTER TABLE \"app\".\"events\" REPLICA IDENTITY FULL;"),
            std::string::npos)
      << script.out;

  const std::string path =
      (std::filesystem::temp_directory_path() / ("cdcp-it-" + test_slug() + ".sql")).string();
  {
    std::ofstream file(path, std::ios::trunc);
    file << script.out;
  }
  const ProcessResult applied = server().run_sql_file(path, login.dbname);
  std::filesystem::remove(path);
  EXPECT_EQ(applied.exit_code, 0) << script.out << "\n" << describe_result(applied);

  // The script granted rds_replication; on Aurora that opens replication
  // connections, in the emulation the attribute does (see scenario.h).
  emulate_rds_replication_membership(server(), login.user);
  const ToolReport after = check_as(login);
  EXPECT_EQ(after.run.exit_code, 1) << "the parameter group is still to change";
  EXPECT_EQ(statuses(after.report),
            all_pass_except(after.report, {
                                              {"settings.logical_replication", "fail"},
                                              {"settings.wal_sender_timeout", "fail"},
                                          }));
}

}  // namespace
}  // namespace cdcpreflight::integration
