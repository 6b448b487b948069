// Names with quotes, spaces, semicolons and non-ASCII letters: the report lists
// them as they are, and the generated SQL, run as the admin, does exactly what
// it says (proof that every identifier is quoted).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cdcpreflight/sql_quote.h"
#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

const std::string kOddRole = "cp \"odd' role; x";
const std::string kOddPublication = "pub \"q\"; x";

struct HostileTable {
  std::string schema;
  std::string table;
};

// Every schema lacks USAGE, every table SELECT and publication; the last one
// has no key either.
const std::vector<HostileTable> kHostileTables = {
    {"we\"ird schema", "Or\"ders; --"},
    {"Ünïcode", "Tàblé ünï"},
    {"a;drop table x", "x'); DROP TABLE x; --"},
};

class HostileNames : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server(ready_aurora(), [](PgServer& server) {
      create_login_role(server, kOddRole, ReplicationGrant::granted);
    });
  }
  static void TearDownTestSuite() { stop_server(); }

  // A database (itself oddly named) where only the hostile objects need fixing.
  [[nodiscard]] Login hostile_login() const {
    const std::string dbname = "db \"" + test_slug() + "\"; é";
    (void)server().sql("CREATE DATABASE " + quote_identifier(dbname) + ";");
    std::string setup =
        // What an injected "DROP TABLE x" would destroy.
        "CREATE TABLE public.x (id int PRIMARY KEY);\n"
        "GRANT SELECT ON public.x TO " +
        quote_identifier(kOddRole) + ";\n";
    for (std::size_t i = 0; i < kHostileTables.size(); ++i) {
      const HostileTable& table = kHostileTables[i];
      const bool last = i + 1 == kHostileTables.size();
      setup += "CREATE SCHEMA " + quote_identifier(table.schema) + ";\n";
      setup += "CREATE TABLE " + quote_qualified(table.schema, table.table) +
               (last ? " (payload text);\n" : " (id int PRIMARY KEY, payload text);\n");
      // A value stored out of line (TOAST), and VACUUM so that the catalogs show
      // it: tables.toast warns, naming the table.
      setup += "INSERT INTO " + quote_qualified(table.schema, table.table) +
               (last ? " (payload)" : " (id, payload)") + " SELECT " + (last ? "" : "1, ") +
               "string_agg(md5(g::text || random()::text), '') FROM generate_series(1, 200) g;\n";
      setup += "VACUUM " + quote_qualified(table.schema, table.table) + ";\n";
    }
    setup += "CREATE PUBLICATION " + quote_identifier(kOddPublication) + " FOR TABLE public.x;\n";
    (void)server().sql(setup, dbname);
    return Login{server(), kOddRole, std::string(kRolePassword), dbname};
  }

  [[nodiscard]] static std::vector<std::string> publication_args() {
    return {"--publication", kOddPublication};
  }

  // Every hostile table and public.x are still there, untouched by injection.
  void expect_all_tables_intact(const Login& login) const {
    std::string query = "SELECT count(*) FROM public.x";
    for (const HostileTable& table : kHostileTables) {
      query += " UNION ALL SELECT count(*) FROM " + quote_qualified(table.schema, table.table);
    }
    EXPECT_EQ(server().sql(query + ";", login.dbname), "0\n1\n1\n1\n");
  }
};

// The name appears in the text, as is or quoted.
::testing::AssertionResult names(const std::string& text, const std::string& name) {
  if (text.find(name) != std::string::npos ||
      text.find(quote_identifier(name)) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "`" << name << "` is not named in:\n" << text;
}

const std::vector<std::string> kFailingChecks = {"grants.schema_usage", "grants.table_select",
                                                 "publication.tables", "tables.replica_identity"};
// Tables created by the admin in schemas without default privileges, with a
// text column and no REPLICA IDENTITY FULL.
const std::vector<std::string> kWarningChecks = {"grants.default_privileges", "tables.toast"};

TEST_F(HostileNames, ReportListsOddNamesAndEachChecksSqlFixesThem) {
  const Login login = hostile_login();
  const ToolReport before = check_as(login, publication_args());

  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(field(before.report, "/target/dbname"), login.dbname);
  EXPECT_EQ(field(before.report, "/target/user"), kOddRole);
  std::map<std::string, std::string> expected;
  for (const auto& id : kFailingChecks) expected[id] = "fail";
  for (const auto& id : kWarningChecks) expected[id] = "warn";
  EXPECT_EQ(statuses(before.report), all_pass_except(before.report, expected));

  const std::string usage = check_text(check(before.report, "grants.schema_usage"));
  const std::string select = check_text(check(before.report, "grants.table_select"));
  const std::string published = check_text(check(before.report, "publication.tables"));
  for (const HostileTable& table : kHostileTables) {
    EXPECT_TRUE(names(usage, table.schema));
    EXPECT_TRUE(names(select, table.table));
    EXPECT_TRUE(names(published, table.table));
  }
  const std::string identity = check_text(check(before.report, "tables.replica_identity"));
  EXPECT_TRUE(names(identity, kHostileTables.back().table));
  EXPECT_FALSE(names(identity, kHostileTables.front().table)) << "it has a primary key";
  const std::string toast = check_text(check(before.report, "tables.toast"));
  const std::string defaults = check_text(check(before.report, "grants.default_privileges"));
  for (const HostileTable& table : kHostileTables) {
    // The keyless last table is tables.replica_identity's, whose fix is the same.
    EXPECT_EQ(names(toast, table.table), &table != &kHostileTables.back()) << table.table;
    EXPECT_TRUE(names(defaults, table.schema));
  }

  std::vector<std::string> fixed = kFailingChecks;
  fixed.insert(fixed.end(), kWarningChecks.begin(), kWarningChecks.end());
  for (const auto& id : fixed) {
    SCOPED_TRACE(id);
    apply_remediation(server(), login.dbname, check(before.report, id));
  }
  const ToolReport after = check_as(login, publication_args());
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
  expect_all_tables_intact(login);
}

// A generated column pgoutput leaves out, named oddly: tables.generated_columns
// names it quoted, as every other check names what it found.
TEST_F(HostileNames, GeneratedColumnsAreNamedQuoted) {
  const Login login = hostile_login();
  const HostileTable& table = kHostileTables.front();
  const std::string column = "gen\"col; x\x1b]0;t\x07";
  (void)server().sql("ALTER TABLE " + quote_qualified(table.schema, table.table) + " ADD COLUMN " +
                         quote_identifier(column) +
                         " text GENERATED ALWAYS AS (payload || 'x') STORED;",
                     login.dbname);
  const ToolReport result = check_as(login, publication_args());
  const nlohmann::json& generated = check(result.report, "tables.generated_columns");
  EXPECT_EQ(generated.value("status", ""), "warn") << generated.dump(2);
  const std::string text = check_text(generated);
  EXPECT_NE(text.find(quote_identifier(column)), std::string::npos) << text;
  EXPECT_TRUE(names(text, table.table)) << text;
}

TEST_F(HostileNames, TableFlagTakesAQuotedOddName) {
  const Login login = hostile_login();
  const HostileTable& table = kHostileTables.front();
  std::vector<std::string> args = publication_args();
  args.insert(args.end(), {"--table", quote_qualified(table.schema, table.table)});

  const ToolReport before = check_as(login, args);
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(field(before.report, "/scope/tables"), 1);
  EXPECT_EQ(statuses(before.report),
            all_pass_except(before.report, {{"grants.schema_usage", "fail"},
                                            {"grants.table_select", "fail"},
                                            {"grants.default_privileges", "warn"},
                                            {"publication.tables", "fail"},
                                            {"tables.toast", "warn"}}));
  for (const auto* id : {"grants.schema_usage", "grants.table_select", "grants.default_privileges",
                         "publication.tables", "tables.toast"}) {
    SCOPED_TRACE(id);
    const nlohmann::json& failed = check(before.report, id);
    EXPECT_EQ(remediation_sql(failed).find(kHostileTables.back().schema), std::string::npos)
        << "out of scope:\n"
        << remediation_sql(failed);
    apply_remediation(server(), login.dbname, failed);
  }
  const ToolReport after = check_as(login, args);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
  expect_all_tables_intact(login);
}

TEST_F(HostileNames, SqlFormatScriptFixesOddNames) {
  const Login login = hostile_login();
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "sql", "--publication", kOddPublication});
  const ProcessResult script = run_tool(args, login_env(login));
  EXPECT_EQ(script.exit_code, 1) << describe_result(script);

  const std::string path =
      (std::filesystem::temp_directory_path() / ("cdcp-it-" + test_slug() + ".sql")).string();
  {
    std::ofstream file(path, std::ios::trunc);
    file << script.out;
  }
  const ProcessResult applied = server().run_sql_file(path, login.dbname);
  std::filesystem::remove(path);
  EXPECT_EQ(applied.exit_code, 0) << script.out << "\n" << describe_result(applied);

  const ToolReport after = check_as(login, publication_args());
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
  expect_all_tables_intact(login);
}

}  // namespace
}  // namespace cdcpreflight::integration
