// The support workflow on a database whose names are built to break out of the
// --format sql script: tables named as a psql meta-command (\! touch FILE), after
// a line feed, a CR or a LINE SEPARATOR, psql variables (:x :'x' :"x"), an OSC 52
// escape sequence, backslashes; a publication named with an ESC and a CR. The
// customer's `collect` snapshots it, `check --from` renders the script, the
// admin runs it with `psql -v ON_ERROR_STOP=1 -f`: psql sends the server exactly
// the script's own statements (its statement log says so) and nothing else runs
// (FILE is never created), and the checks the script fixes pass afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cdcpreflight/sql_quote.h"
#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

namespace fs = std::filesystem;

// The application name of the admin's psql run, which tells its statements
// apart in the server log.
constexpr const char* kScriptApplication = "cdcp-hostile-script";

// What a name that escaped its quotes would create: short, so that a name
// holding `\! touch FILE` fits in 63 bytes.
const std::string kMarker =
    (fs::temp_directory_path() / ("cdcp-pwned-" + std::to_string(::getpid()))).string();
const std::string kMetaCommand = "\\! touch " + kMarker;

const std::string kSchema = "sch\x1b[2J \\! :x";
const std::string kPublication = "pub\x1b[31m :'x'\r";
// No dot anywhere (tables.names would fail, and no SQL fixes that).
const std::vector<std::string> kTables = {
    kMetaCommand,                     // plain form: the backslash inside "…"
    "\n" + kMetaCommand,              // a line feed, then the meta-command
    "cr\r" + kMetaCommand,            // psql ends a line at a CR too
    "ls\xe2\x80\xa8" + kMetaCommand,  // LINE SEPARATOR
    ":x :'x' :\"x\"",                 // psql variables (the run defines x)
    "esc\x1b]52;c;cHduZWQ=\x07",      // OSC 52: writes the clipboard
    "back\\slash\\",                  // plain form, a backslash before the quote
    "\\\x1b\\\\q",                    // U& form: backslashes around an ESC
    "c1\xc2\x9b"
    "2J del\x7f",  // U+009B (CSI) and DEL
};

class HostileScript : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    PgServerOptions options = ready_aurora();
    options.conf_lines.insert(options.conf_lines.end(),
                              {"log_statement = 'all'", "log_line_prefix = '%m [%p] app=%a '"});
    start_server(options, [](PgServer& server) {
      create_login_role(server, kClickpipesUser, ReplicationGrant::granted);
    });
  }
  static void TearDownTestSuite() { stop_server(); }

  void SetUp() override {
    ServerSuite::SetUp();
    dir_ = (fs::temp_directory_path() / ("cdcp-it-" + test_slug())).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::remove(kMarker);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    fs::remove(kMarker, ignored);
  }

  // The hostile tables (no key, a text column, nothing granted) in a hostile
  // schema, and the publication, holding only public.x: every fix names them.
  [[nodiscard]] Login hostile_login() const {
    const std::string dbname = test_slug();
    (void)server().sql("CREATE DATABASE " + dbname + ";");
    std::string setup =
        "CREATE TABLE public.x (id int PRIMARY KEY);\n"
        "GRANT SELECT ON public.x TO " +
        std::string(kClickpipesUser) + ";\nCREATE SCHEMA " + quote_identifier(kSchema) + ";\n";
    for (const std::string& table : kTables) {
      EXPECT_LE(table.size(), 63U) << "the server would truncate it";
      setup += "CREATE TABLE " + quote_qualified(kSchema, table) + " (payload text);\n";
    }
    setup += "CREATE PUBLICATION " + quote_identifier(kPublication) + " FOR TABLE public.x;\n";
    (void)server().sql(setup, dbname);
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), dbname};
  }

  // The admin applies the script as the tool says, with a psql variable x
  // defined (what :x would expand to, were psql to read it inside a name).
  [[nodiscard]] ProcessResult run_script(const std::string& path, const std::string& dbname) const {
    std::string psql = server().options().bin_dir + "/psql";
    if (::access(psql.c_str(), X_OK) != 0) psql = "psql";
    ProcessOptions options;
    options.inherit_pg_env = InheritPgEnv::no;
    options.env["PGAPPNAME"] = kScriptApplication;
    return run_process(
        {psql, "-X", "-w", "-v", "ON_ERROR_STOP=1", "-v", "x=injected", "-h", server().socket_dir(),
         "-p", std::to_string(server().port()), "-U", "postgres", "-d", dbname, "-f", path},
        options);
  }

  std::string dir_;
};

// The lines of the script that psql sends to the server: neither empty, nor a
// comment, nor its \set meta-command.
std::vector<std::string> statements_of_script(const std::string& script) {
  std::vector<std::string> statements;
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && !line.starts_with("--") && line != "\\set ON_ERROR_STOP on") {
      statements.push_back(line);
    }
  }
  return statements;
}

// The statements the server logged for sessions of `application`, in order; a
// statement spanning lines keeps them.
std::vector<std::string> logged_statements(const std::string& log, const std::string& application) {
  static const std::regex entry(R"(^\d{4}-\d{2}-\d{2} \S+ \S+ \[\d+\] app=(\S*) ([A-Z]+):  (.*)$)");
  std::vector<std::string> statements;
  bool in_statement = false;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, entry)) {
      in_statement =
          match[1] == application && match[2] == "LOG" && match[3].str().starts_with("statement: ");
      if (in_statement) statements.push_back(match[3].str().substr(11));
    } else if (in_statement) {
      statements.back() += "\n" + line;
    }
  }
  return statements;
}

TEST_F(HostileScript, PsqlRunsOnlyTheScriptsStatementsAndTheyFixTheChecks) {
  const Login login = hostile_login();
  const std::vector<std::string> scope = {"--publication", kPublication};
  const std::string snapshot = dir_ + "/snapshot.json";
  std::vector<std::string> collect = {"collect", "-o", snapshot};
  collect.insert(collect.end(), scope.begin(), scope.end());
  const std::vector<std::string> connection = connection_args(login);
  collect.insert(collect.end(), connection.begin(), connection.end());
  const ProcessResult collected = run_tool(collect, login_env(login));
  ASSERT_EQ(collected.exit_code, 0) << describe_result(collected);
  // The snapshot too holds nothing raw that could drive a terminal showing it.
  {
    std::ifstream file(snapshot, std::ios::binary);
    const std::string written{std::istreambuf_iterator<char>(file), {}};
    for (std::size_t at = 0; at < written.size(); ++at) {
      const auto byte = static_cast<unsigned char>(written[at]);
      const bool c1 = byte == 0xC2 && at + 1 < written.size() &&
                      static_cast<unsigned char>(written[at + 1]) < 0xA0 &&
                      static_cast<unsigned char>(written[at + 1]) >= 0x80;
      EXPECT_FALSE((byte < 0x20 && byte != '\n') || byte == 0x7F || c1)
          << "a raw control character at byte " << at << " of the snapshot";
    }
  }

  const ProcessResult rendered = run_tool({"check", "--from", snapshot, "--format", "sql"});
  ASSERT_EQ(rendered.exit_code, 1) << describe_result(rendered);
  const std::string& script = rendered.out;
  const std::vector<std::string> statements = statements_of_script(script);
  ASSERT_FALSE(statements.empty()) << script;
  bool unicode_form = false;
  for (const std::string& statement : statements) {
    unicode_form = unicode_form || statement.find("U&\"") != std::string::npos;
    for (const char c : statement) {
      EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && c != '\x7f') << statement;
    }
    EXPECT_EQ(statement.find("\xe2\x80\xa8"), std::string::npos) << statement;
  }
  EXPECT_TRUE(unicode_form) << script;
  for (const std::string& table : kTables) {
    EXPECT_NE(script.find(quote_qualified(kSchema, table)), std::string::npos)
        << "no fix names " << quote_qualified(kSchema, table) << ":\n"
        << script;
  }

  const std::string path = dir_ + "/fix.sql";
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << script;
  }
  const std::size_t log_before = server().log().size();
  const ProcessResult applied = run_script(path, login.dbname);
  EXPECT_EQ(applied.exit_code, 0) << script << "\n" << describe_result(applied);
  EXPECT_FALSE(fs::exists(kMarker)) << "a meta-command in a name ran:\n" << script;
  EXPECT_EQ(logged_statements(server().log().substr(log_before), kScriptApplication), statements)
      << script;

  const ToolReport after = check_as(login, scope);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
  EXPECT_EQ(server().sql("SELECT count(*) FROM public.x;", login.dbname), "0\n");
}

}  // namespace
}  // namespace cdcpreflight::integration
