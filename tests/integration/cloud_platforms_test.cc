// The platforms beyond AWS, emulated on real PostgreSQL servers as Aurora is:
// each platform's settings as placeholder lines in postgresql.conf (read with
// current_setting(name, true), as on the platform, where they are real
// parameters), its roles created, its host names mapped to the loopback
// server through libpq's hostaddr. A fresh and a ready state per platform; where
// the fix is SQL, it is run and the check run again.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "pg_server.h"
#include "process.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

constexpr const char* kGuides =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/";

class CloudPlatforms : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string reason =
            PgServer::unavailable_reason(PgServerOptions::default_pg_bin_dir());
        !reason.empty()) {
      GTEST_SKIP() << reason;
    }
  }

  // The tool as `login`, reaching its server by the name `host` (hostaddr
  // 127.0.0.1: the name is the platform's, the server the test's), over TLS
  // (sslmode=require: the test CA's certificate does not name `host`).
  static ToolReport check_through(const Login& login, const std::string& host,
                                  const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        "--dbname",
        "host=" + host + " hostaddr=127.0.0.1 port=" + std::to_string(login.server.port()) +
            " user=" + login.user + " dbname=" + login.dbname,
        "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    ToolReport result;
    result.run = run_tool(args, {{"PGPASSWORD", login.password}, {"PGSSLMODE", "require"}});
    result.report = parse_report(result.run);
    return result;
  }

  static std::string docs_of(const nlohmann::json& report, std::string_view id) {
    return check(report, id).value("remediation", nlohmann::json::object()).value("docs", "");
  }
};

PgServerOptions with_conf(std::vector<std::string> lines) {
  PgServerOptions options;
  options.conf_lines = std::move(lines);
  return options;
}

// --- Cloud SQL: the cloudsql.* flags, the cloudsqlsuperuser role

TEST_F(CloudPlatforms, FreshCloudSqlIsToldItsFlagAndTheReplicationAttributeWhichFixesTheRole) {
  const PgServer server(with_conf(
      {"cloudsql.iam_authentication = 'off'", "wal_level = replica", "wal_sender_timeout = 0"}));
  (void)server.sql("CREATE ROLE cloudsqlsuperuser NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::missing);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport before = check_through(login, "127.0.0.1");
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(field(before.report, "/target/platform"), "cloudsql");
  EXPECT_NE(check_text(check(before.report, "server.platform")).find("cloudsql.iam_authentication"),
            std::string::npos);
  const nlohmann::json& logical = check(before.report, "settings.logical_replication");
  EXPECT_EQ(logical.value("status", ""), "fail");
  const std::string logical_text = check_text(logical);
  EXPECT_NE(logical_text.find("gcloud sql instances patch <instance> "
                              "--database-flags=cloudsql.logical_decoding=on"),
            std::string::npos)
      << logical.dump(2);
  EXPECT_EQ(logical_text.find("ALTER SYSTEM"), std::string::npos) << logical.dump(2);
  EXPECT_EQ(docs_of(before.report, "settings.logical_replication"),
            std::string(kGuides) + "google-cloudsql");
  // Cloud SQL is reached by address: that is no warning there.
  EXPECT_EQ(status_of(before.report, "endpoint.writer"), "pass");

  const nlohmann::json& role = check(before.report, "role.replication");
  EXPECT_EQ(role.value("status", ""), "fail");
  EXPECT_NE(remediation_sql(role).find("ALTER ROLE \"clickpipes_user\" WITH REPLICATION;"),
            std::string::npos)
      << role.dump(2);
  EXPECT_EQ(remediation_sql(role).find("rds_replication"), std::string::npos);
  EXPECT_NE(check_text(role).find("cloudsqlsuperuser"), std::string::npos) << role.dump(2);
  apply_remediation(server, "app", role);

  const ToolReport after = check_through(login, "127.0.0.1");
  EXPECT_EQ(status_of(after.report, "role.replication"), "pass");
  EXPECT_EQ(status_of(after.report, "replication.connect"), "pass");
  EXPECT_EQ(status_of(after.report, "settings.logical_replication"), "fail");
}

// The flag set, the instance not restarted yet: wal_level is still replica.
TEST_F(CloudPlatforms, CloudSqlFlagOnBeforeTheRestartIsARestartPending) {
  const PgServer server(
      with_conf({"cloudsql.iam_authentication = 'off'", "cloudsql.logical_decoding = 'on'",
                 "wal_level = replica", "wal_sender_timeout = 0"}));
  (void)server.sql("CREATE ROLE cloudsqlsuperuser NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport result = check_through(login, "127.0.0.1");
  const nlohmann::json& logical = check(result.report, "settings.logical_replication");
  EXPECT_EQ(logical.value("status", ""), "fail") << logical.dump(2);
  EXPECT_NE(logical.value("summary", "").find("restart pending"), std::string::npos)
      << logical.dump(2);
  EXPECT_NE(check_text(logical).find("gcloud sql instances restart"), std::string::npos);
}

TEST_F(CloudPlatforms, ReadyCloudSqlAsItsGuideSetsItUpIsReady) {
  const PgServer server(
      with_conf({"cloudsql.iam_authentication = 'off'", "cloudsql.logical_decoding = 'on'",
                 "wal_level = logical", "wal_sender_timeout = 0"}));
  (void)server.sql("CREATE ROLE cloudsqlsuperuser NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport result = check_through(login, "127.0.0.1");
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/target/platform"), "cloudsql");
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {}));
}

// --- AlloyDB: its flags; and below 14 ClickPipes does not take it

TEST_F(CloudPlatforms, FreshAlloyDbSetsBothFlagsOfItsGuide) {
  const PgServer server(with_conf(
      {"alloydb.iam_authentication = 'off'", "wal_level = replica", "wal_sender_timeout = 0"}));
  (void)server.sql("CREATE ROLE alloydbsuperuser NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport result = check_through(login, "127.0.0.1");
  EXPECT_EQ(field(result.report, "/target/platform"), "alloydb");
  const nlohmann::json& logical = check(result.report, "settings.logical_replication");
  EXPECT_EQ(logical.value("status", ""), "fail");
  EXPECT_NE(check_text(logical).find("gcloud alloydb instances update <instance> "
                                     "--cluster=<cluster> --region=<region> "
                                     "--database-flags=alloydb.logical_decoding=on,"
                                     "alloydb.enable_pglogical=on"),
            std::string::npos)
      << logical.dump(2);
  // The server is 14 or later (Debian's), so server.version passes; below 14
  // it fails on AlloyDB (a unit test: no older major is emulated as AlloyDB).
  EXPECT_EQ(status_of(result.report, "server.version"), "pass");
}

// --- Azure: server parameters through az; wal_sender_timeout per role

TEST_F(CloudPlatforms, FreshAzureIsToldAzAndItsPerRoleTimeoutFixesTheTimeout) {
  const PgServer server(
      with_conf({"azure.extensions = ''", "wal_level = replica", "wal_sender_timeout = 60s"}));
  (void)server.sql("CREATE ROLE azure_pg_admin NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};
  const std::string host = "mydb.postgres.database.azure.com";

  const ToolReport before = check_through(login, host);
  EXPECT_EQ(field(before.report, "/target/platform"), "azure");
  const nlohmann::json& logical = check(before.report, "settings.logical_replication");
  EXPECT_EQ(logical.value("status", ""), "fail");
  const std::string text = check_text(logical);
  EXPECT_NE(text.find("az postgres flexible-server parameter set --resource-group "
                      "<resource-group> --server-name mydb --name wal_level --value logical"),
            std::string::npos)
      << logical.dump(2);
  EXPECT_NE(text.find("az postgres flexible-server restart"), std::string::npos);
  EXPECT_EQ(docs_of(before.report, "settings.logical_replication"),
            std::string(kGuides) + "azure-flexible-server-postgres");

  const nlohmann::json& timeout = check(before.report, "settings.wal_sender_timeout");
  EXPECT_EQ(timeout.value("status", ""), "fail");
  EXPECT_EQ(remediation_sql(timeout),
            "ALTER ROLE \"clickpipes_user\" SET wal_sender_timeout = 0;\n")
      << timeout.dump(2);
  apply_remediation(server, "app", timeout);
  // The role's sessions, the tool's included, now run with 0.
  const ToolReport after = check_through(login, host);
  EXPECT_EQ(status_of(after.report, "settings.wal_sender_timeout"), "pass")
      << check(after.report, "settings.wal_sender_timeout").dump(2);
}

// --- Supabase: the pooler host cannot carry CDC; RLS is bypassed as its guide does

TEST_F(CloudPlatforms, SupabasePoolerFailsEndpointWriterWithTheDirectHost) {
  const PgServer server(with_conf({"wal_level = logical", "wal_sender_timeout = 0"}));
  (void)server.sql("CREATE ROLE supabase_admin NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport pooled = check_through(login, "aws-0-us-east-1.pooler.supabase.com");
  EXPECT_EQ(pooled.run.exit_code, 1) << describe_result(pooled.run);
  EXPECT_EQ(field(pooled.report, "/target/platform"), "supabase");
  const nlohmann::json& endpoint = check(pooled.report, "endpoint.writer");
  EXPECT_EQ(endpoint.value("status", ""), "fail") << endpoint.dump(2);
  EXPECT_NE(check_text(endpoint).find("db.<project-ref>.supabase.co"), std::string::npos)
      << endpoint.dump(2);

  const ToolReport direct = check_through(login, "db.abcdefghijklmnopqrst.supabase.co");
  EXPECT_EQ(direct.run.exit_code, 0) << describe_result(direct.run);
  EXPECT_EQ(statuses(direct.report), all_pass_except(direct.report, {}));
}

TEST_F(CloudPlatforms, SupabaseRowSecurityIsFixedWithBypassRls) {
  const PgServer server(with_conf({"wal_level = logical", "wal_sender_timeout = 0"}));
  (void)server.sql("CREATE ROLE supabase_admin NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  (void)server.sql("ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY", "app");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};
  const std::string host = "db.abcdefghijklmnopqrst.supabase.co";

  const ToolReport before = check_through(login, host);
  const nlohmann::json& rls = check(before.report, "tables.rls");
  EXPECT_EQ(rls.value("status", ""), "warn") << rls.dump(2);
  EXPECT_EQ(remediation_sql(rls), "ALTER ROLE \"clickpipes_user\" BYPASSRLS;\n") << rls.dump(2);
  apply_remediation(server, "app", rls);
  const ToolReport after = check_through(login, host);
  EXPECT_EQ(status_of(after.report, "tables.rls"), "pass");
}

// --- Neon: the console switch; -pooler hosts

TEST_F(CloudPlatforms, FreshNeonThroughItsPoolerIsToldTheDirectHostAndTheConsoleSwitch) {
  const PgServer server(with_conf({"neon.tenant_id = 'b5b2c9d0a1e24f3c8d7e6f5a4b3c2d1e'",
                                   "neon.timeline_id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'",
                                   "wal_level = replica", "wal_sender_timeout = 0"}));
  (void)server.sql("CREATE ROLE neon_superuser NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport result =
      check_through(login, "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech");
  EXPECT_EQ(field(result.report, "/target/platform"), "neon");
  const nlohmann::json& endpoint = check(result.report, "endpoint.writer");
  EXPECT_EQ(endpoint.value("status", ""), "fail") << endpoint.dump(2);
  EXPECT_NE(check_text(endpoint).find("ep-cool-darkness-123456.us-east-2.aws.neon.tech"),
            std::string::npos)
      << endpoint.dump(2);
  const nlohmann::json& logical = check(result.report, "settings.logical_replication");
  EXPECT_EQ(logical.value("status", ""), "fail");
  EXPECT_NE(check_text(logical).find("Logical Replication > Enable"), std::string::npos)
      << logical.dump(2);
  EXPECT_EQ(docs_of(result.report, "settings.logical_replication"),
            std::string(kGuides) + "neon-postgres");
}

// --- Crunchy Bridge: ALTER SYSTEM as postgres, restarted from its dashboard

TEST_F(CloudPlatforms, FreshCrunchyBridgeTakesAlterSystemAndTheScriptRuns) {
  PgServer server(with_conf({"wal_level = replica", "wal_sender_timeout = 0"}));
  create_login_role(server, "clickpipes_user", ReplicationGrant::missing);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};
  const std::string host = "p.abcdefghijklmnopqrstuvwxyz.db.postgresbridge.com";

  const ToolReport before = check_through(login, host);
  EXPECT_EQ(field(before.report, "/target/platform"), "crunchy_bridge");
  const nlohmann::json& logical = check(before.report, "settings.logical_replication");
  EXPECT_EQ(remediation_sql(logical), "ALTER SYSTEM SET \"wal_level\" = 'logical';\n")
      << logical.dump(2);
  EXPECT_NE(check_text(logical).find("Crunchy Bridge dashboard"), std::string::npos)
      << logical.dump(2);
  EXPECT_EQ(check_text(logical).find("pg_ctl"), std::string::npos) << logical.dump(2);
  // The fix-up script, as the admin runs it, then the restart the fix asks for.
  for (const char* id : {"settings.logical_replication", "role.replication"}) {
    apply_remediation(server, "app", check(before.report, id));
  }
  server.restart();
  const ToolReport after = check_through(login, host);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
}

// --- PlanetScale: PSBouncer's port is told apart from a self-managed 6432

TEST_F(CloudPlatforms, PlanetScaleIsDetectedByItsHostAndReadyOnItsDirectPort) {
  const PgServer server(with_conf({"wal_level = logical", "wal_sender_timeout = 0"}));
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport result = check_through(login, "abcdefghij-useast1-1.horizon.psdb.cloud");
  EXPECT_EQ(field(result.report, "/target/platform"), "planetscale");
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {}));
}

// --- TimescaleDB: hypertables' chunks must be published

// TimescaleDB is not in Debian: a stand-in extension of that name (a control
// file and an empty script in the server's extension directory) gives
// pg_extension the row TimescaleDB's would, and a hypertable is what it is in
// the catalog: a table whose chunks INHERIT from it in _timescaledb_internal.
class StandInTimescaleDb {
 public:
  explicit StandInTimescaleDb(const std::string& bin_dir) {
    const ProcessResult sharedir = run_process({bin_dir + "/pg_config", "--sharedir"}, {});
    if (sharedir.exit_code != 0) {
      reason_ = "no pg_config in " + bin_dir + " to find the extension directory";
      return;
    }
    std::string dir = sharedir.out;
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
    dir += "/extension";
    control_ = dir + "/timescaledb.control";
    script_ = dir + "/timescaledb--2.14.2.sql";
    if (std::filesystem::exists(control_)) {
      reason_ = "a timescaledb extension is installed in " + dir + ": not replaced";
      control_.clear();
      return;
    }
    std::ofstream control(control_);
    control << "comment = 'a stand-in for TimescaleDB in cdc-preflight tests'\n"
               "default_version = '2.14.2'\nrelocatable = true\n";
    std::ofstream script(script_);
    script << "-- nothing: the catalog is made by the test\n";
    if (!control || !script) {
      reason_ = "cannot write the stand-in extension into " + dir;
    }
  }
  ~StandInTimescaleDb() {
    std::error_code ignored;
    if (!control_.empty()) {
      std::filesystem::remove(control_, ignored);
      std::filesystem::remove(script_, ignored);
    }
  }
  StandInTimescaleDb(const StandInTimescaleDb&) = delete;
  StandInTimescaleDb& operator=(const StandInTimescaleDb&) = delete;
  StandInTimescaleDb(StandInTimescaleDb&&) = delete;
  StandInTimescaleDb& operator=(StandInTimescaleDb&&) = delete;
  [[nodiscard]] const std::string& unavailable_reason() const { return reason_; }

 private:
  std::string control_, script_, reason_;
};

TEST_F(CloudPlatforms, TimescaleHypertableChunksOutOfThePublicationFailAndItsFixPublishesThem) {
  const PgServer server(with_conf({"wal_level = logical", "wal_sender_timeout = 0"}));
  const StandInTimescaleDb extension(server.options().bin_dir);
  if (!extension.unavailable_reason().empty()) {
    GTEST_SKIP() << extension.unavailable_reason();
  }
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_app_database(server, "app");
  (void)server.sql(
      // FOR TABLE app.metrics takes the chunks that exist then: the chunk made
      // afterwards, as TimescaleDB makes them while data arrives, is not in it.
      "CREATE EXTENSION timescaledb;\n"
      "CREATE SCHEMA _timescaledb_internal;\n"
      "CREATE TABLE app.metrics (id bigint PRIMARY KEY, reading double precision);\n"
      "CREATE PUBLICATION clickpipes_publication FOR TABLE app.customers, app.orders,"
      " app.metrics;\n"
      "CREATE TABLE _timescaledb_internal._hyper_1_1_chunk (CHECK (id < 1000))"
      " INHERITS (app.metrics);\n"
      "ALTER TABLE _timescaledb_internal._hyper_1_1_chunk ADD PRIMARY KEY (id);\n"
      "INSERT INTO _timescaledb_internal._hyper_1_1_chunk VALUES (1, 20.5);\n",
      "app");
  grant_app_access(server, "app", "clickpipes_user");
  (void)server.sql(
      "GRANT USAGE ON SCHEMA _timescaledb_internal TO clickpipes_user;\n"
      "GRANT SELECT ON ALL TABLES IN SCHEMA _timescaledb_internal TO clickpipes_user;\n",
      "app");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport before = check_through(login, "127.0.0.1");
  EXPECT_EQ(field(before.report, "/target/platform"), "timescale");
  const nlohmann::json& tables = check(before.report, "publication.tables");
  EXPECT_EQ(tables.value("status", ""), "fail") << tables.dump(2);
  EXPECT_NE(check_text(tables).find("metrics"), std::string::npos) << tables.dump(2);
  if (server.major_version() >= 15) {
    EXPECT_NE(remediation_sql(tables).find("ADD TABLES IN SCHEMA \"_timescaledb_internal\""),
              std::string::npos)
        << tables.dump(2);
  }
  EXPECT_EQ(docs_of(before.report, "publication.tables"), std::string(kGuides) + "timescale");
  apply_remediation(server, "app", tables);

  const ToolReport after = check_through(login, "127.0.0.1");
  EXPECT_EQ(status_of(after.report, "publication.tables"), "pass")
      << check(after.report, "publication.tables").dump(2);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
}

// --- Ready as each platform's guide leaves it

struct ReadySetup {
  const char* platform;  // the report's id
  std::vector<std::string> conf_lines;
  const char* role;  // the platform's role, or nullptr
  const char* host;  // the name the tool connects by
};

class ReadyPlatform : public CloudPlatforms, public ::testing::WithParamInterface<ReadySetup> {};

TEST_P(ReadyPlatform, SetUpAsItsGuideSaysIsReadyWithEveryCheckPassing) {
  const ReadySetup& setup = GetParam();
  std::vector<std::string> lines = setup.conf_lines;
  lines.insert(lines.end(), {"wal_level = logical", "wal_sender_timeout = 0"});
  const PgServer server(with_conf(lines));
  if (setup.role != nullptr) {
    (void)server.sql(std::string("CREATE ROLE ") + setup.role + " NOLOGIN");
  }
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport result = check_through(login, setup.host, {"--strict"});
  EXPECT_EQ(field(result.report, "/target/platform"), setup.platform);
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {}));
}

INSTANTIATE_TEST_SUITE_P(
    Platforms, ReadyPlatform,
    ::testing::Values(
        ReadySetup{"alloydb",
                   {"alloydb.iam_authentication = 'off'", "alloydb.logical_decoding = 'on'",
                    "alloydb.enable_pglogical = 'on'"},
                   "alloydbsuperuser",
                   "127.0.0.1"},
        ReadySetup{"azure",
                   {"azure.extensions = ''"},
                   "azure_pg_admin",
                   "mydb.postgres.database.azure.com"},
        ReadySetup{"neon",
                   {"neon.tenant_id = 'b5b2c9d0a1e24f3c8d7e6f5a4b3c2d1e'",
                    "neon.timeline_id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'"},
                   "neon_superuser",
                   "ep-cool-darkness-123456.us-east-2.aws.neon.tech"},
        ReadySetup{
            "crunchy_bridge", {}, nullptr, "p.abcdefghijklmnopqrstuvwxyz.db.postgresbridge.com"}),
    [](const ::testing::TestParamInfo<ReadySetup>& param_info) {
      return std::string(param_info.param.platform);
    });

// --- The --format sql round trip where a platform's fix is SQL of its own

// Azure: the REPLICATION attribute, and wal_sender_timeout set per role as its
// guide does: the script the tool writes, run by the admin with psql -f, and
// the role's next session (the tool's) sees 0.
TEST_F(CloudPlatforms, AzureSqlScriptSetsTheRolesTimeoutAndReplicationAndIsReadyAfter) {
  const PgServer server(
      with_conf({"azure.extensions = ''", "wal_level = logical", "wal_sender_timeout = 60s"}));
  (void)server.sql("CREATE ROLE azure_pg_admin NOLOGIN");
  create_login_role(server, "clickpipes_user", ReplicationGrant::missing);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};
  const std::string host = "mydb.postgres.database.azure.com";

  const ToolReport before = check_through(login, host);
  EXPECT_EQ(statuses(before.report),
            all_pass_except(before.report, {{"settings.wal_sender_timeout", "fail"},
                                            {"role.replication", "fail"},
                                            {"replication.connect", "fail"}}));
  const ProcessResult script =
      run_tool({"--dbname",
                "host=" + host + " hostaddr=127.0.0.1 port=" + std::to_string(server.port()) +
                    " user=clickpipes_user dbname=app",
                "--format", "sql"},
               {{"PGPASSWORD", login.password}, {"PGSSLMODE", "require"}});
  EXPECT_NE(script.out.find("ALTER ROLE \"clickpipes_user\" SET wal_sender_timeout = 0;"),
            std::string::npos)
      << script.out;
  const std::string path =
      (std::filesystem::temp_directory_path() / ("cdcp-it-" + test_slug() + ".sql")).string();
  {
    std::ofstream file(path, std::ios::trunc);
    file << script.out;
  }
  const ProcessResult applied = server.run_sql_file(path, "app");
  std::filesystem::remove(path);
  EXPECT_EQ(applied.exit_code, 0) << describe_result(applied);

  const ToolReport after = check_through(login, host);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
}

}  // namespace
}  // namespace cdcpreflight::integration
