// The support and CI workflows against a real (Aurora-emulated) server with a
// few problems: `collect` then `check --from` agrees with a live check;
// `collect --redact` leaks no name and keeps the verdicts; the `--format sql`
// script applied by an admin fixes what it says it fixes; bad snapshots are an
// input error (exit 2, one line), never a crash or a hang; `--format github`
// appends the Markdown report to $GITHUB_STEP_SUMMARY; --from refuses what
// only a live run can honour.
//
// This suite asserts what it needs itself, check by check, rather than the
// exact status of all checks (other suites do that).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

namespace fs = std::filesystem;

// Names of this suite's own, found nowhere in what the tool writes by itself.
constexpr std::string_view kSchema = "inventory_xq";
constexpr std::string_view kReadable = "widgets_xq";
constexpr std::string_view kUnreadable = "gadgets_xq";
constexpr std::string_view kKeyless = "loose_rows_xq";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::vector<std::string> joined(std::vector<std::string> first,
                                const std::vector<std::string>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// id -> {status, summary} of every check of a JSON report.
std::map<std::string, std::pair<std::string, std::string>> verdicts(const nlohmann::json& report) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  if (!report.is_object() || !report.contains("checks")) {
    ADD_FAILURE() << "not a report: " << report.dump().substr(0, 2000);
    return out;
  }
  for (const nlohmann::json& item : report.at("checks")) {
    out[item.value("id", "")] = {item.value("status", ""), item.value("summary", "")};
  }
  return out;
}

std::map<std::string, std::string> status_map(const nlohmann::json& report) {
  std::map<std::string, std::string> out;
  for (const auto& [id, verdict] : verdicts(report)) {
    out[id] = verdict.first;
  }
  return out;
}

// An input error: exit 2, nothing on stdout, one line on stderr saying so.
void expect_input_error(const ProcessResult& run, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 2) << describe_result(run).substr(0, 4000);
  EXPECT_EQ(run.out, "") << "a report despite the input error";
  EXPECT_TRUE(run.err.starts_with("cdc-preflight: error: ")) << run.err.substr(0, 2000);
  EXPECT_EQ(run.err.find("internal error"), std::string::npos) << run.err.substr(0, 2000);
  ASSERT_FALSE(run.err.empty());
  EXPECT_EQ(run.err.back(), '\n');
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "more than one line:\n"
                                                    << run.err.substr(0, 2000);
}

class Workflows : public ServerSuite {
 protected:
  static void SetUpTestSuite() { start_server(ready_aurora()); }
  static void TearDownTestSuite() { stop_server(); }

  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  // A file in this test's own temporary directory.
  [[nodiscard]] std::string path(const std::string& name) {
    if (dir_.empty()) {
      dir_ = (fs::temp_directory_path() / ("cdcp-it-" + test_slug())).string();
      fs::remove_all(dir_);
      fs::create_directories(dir_);
    }
    return dir_ + "/" + name;
  }

  // This test's role (a member of rds_replication) and database, with a few
  // problems: schema inventory_xq with widgets_xq (readable), gadgets_xq (no
  // SELECT granted) and loose_rows_xq (no primary key), and no publication.
  [[nodiscard]] static Login broken_login() {
    const std::string name = test_slug();
    create_login_role(server(), name, ReplicationGrant::granted);
    (void)server().sql("CREATE DATABASE " + name + ";");
    (void)server().sql("CREATE SCHEMA " + std::string(kSchema) +
                           ";\n"
                           "CREATE TABLE inventory_xq.widgets_xq (id bigint PRIMARY KEY, v text);\n"
                           "CREATE TABLE inventory_xq.gadgets_xq (id bigint PRIMARY KEY, v text);\n"
                           "CREATE TABLE inventory_xq.loose_rows_xq (v text);\n"
                           "INSERT INTO inventory_xq.widgets_xq VALUES (1, 'a');\n"
                           "GRANT USAGE ON SCHEMA inventory_xq TO " +
                           name +
                           ";\n"
                           "GRANT SELECT ON inventory_xq.widgets_xq, inventory_xq.loose_rows_xq "
                           "TO " +
                           name + ";\n",
                       name);
    // On Aurora, rds_replication lets its members open replication connections;
    // the emulated role cannot, so the role gets what it would carry there.
    (void)server().sql("ALTER ROLE " + name + " REPLICATION;");
    return Login{server(), name, std::string(kRolePassword), name};
  }

  // The environment check_as() uses (password, sslmode=verify-full and the CA).
  [[nodiscard]] static EnvChanges password(const Login& login) { return login_env(login); }

  // `collect` as the login, to `file`, with extra arguments.
  [[nodiscard]] ProcessResult collect(const Login& login, const std::string& file,
                                      const std::vector<std::string>& extra = {}) {
    return run_tool(
        joined(joined({"collect"}, connection_args(login)), joined({"-o", file}, extra)),
        password(login));
  }

  // `check --from file --format json`, plus extra arguments.
  [[nodiscard]] static ToolReport check_from(const std::string& file,
                                             const std::vector<std::string>& extra = {}) {
    ToolReport result{run_tool(joined({"check", "--from", file, "--format", "json"}, extra), {}),
                      nullptr};
    result.report = parse_report(result.run);
    return result;
  }

  // A valid snapshot of a broken database, as JSON.
  [[nodiscard]] nlohmann::json valid_snapshot() {
    const Login login = broken_login();
    const std::string file = path("valid.json");
    const ProcessResult collected = collect(login, file);
    EXPECT_EQ(collected.exit_code, 0) << describe_result(collected);
    try {
      return nlohmann::json::parse(read_file(file));
    } catch (const std::exception& error) {
      ADD_FAILURE() << "collect wrote no JSON: " << error.what();
      return nlohmann::json::object();
    }
  }

  std::string dir_;
};

// (a) The support workflow: the snapshot's verdicts are the live run's.
TEST_F(Workflows, CollectThenCheckFromAgreesWithTheLiveCheck) {
  const Login login = broken_login();
  const ToolReport live = check_as(login);
  ASSERT_EQ(live.run.exit_code, 1) << describe_result(live.run);
  // The problems this suite set up are there.
  EXPECT_EQ(status_of(live.report, "grants.table_select"), "fail");
  EXPECT_EQ(status_of(live.report, "tables.replica_identity"), "fail");
  EXPECT_EQ(status_of(live.report, "publication.exists"), "fail");
  EXPECT_EQ(status_of(live.report, "connection"), "pass");

  const std::string file = path("snapshot.json");
  const ProcessResult collected = collect(login, file);
  ASSERT_EQ(collected.exit_code, 0) << describe_result(collected);
  EXPECT_EQ(collected.out, "") << "-o: the snapshot goes to the file only";
  const nlohmann::json snapshot = nlohmann::json::parse(read_file(file));
  EXPECT_EQ(snapshot.at("facts_version"), 1);

  const ToolReport offline = check_from(file);
  EXPECT_EQ(offline.run.exit_code, live.run.exit_code) << describe_result(offline.run);
  const auto want = verdicts(live.report);
  const auto got = verdicts(offline.report);
  EXPECT_EQ(got.size(), want.size());
  for (const auto& [id, verdict] : want) {
    SCOPED_TRACE(id);
    ASSERT_EQ(got.count(id), 1U);
    EXPECT_EQ(got.at(id).first, verdict.first)
        << "live: " << verdict.second << "\noffline: " << got.at(id).second;
    EXPECT_EQ(got.at(id).second, verdict.second);
  }
  EXPECT_EQ(field(offline.report, "/summary"), field(live.report, "/summary"));
  EXPECT_EQ(field(offline.report, "/target"), field(live.report, "/target"));
  EXPECT_EQ(field(offline.report, "/scope"), field(live.report, "/scope"));
  EXPECT_EQ(field(offline.report, "/generated_at"), snapshot.at("gathered_at"));

  // Without -o, collect writes the same kind of snapshot to stdout.
  const ProcessResult to_stdout =
      run_tool(joined({"collect"}, connection_args(login)), password(login));
  EXPECT_EQ(to_stdout.exit_code, 0) << describe_result(to_stdout);
  EXPECT_EQ(nlohmann::json::parse(to_stdout.out).at("facts_version"), 1);
}

// The fix-up script is the same whether written live or from a snapshot.
TEST_F(Workflows, CheckFromWritesTheSameReportsAsTheLiveRun) {
  const Login login = broken_login();
  const std::string file = path("snapshot.json");
  ASSERT_EQ(collect(login, file).exit_code, 0);
  for (const std::string format : {"sql", "junit", "markdown", "github", "text"}) {
    SCOPED_TRACE(format);
    const ProcessResult live =
        run_tool(joined(connection_args(login), {"--format", format}), password(login));
    const ProcessResult offline = run_tool({"check", "--from", file, "--format", format});
    EXPECT_EQ(offline.exit_code, live.exit_code) << describe_result(offline);
    if (format == "sql" || format == "github") {  // nothing time-dependent in them
      EXPECT_EQ(offline.out, live.out);
    }
  }
}

// The JUnit report of a real run, hostile names included, is read by a real
// XML parser (xmllint, from Debian's libxml2-utils, which scripts/test.sh installs).
TEST_F(Workflows, JunitReportIsWellFormedForARealXmlParser) {
  if (!std::filesystem::exists("/usr/bin/xmllint")) {
    GTEST_SKIP() << "xmllint is not installed (Debian package libxml2-utils)";
  }
  const Login login = broken_login();
  (void)server().sql("CREATE TABLE inventory_xq.\"we<ird> & \"\"x\"\"\" (v text);", login.dbname);
  const std::string file = path("report.xml");
  const ProcessResult run =
      run_tool(joined(connection_args(login), {"--format", "junit", "-o", file}), password(login));
  ASSERT_EQ(run.exit_code, 1) << describe_result(run);
  const ProcessResult lint = run_process({"/usr/bin/xmllint", "--noout", file});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_NE(read_file(file).find("we&lt;ird&gt; &amp;"), std::string::npos);
}

// (b) A redacted snapshot names nothing of the customer's and keeps the verdicts.
TEST_F(Workflows, RedactedSnapshotHoldsNoRealNameAndKeepsTheStatuses) {
  const Login login = broken_login();
  const ToolReport live = check_as(login);
  ASSERT_EQ(live.run.exit_code, 1) << describe_result(live.run);

  const std::string file = path("redacted.json");
  const ProcessResult collected = collect(login, file, {"--redact"});
  ASSERT_EQ(collected.exit_code, 0) << describe_result(collected);
  const std::string text = read_file(file);
  ASSERT_FALSE(text.empty());
  for (const std::string& name :
       {std::string("localhost"), std::string("127.0.0.1"), server().socket_dir(),
        std::string("cdcp-it-"), login.dbname, login.user, std::string(kSchema),
        std::string(kReadable), std::string(kUnreadable), std::string(kKeyless),
        std::string("postgres"), std::string(PgServer::kAdminPassword),
        std::string(kRolePassword)}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(text.find(name), std::string::npos)
        << "found at: " << text.substr(text.find(name) > 200 ? text.find(name) - 200 : 0, 400);
  }

  const ToolReport offline = check_from(file);
  EXPECT_EQ(offline.run.exit_code, live.run.exit_code) << describe_result(offline.run);
  EXPECT_EQ(status_map(offline.report), status_map(live.report));
  // Nor does the report made from it.
  for (const std::string& name : {login.user, std::string(kUnreadable), std::string(kKeyless)}) {
    EXPECT_EQ(offline.run.out.find(name), std::string::npos) << name;
  }
}

// libpq's messages name the address the host resolved to ("connection to
// server at "localhost" (127.0.0.1), port …"): SPEC, --redact replaces the
// host, "name or address".
TEST_F(Workflows, RedactedSnapshotHidesTheHostAddressInServerMessages) {
  // A role without the replication privilege: replication.connect fails and
  // its message names the server's address.
  const std::string name = test_slug();
  create_login_role(server(), name, ReplicationGrant::missing);
  create_app_database(server(), name);
  const Login login{server(), name, std::string(kRolePassword), name};
  const std::string file = path("redacted.json");
  ASSERT_EQ(collect(login, file, {"--redact"}).exit_code, 0);
  const nlohmann::json snapshot = nlohmann::json::parse(read_file(file));
  EXPECT_EQ(snapshot.at("replication_connect").at("ok"), false);
  EXPECT_EQ(read_file(file).find("127.0.0.1"), std::string::npos)
      << snapshot.at("replication_connect").at("message");

  // The same when connecting fails.
  const Login wrong{server(), name, "wrong password", name};
  const std::string failed = path("failed.json");
  ASSERT_EQ(collect(wrong, failed, {"--redact"}).exit_code, 3);
  const nlohmann::json failed_snapshot = nlohmann::json::parse(read_file(failed));
  EXPECT_EQ(read_file(failed).find("127.0.0.1"), std::string::npos)
      << failed_snapshot.at("connection").at("failure_message");
}

// (c) The fix-up script, applied by an admin, turns every failing check that
// has SQL green.
TEST_F(Workflows, SqlScriptAppliedByTheAdminTurnsEverySqlFixableFailureGreen) {
  const Login login = broken_login();
  const ToolReport before = check_as(login);
  ASSERT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  std::vector<std::string> fixable;
  for (const nlohmann::json& item : field(before.report, "/checks")) {
    if (item.value("status", "") == "fail" && !remediation_sql(item).empty()) {
      fixable.push_back(item.value("id", ""));
    }
  }
  for (const std::string id :
       {"grants.table_select", "tables.replica_identity", "publication.exists"}) {
    EXPECT_NE(std::find(fixable.begin(), fixable.end(), id), fixable.end()) << id;
  }

  const AppliedScript applied = apply_sql_format_script(login);
  EXPECT_EQ(applied.script.exit_code, 1) << describe_result(applied.script);
  ASSERT_EQ(applied.applied.exit_code, 0) << applied.script.out << "\n"
                                          << describe_result(applied.applied);

  const ToolReport after = check_as(login);
  for (const std::string& id : fixable) {
    EXPECT_EQ(status_of(after.report, id), "pass") << check_text(check(after.report, id));
  }
  // Publishing the tables made publication.tables run, and pass.
  EXPECT_EQ(status_of(after.report, "publication.tables"), "pass");
  EXPECT_EQ(field(after.report, "/summary/fail"), 0) << after.run.out;
}

// (d) Snapshots that are not snapshots: an input error, at once.
TEST_F(Workflows, BadSnapshotsAreAnInputErrorOnOneLine) {
  const nlohmann::json valid = valid_snapshot();
  ASSERT_TRUE(valid.contains("tables"));
  const std::string text = valid.dump(2);
  const auto with = [&](const std::string& pointer, const nlohmann::json& value) {
    nlohmann::json changed = valid;
    changed[nlohmann::json::json_pointer(pointer)] = value;
    return changed.dump();
  };
  const auto without = [&](const std::string& key) {
    nlohmann::json changed = valid;
    changed.erase(key);
    return changed.dump();
  };
  const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  nlohmann::json deep_tables = valid;
  deep_tables["tables"] = "__DEEP__";
  std::string deep_tables_text = deep_tables.dump();
  deep_tables_text.replace(deep_tables_text.find("\"__DEEP__\""), 10, deep_array);
  std::string deep_objects;
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  deep_objects += "1" + std::string(100000, '}');

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty file", ""},
      {"not JSON", "this is not a snapshot\n"},
      {"binary", std::string("\x00\x01\xff\xfe{\x00}", 7)},
      {"truncated in the middle", text.substr(0, text.size() / 2)},
      {"truncated at the end", text.substr(0, text.size() - 2)},
      {"trailing garbage", text + "\n}{"},
      {"an array", "[]"},
      {"null", "null"},
      {"a string", "\"facts_version\""},
      {"facts_version 2", with("/facts_version", 2)},
      {"facts_version 0", with("/facts_version", 0)},
      {"facts_version as a string", with("/facts_version", "1")},
      {"facts_version null", with("/facts_version", nullptr)},
      {"no facts_version", without("facts_version")},
      {"no server section", without("server")},
      {"no tables section", without("tables")},
      {"tables a string", with("/tables", "public.orders")},
      {"tables an object", with("/tables", nlohmann::json::object())},
      {"a table a number", with("/tables/0", 42)},
      {"port a string", with("/connection/port", "5432")},
      {"connected a string", with("/connection/connected", "yes")},
      {"settings an array", with("/server/settings", nlohmann::json::array({1, 2}))},
      {"10 MB facts_version", with("/facts_version", std::string(10 * 1024 * 1024, 'x'))},
      {"deeply nested document", deep_array},
      {"deeply nested tables", deep_tables_text},
      {"deeply nested objects", deep_objects},
  };
  for (const auto& [what, content] : cases) {
    const std::string file = path("bad.json");
    write_file(file, content);
    expect_input_error(run_tool({"check", "--from", file, "--format", "json"}), what);
  }
  expect_input_error(run_tool({"check", "--from", path("missing.json")}), "a missing file");
  expect_input_error(run_tool({"check", "--from", dir_}), "a directory");
}

// Numbers no server can report (a port past 65535, sizes past 2^63) are not
// silently wrapped into other numbers.
TEST_F(Workflows, OutOfRangeNumbersInASnapshotAreAnInputError) {
  const nlohmann::json valid = valid_snapshot();
  ASSERT_TRUE(valid.contains("tables"));
  const auto raw = [&](const std::string& pointer, const std::string& number) {
    nlohmann::json changed = valid;
    changed[nlohmann::json::json_pointer(pointer)] = "__NUMBER__";
    std::string text = changed.dump();
    text.replace(text.find("\"__NUMBER__\""), 12, number);
    return text;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a port of 10^20", raw("/connection/port", "99999999999999999999")},
      {"a port of 2^32 + 5432", raw("/connection/port", "4294972728")},
      {"a table of 1e400 bytes", raw("/tables/0/bytes", "1e400")},
      {"a table of 10^30 bytes", raw("/tables/0/bytes", "1000000000000000000000000000000")},
      {"version_num -1e30", raw("/server/version_num", "-1e30")},
      {"facts_version 4294967297", raw("/facts_version", "4294967297")},
  };
  for (const auto& [what, content] : cases) {
    const std::string file = path("huge.json");
    write_file(file, content);
    expect_input_error(run_tool({"check", "--from", file, "--format", "json"}), what);
  }
}

// Values of the wrong kind where the type is right (an enum value the tool does
// not know, an errors section that is not an object) are not silently read as
// something else.
TEST_F(Workflows, UnknownValuesInASnapshotAreAnInputError) {
  const nlohmann::json valid = valid_snapshot();
  ASSERT_TRUE(valid.contains("tables"));
  const auto with = [&](const std::string& pointer, const nlohmann::json& value) {
    nlohmann::json changed = valid;
    changed[nlohmann::json::json_pointer(pointer)] = value;
    return changed.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"an unknown replica identity", with("/tables/0/replica_identity", "sideways")},
      {"an unknown table kind", with("/tables/0/kind", "view")},
      {"an unknown connection failure", with("/connection/failure", "gremlins")},
      {"errors an array", with("/errors", nlohmann::json::array({1}))},
  };
  for (const auto& [what, content] : cases) {
    const std::string file = path("unknown.json");
    write_file(file, content);
    expect_input_error(run_tool({"check", "--from", file, "--format", "json"}), what);
  }
}

// An error about a huge or broken file stays a short line: not the file.
TEST_F(Workflows, TheErrorAboutABrokenSnapshotIsShort) {
  const std::string file = path("unterminated.json");
  write_file(file, "{\"facts_version\": 1, \"tool_version\": \"" +
                       std::string(10 * 1024 * 1024, 'x') + "\n\x01");
  const ProcessResult run = run_tool({"check", "--from", file, "--format", "json"});
  expect_input_error(run, "an unterminated 10 MB string");
  EXPECT_LT(run.err.size(), 4096U) << "the error is " << run.err.size() << " bytes long";
}

// A well-formed snapshot with a 10 MB table name is evaluated: a verdict, not a crash
// or a hang (the timeout only catches a hang; how long it takes is measured by
// bench/run.sh, "a snapshot with a 10 MB table name").
TEST_F(Workflows, ASnapshotWithAHugeNameIsEvaluated) {
  nlohmann::json snapshot = valid_snapshot();
  ASSERT_TRUE(snapshot.contains("tables"));
  ASSERT_FALSE(snapshot.at("tables").empty());
  snapshot["tables"][0]["name"] = std::string(10 * 1024 * 1024, 'n');
  const std::string file = path("huge-name.json");
  write_file(file, snapshot.dump());
  const ProcessResult run =
      run_tool({"check", "--from", file, "--format", "json"}, {}, std::chrono::seconds(600));
  EXPECT_FALSE(run.timed_out);
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << describe_result(run).substr(0, 2000);
  EXPECT_NE(run.out.find(std::string(10 * 1024 * 1024, 'n')), std::string::npos)
      << "the report names the table";
}

// (f) In a GitHub Actions job: workflow commands on stdout, the Markdown report
// appended to the step summary.
TEST_F(Workflows, GithubFormatAppendsTheMarkdownReportToTheStepSummary) {
  const Login login = broken_login();
  const std::string summary = path("step_summary.md");
  write_file(summary, "# an earlier step\n");

  const ProcessResult live =
      run_tool(joined(connection_args(login), {"--format", "github"}),
               {{"PGPASSWORD", login.password}, {"GITHUB_STEP_SUMMARY", summary}});
  EXPECT_EQ(live.exit_code, 1) << describe_result(live);
  EXPECT_NE(live.out.find("::error title=cdc-preflight grants.table_select::"), std::string::npos)
      << live.out;
  EXPECT_NE(live.out.find("::notice "), std::string::npos) << live.out;
  const std::string appended = read_file(summary);
  ASSERT_TRUE(appended.starts_with("# an earlier step\n")) << "the file was overwritten";
  EXPECT_NE(appended.find("## cdc-preflight: not ready"), std::string::npos) << appended;
  EXPECT_NE(appended.find("grants.table_select"), std::string::npos) << appended;
  EXPECT_EQ(appended.find("::error"), std::string::npos) << "commands in the summary";

  // From a snapshot: exactly the Markdown report, appended.
  const std::string file = path("snapshot.json");
  ASSERT_EQ(collect(login, file).exit_code, 0);
  const ProcessResult markdown = run_tool({"check", "--from", file, "--format", "markdown"});
  EXPECT_EQ(markdown.exit_code, 1) << describe_result(markdown);
  write_file(summary, "before\n");
  const ProcessResult github =
      run_tool({"check", "--from", file, "--format", "github"}, {{"GITHUB_STEP_SUMMARY", summary}});
  EXPECT_EQ(github.exit_code, 1) << describe_result(github);
  EXPECT_EQ(read_file(summary), "before\n" + markdown.out + "\n");

  // Other formats leave the summary alone.
  write_file(summary, "untouched\n");
  const ProcessResult json =
      run_tool({"check", "--from", file, "--format", "json"}, {{"GITHUB_STEP_SUMMARY", summary}});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(read_file(summary), "untouched\n");

  // An unwritable summary does not change the verdict.
  const ProcessResult unwritable =
      run_tool({"check", "--from", file, "--format", "github"},
               {{"GITHUB_STEP_SUMMARY", path("no-such-dir") + "/summary.md"}});
  EXPECT_EQ(unwritable.exit_code, 1) << describe_result(unwritable);
  EXPECT_EQ(unwritable.out, github.out);
}

// (g) What a snapshot cannot honour is a usage error.
TEST_F(Workflows, CheckFromRefusesLiveOptionsAndAnotherScope) {
  const Login login = broken_login();
  const std::string file = path("snapshot.json");
  ASSERT_EQ(collect(login, file).exit_code, 0);

  for (const std::vector<std::string>& live_option :
       std::vector<std::vector<std::string>>{{"-h", "localhost"},
                                             {"--host", "localhost"},
                                             {"-p", std::to_string(server().port())},
                                             {"-d", login.dbname},
                                             {"-U", login.user},
                                             {"--connect-timeout", "5"},
                                             {"--statement-timeout", "5"}}) {
    const ProcessResult run = run_tool(joined({"check", "--from", file}, live_option));
    expect_input_error(run, "--from with " + live_option.front());
  }
  const ProcessResult other_publication =
      run_tool({"check", "--from", file, "--publication", "other_publication"});
  expect_input_error(other_publication, "--publication other_publication");
  EXPECT_NE(other_publication.err.find("publication"), std::string::npos) << other_publication.err;
  expect_input_error(run_tool({"check", "--from", file, "--user", "someone_else"}),
                     "--user someone_else");

  // The snapshot's own publication and user are fine.
  EXPECT_EQ(
      run_tool({"check", "--from", file, "--publication", std::string(kPublication)}).exit_code, 1);
  EXPECT_EQ(run_tool({"check", "--from", file, "--user", login.user}).exit_code, 1);

  // A snapshot gathered for another publication refuses the default one.
  const std::string other = path("other.json");
  ASSERT_EQ(collect(login, other, {"--publication", "other_publication"}).exit_code, 0);
  expect_input_error(
      run_tool({"check", "--from", other, "--publication", std::string(kPublication)}),
      "a snapshot for other_publication checked for clickpipes_publication");
  const ToolReport own = check_from(other);
  EXPECT_EQ(own.run.exit_code, 1) << describe_result(own.run);
  EXPECT_EQ(field(own.report, "/scope/publication"), "other_publication");
}

// --deep asks for a probe only a live server can run: options.cc means to
// refuse it with --from, as it refuses the connection options.
TEST_F(Workflows, CheckFromRefusesDeep) {
  const Login login = broken_login();
  const std::string file = path("snapshot.json");
  ASSERT_EQ(collect(login, file).exit_code, 0);
  expect_input_error(run_tool({"check", "--from", file, "--deep"}), "--from with --deep");
}

// A snapshot of a failed connection checks as the failed live run did.
TEST_F(Workflows, ASnapshotOfAFailedConnectionChecksAsTheLiveRun) {
  const Login login{server(), "nobody_xq", "wrong", "postgres"};
  const ToolReport live = check_as(login);
  EXPECT_EQ(live.run.exit_code, 3) << describe_result(live.run);
  const std::string file = path("failed.json");
  const ProcessResult collected = collect(login, file, {"--redact"});
  EXPECT_EQ(collected.exit_code, 3) << describe_result(collected);
  EXPECT_EQ(read_file(file).find("nobody_xq"), std::string::npos);
  const ToolReport offline = check_from(file);
  EXPECT_EQ(offline.run.exit_code, 3) << describe_result(offline.run);
  EXPECT_EQ(status_map(offline.report), status_map(live.report));
}

}  // namespace
}  // namespace cdcpreflight::integration
