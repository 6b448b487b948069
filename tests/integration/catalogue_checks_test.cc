// The checks of the complete catalogue that a database or a role decides, each
// on a ready Aurora-like cluster broken in one way: the exact statuses, the
// words the user reads, and, for the SQL-fixable ones, remediation.sql from the
// JSON report run as the admin turning the check green.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>

#include "cdcpreflight/sql_quote.h"
#include "ready_suite.h"
#include "scenario.h"
#include "session.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class CatalogueChecks : public ReadyAuroraSuite {
 protected:
  // A role of this test's own (role attributes are cluster-wide), ready.
  [[nodiscard]] Login ready_login_for_own_role() const {
    create_login_role(server(), test_slug(), ReplicationGrant::granted);
    create_ready_database(server(), test_slug(), test_slug());
    return Login{server(), test_slug(), std::string(kRolePassword), test_slug()};
  }

  [[nodiscard]] Login admin_login(const std::string& dbname) const {
    return Login{server(), std::string(PgServer::kAdminUser), std::string(PgServer::kAdminPassword),
                 dbname};
  }
};

// Exit code (1 when a check fails, else 0) and exact statuses.
void expect_statuses(const ToolReport& result, const std::map<std::string, std::string>& expected) {
  const std::map<std::string, std::string> all = all_pass_except(result.report, expected);
  bool fails = false;
  for (const auto& [id, status] : all) fails = fails || status == "fail";
  EXPECT_EQ(result.run.exit_code, fails ? 1 : 0) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/summary/ready"), !fails);
  EXPECT_EQ(statuses(result.report), all);
}

// The check's remediation.sql, run as the admin, makes `login` ready with every
// check passing (but `still`).
void expect_fixed_by_its_sql(const Login& login, const nlohmann::json& check,
                             const std::vector<std::string>& extra = {},
                             const std::map<std::string, std::string>& still = {}) {
  SCOPED_TRACE(check.value("id", "?"));
  apply_remediation(login.server, login.dbname, check);
  expect_statuses(check_as(login, extra), still);
}

// --- publication.actions ---------------------------------------------------

TEST_F(CatalogueChecks, PublicationOfInsertsOnlyFailsActionsAndItsSqlFixesIt) {
  const Login login = ready_login();
  (void)server().sql("ALTER PUBLICATION clickpipes_publication SET (publish = 'insert');",
                     login.dbname);

  const ToolReport before = check_as(login);
  expect_statuses(before, {{"publication.actions", "fail"}});
  const nlohmann::json& actions = check(before.report, "publication.actions");
  const std::string summary = actions.value("summary", "");
  EXPECT_NE(summary.find("does not publish update, delete"), std::string::npos) << summary;
  EXPECT_NE(check_text(actions).find("--skip publication.actions"), std::string::npos)
      << "how to keep a deliberate choice:\n"
      << actions.dump(2);
  EXPECT_EQ(remediation_sql(actions),
            "ALTER PUBLICATION \"clickpipes_publication\" SET (publish = 'insert, update, delete, "
            "truncate');\n");
  expect_fixed_by_its_sql(login, actions);

  // A deliberate choice is kept with --skip.
  (void)server().sql("ALTER PUBLICATION clickpipes_publication SET (publish = 'insert, update');",
                     login.dbname);
  expect_statuses(check_as(login, {"--skip", "publication.actions"}),
                  {{"publication.actions", "skip"}});
}

// --- tables.unlogged -------------------------------------------------------

// An unlogged table warns, and publication.tables (a FOR TABLE publication of
// the logged ones) does not count it: no publication can hold it. Its SET
// LOGGED makes it a table like any other, which must then be published.
TEST_F(CatalogueChecks, UnloggedTableWarnsIsNotCountedByPublicationTablesAndSetLoggedFixesIt) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE UNLOGGED TABLE app.sessions (id bigint PRIMARY KEY, seen date);\n"
      "DROP PUBLICATION clickpipes_publication;\n"
      "CREATE PUBLICATION clickpipes_publication FOR TABLE app.customers, app.orders;\n",
      login.dbname);
  const ProcessResult refused = server().try_sql(
      "ALTER PUBLICATION clickpipes_publication ADD TABLE app.sessions;", login.dbname);
  EXPECT_NE(refused.exit_code, 0) << "the server published an unlogged table";

  const ToolReport before = check_as(login);
  expect_statuses(before, {{"tables.unlogged", "warn"}});
  const nlohmann::json& unlogged = check(before.report, "tables.unlogged");
  EXPECT_NE(unlogged.value("summary", "").find("1 table is UNLOGGED"), std::string::npos)
      << unlogged.dump(2);
  EXPECT_TRUE(contains_ignoring_case(unlogged.value("summary", ""), "never replicated"))
      << unlogged.dump(2);
  EXPECT_EQ(field(unlogged, "/details"), nlohmann::json::array({"app.sessions"}));
  EXPECT_EQ(remediation_sql(unlogged), "ALTER TABLE \"app\".\"sessions\" SET LOGGED;\n");
  const std::string published = check(before.report, "publication.tables").value("summary", "");
  EXPECT_NE(published.find("publishes all 2 scoped tables"), std::string::npos) << published;

  apply_remediation(server(), login.dbname, unlogged);
  const ToolReport logged = check_as(login);
  expect_statuses(logged, {{"publication.tables", "fail"}});
  const nlohmann::json& tables = check(logged.report, "publication.tables");
  EXPECT_NE(check_text(tables).find("sessions"), std::string::npos) << tables.dump(2);
  expect_fixed_by_its_sql(login, tables);
}

// --- tables.rls ------------------------------------------------------------

// Row-level security with a policy that shows clickpipes_user only some rows:
// the initial load would silently miss the others.
TEST_F(CatalogueChecks, RowLevelSecurityWarnsAndItsCreatePolicyFixesIt) {
  const Login login = ready_login();
  (void)server().sql(
      "ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY first_customer ON app.orders USING (customer_id = 1);\n",
      login.dbname);
  Session as_user(server(), login.dbname);
  EXPECT_EQ(as_user.exec("SET ROLE clickpipes_user; SELECT count(*) FROM app.orders;"), "1")
      << "the policy hides a row from clickpipes_user";

  const ToolReport before = check_as(login);
  expect_statuses(before, {{"tables.rls", "warn"}});
  const nlohmann::json& rls = check(before.report, "tables.rls");
  EXPECT_TRUE(contains_ignoring_case(rls.value("summary", ""), "silently missing")) << rls.dump(2);
  EXPECT_EQ(field(rls, "/details"), nlohmann::json::array({"app.orders"}));
  EXPECT_NE(check_text(rls).find("BYPASSRLS"), std::string::npos) << rls.dump(2);
  EXPECT_EQ(remediation_sql(rls),
            "CREATE POLICY cdc_read_all ON \"app\".\"orders\" FOR SELECT TO \"clickpipes_user\" "
            "USING (true);\n");

  apply_remediation(server(), login.dbname, rls);
  EXPECT_EQ(as_user.exec("SELECT count(*) FROM app.orders;"), "2")
      << "the policy lets clickpipes_user read every row";
  expect_statuses(check_as(login), {});
}

TEST_F(CatalogueChecks, BypassRlsRolePassesRowLevelSecurity) {
  const Login login = ready_login_for_own_role();
  (void)server().sql(
      "ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY nobody ON app.orders USING (false);\n",
      login.dbname);
  expect_statuses(check_as(login), {{"tables.rls", "warn"}});

  (void)server().sql("ALTER ROLE " + quote_identifier(login.user) + " BYPASSRLS;");
  const ToolReport bypassing = check_as(login);
  expect_statuses(bypassing, {});
  const std::string summary = check(bypassing.report, "tables.rls").value("summary", "");
  EXPECT_NE(summary.find("bypasses row-level security (BYPASSRLS)"), std::string::npos) << summary;
}

// --- tables.names ----------------------------------------------------------

TEST_F(CatalogueChecks, DottedTableNameFailsTablesNames) {
  const Login login = ready_login();
  (void)server().sql("CREATE TABLE app.\"my.table\" (id bigint PRIMARY KEY);", login.dbname);

  const ToolReport before = check_as(login);
  expect_statuses(before, {{"tables.names", "fail"}});
  const nlohmann::json& names = check(before.report, "tables.names");
  EXPECT_TRUE(contains_ignoring_case(names.value("summary", ""), "ClickPipes does not support"))
      << names.dump(2);
  EXPECT_EQ(field(names, "/details"), nlohmann::json::array({R"(table app."my.table")"}));
  EXPECT_NE(check_text(names).find(R"(ALTER TABLE "app"."my.table" RENAME TO)"), std::string::npos)
      << names.dump(2);
  EXPECT_EQ(remediation_sql(names), "") << "renaming is for the user to decide";

  // Left out of the scope, it no longer matters.
  expect_statuses(check_as(login, {"--table", "app.customers", "--table", "app.orders"}), {});
}

// --- role.login ------------------------------------------------------------

// The role's password expires in 3 days: the pipe would stop then.
TEST_F(CatalogueChecks, PasswordExpiringIn3DaysWarnsAndItsSqlFixesIt) {
  const Login login = ready_login_for_own_role();
  // An hour more, so that whole days are 3 whatever the seconds the run takes.
  (void)server().sql("DO $$ BEGIN EXECUTE format('ALTER ROLE %I VALID UNTIL %L', " +
                     quote_literal(login.user) + ", now() + interval '3 days 1 hour'); END $$;");
  const std::string until = server().sql(
      "SELECT to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM pg_roles WHERE rolname = " +
      quote_literal(login.user) + ";");

  const ToolReport before = check_as(login);
  expect_statuses(before, {{"role.login", "warn"}});
  const nlohmann::json& role = check(before.report, "role.login");
  const std::string summary = role.value("summary", "");
  EXPECT_NE(summary.find("the password of " + login.user + " expires in 3 days (" +
                         until.substr(0, until.size() - 1) + ")"),
            std::string::npos)
      << summary;
  EXPECT_EQ(remediation_sql(role),
            "ALTER ROLE " + quote_identifier(login.user) + " VALID UNTIL 'infinity';\n");
  expect_fixed_by_its_sql(login, role);
}

// An expired password cannot log in: the admin checks for the role.
TEST_F(CatalogueChecks, ExpiredPasswordFailsRoleLoginAndItsSqlFixesIt) {
  const Login user = ready_login_for_own_role();
  (void)server().sql("ALTER ROLE " + quote_identifier(user.user) + " VALID UNTIL '2020-01-01';");
  const ToolReport refused = check_as(user);
  EXPECT_EQ(refused.run.exit_code, 3) << describe_result(refused.run);

  const Login admin = admin_login(user.dbname);
  const std::vector<std::string> for_user = {"--user", user.user};
  const ToolReport before = check_as(admin, for_user);
  expect_statuses(before, {{"role.login", "fail"}});
  const nlohmann::json& role = check(before.report, "role.login");
  EXPECT_NE(
      role.value("summary", "").find("the password of " + user.user + " expired on 2020-01-01"),
      std::string::npos)
      << role.dump(2);
  expect_fixed_by_its_sql(admin, role, for_user);
  expect_statuses(check_as(user), {});
}

TEST_F(CatalogueChecks, NologinRoleFailsRoleLoginAndItsSqlFixesIt) {
  const Login user = ready_login_for_own_role();
  (void)server().sql("ALTER ROLE " + quote_identifier(user.user) + " NOLOGIN;");
  EXPECT_EQ(check_as(user).run.exit_code, 3);

  const Login admin = admin_login(user.dbname);
  const std::vector<std::string> for_user = {"--user", user.user};
  const ToolReport before = check_as(admin, for_user);
  expect_statuses(before, {{"role.login", "fail"}});
  const nlohmann::json& role = check(before.report, "role.login");
  EXPECT_NE(role.value("summary", "").find("may not log in (NOLOGIN)"), std::string::npos)
      << role.dump(2);
  EXPECT_EQ(remediation_sql(role), "ALTER ROLE " + quote_identifier(user.user) + " WITH LOGIN;\n");
  expect_fixed_by_its_sql(admin, role, for_user);
  expect_statuses(check_as(user), {});
}

// --- grants.default_privileges ---------------------------------------------

// A schema owned by an application role that creates its tables: the guide's
// ALTER DEFAULT PRIVILEGES (for the admin) does not cover the tables app_owner
// will create; the check names FOR ROLE "app_owner", and its SQL, run by the
// admin, covers them.
TEST_F(CatalogueChecks, UserOwnedSchemaWithoutDefaultPrivilegesWarnsNamingItsOwner) {
  const Login login = ready_login();
  (void)server().sql(
      "DO $$ BEGIN CREATE ROLE app_owner NOLOGIN; "
      "EXCEPTION WHEN duplicate_object THEN NULL; END $$;");
  (void)server().sql(
      "CREATE SCHEMA sales AUTHORIZATION app_owner;\n"
      "SET ROLE app_owner;\n"
      "CREATE TABLE sales.invoices (id bigint PRIMARY KEY, issued date);\n"
      "RESET ROLE;\n"
      "GRANT USAGE ON SCHEMA sales TO clickpipes_user;\n"
      "GRANT SELECT ON sales.invoices TO clickpipes_user;\n",
      login.dbname);

  const ToolReport before = check_as(login);
  expect_statuses(before, {{"grants.default_privileges", "warn"}});
  const nlohmann::json& defaults = check(before.report, "grants.default_privileges");
  EXPECT_EQ(field(defaults, "/details"),
            nlohmann::json::array({"sales: tables created by app_owner"}));
  EXPECT_EQ(remediation_sql(defaults),
            "ALTER DEFAULT PRIVILEGES FOR ROLE \"app_owner\" IN SCHEMA \"sales\" GRANT SELECT ON "
            "TABLES TO \"clickpipes_user\";\n");

  apply_remediation(server(), login.dbname, defaults);
  expect_statuses(check_as(login), {});
  // And it does what it says: a table app_owner creates now is readable.
  (void)server().sql(
      "SET ROLE app_owner;\n"
      "CREATE TABLE sales.refunds (id bigint PRIMARY KEY, issued date);\n",
      login.dbname);
  expect_statuses(check_as(login), {});
}

// --- tables.toast ----------------------------------------------------------

// No warning without evidence: app.customers can store values out of line (a
// text column) but holds none until a large value is stored and VACUUM shows it.
TEST_F(CatalogueChecks, ToastableColumnsWithoutFullReplicaIdentityWarnAndItsSqlFixesIt) {
  const Login login = ready_login();
  (void)server().sql("ALTER TABLE app.customers REPLICA IDENTITY DEFAULT;", login.dbname);
  const ToolReport could = check_as(login);
  expect_statuses(could, {});
  EXPECT_EQ(
      field(check(could.report, "tables.toast"), "/details"),
      nlohmann::json::array({"app.customers could store values out of line, but holds none yet"}));

  (void)server().sql(
      "INSERT INTO app.customers (id, name) SELECT 1000, string_agg(md5(g::text || "
      "random()::text), '') FROM generate_series(1, 200) g;\n"
      "VACUUM app.customers;\n",
      login.dbname);
  const ToolReport before = check_as(login);
  expect_statuses(before, {{"tables.toast", "warn"}});
  const nlohmann::json& toast = check(before.report, "tables.toast");
  EXPECT_TRUE(contains_ignoring_case(toast.value("summary", ""), "arrive empty on UPDATE"))
      << toast.dump(2);
  EXPECT_EQ(field(toast, "/details"), nlohmann::json::array({"app.customers"}));
  EXPECT_EQ(remediation_sql(toast), "ALTER TABLE \"app\".\"customers\" REPLICA IDENTITY FULL;\n");
  expect_fixed_by_its_sql(login, toast);
}

// --- slots.inactive --------------------------------------------------------

// A slot nobody streams from keeps WAL: slots.inactive names it with what it
// retains, and the step's pg_drop_replication_slot works.
TEST_F(CatalogueChecks, InactiveSlotHoldingWalWarnsAndItsDropFixesIt) {
  const Login login = ready_login();
  const AdminSqlOnExit drop_if_left(
      server(),
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots\n"
      "  WHERE slot_name = 'forgotten_standby';");
  (void)server().sql("SELECT pg_create_physical_replication_slot('forgotten_standby', true);");
  // Some WAL after the slot's restart point (in database postgres, out of scope).
  (void)server().sql(
      "CREATE TABLE IF NOT EXISTS wal_filler (n int);\n"
      "INSERT INTO wal_filler SELECT generate_series(1, 10000);");

  const ToolReport before = check_as(login);
  expect_statuses(before, {{"slots.inactive", "warn"}});
  const nlohmann::json& slots = check(before.report, "slots.inactive");
  EXPECT_NE(slots.value("summary", "").find("1 replication slot is inactive"), std::string::npos)
      << slots.dump(2);
  const std::string detail = field(slots, "/details/0").get<std::string>();
  const std::regex retained(R"(^forgotten_standby \(physical slot\): inactive, retains )"
                            R"([0-9.]+ (bytes|kB|MB) of WAL$)");
  EXPECT_TRUE(std::regex_search(detail, retained)) << detail;
  EXPECT_EQ(detail.find("retains 0 bytes"), std::string::npos) << detail;
  const nlohmann::json step = field(slots, "/remediation/steps/0");
  ASSERT_TRUE(step.is_string()) << slots.dump(2);
  const std::string text = step.get<std::string>();
  const auto select = text.find("SELECT pg_drop_replication_slot('forgotten_standby');");
  ASSERT_NE(select, std::string::npos) << text;

  const ProcessResult dropped = server().try_sql(text.substr(select));
  EXPECT_EQ(dropped.exit_code, 0) << describe_result(dropped);
  expect_statuses(check_as(login), {});
  EXPECT_EQ(server().sql("SELECT count(*) FROM pg_replication_slots;"), "0\n");
}

// --- slots.clickpipes ------------------------------------------------------

// The slot and publication ClickPipes creates for a pipe (peerflow_slot_<pipe>,
// peerflow_pub_<pipe>), made as PeerDB makes them: inactive (the pipe paused),
// slots.clickpipes warns and slots.inactive leaves it alone; a ClickPipes slot
// in another database than the one checked fails; none at all skips.
TEST_F(CatalogueChecks, ClickPipesSlotsAreJudgedInactiveOrInAnotherDatabase) {
  const Login login = ready_login();
  expect_statuses(check_as(login), {});  // slots.clickpipes: skip
  EXPECT_EQ(status_of(check_as(login).report, "slots.clickpipes"), "skip");
  const AdminSqlOnExit drop(server(),
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots\n"
                            "  WHERE slot_name LIKE 'peerflow\\_slot\\_%';");
  (void)server().sql(
      "CREATE PUBLICATION peerflow_pub_orders_pipe FOR TABLE app.orders;\n"
      "SELECT pg_create_logical_replication_slot('peerflow_slot_orders_pipe', 'pgoutput');",
      login.dbname);

  const ToolReport paused = check_as(login);
  expect_statuses(paused, {{"slots.clickpipes", "warn"}});
  const nlohmann::json& pipes = check(paused.report, "slots.clickpipes");
  EXPECT_NE(pipes.value("summary", "").find("peerflow_slot_orders_pipe: inactive"),
            std::string::npos)
      << pipes.dump(2);
  EXPECT_NE(check_text(pipes).find("SELECT pg_drop_replication_slot('peerflow_slot_orders_pipe');"),
            std::string::npos)
      << pipes.dump(2);
  EXPECT_NE(check(paused.report, "slots.inactive").value("summary", "").find("slots.clickpipes"),
            std::string::npos);

  (void)server().sql(
      "SELECT pg_create_logical_replication_slot('peerflow_slot_elsewhere', 'pgoutput');");
  const ToolReport elsewhere = check_as(login);
  expect_statuses(elsewhere, {{"slots.clickpipes", "fail"}});
  const nlohmann::json& failed = check(elsewhere.report, "slots.clickpipes");
  EXPECT_NE(
      check_text(failed).find("peerflow_slot_elsewhere: in database postgres, not " + login.dbname),
      std::string::npos)
      << failed.dump(2);
}

// --- activity.long_transactions --------------------------------------------

// With --long-tx-minutes 0 every open transaction is reported: one held by
// another session is named by its pid (clickpipes_user has pg_read_all_stats
// in this suite). With the default 5 minutes, a young one is not.
TEST_F(CatalogueChecks, OpenTransactionIsNamedByItsPidWithLongTxMinutes0) {
  const Login login = ready_login();
  const HeldTransaction held(server(), login.dbname);
  const std::string pid = std::to_string(held.pid());

  const ToolReport every = check_as(login, {"--long-tx-minutes", "0"});
  expect_statuses(every, {{"activity.long_transactions", "warn"}});
  const nlohmann::json& activity = check(every.report, "activity.long_transactions");
  EXPECT_TRUE(contains_ignoring_case(activity.value("summary", ""),
                                     "block creating the slot and the initial snapshot"))
      << activity.dump(2);
  const std::string text = check_text(activity);
  EXPECT_NE(text.find("pid " + pid + " (client backend, user postgres, idle in transaction)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SELECT pg_terminate_backend(" + pid + ");"), std::string::npos) << text;

  expect_statuses(check_as(login), {});
}

}  // namespace
}  // namespace cdcpreflight::integration
