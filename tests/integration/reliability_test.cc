// The reliability promises, each proven on a real server with the real binary:
// - ReadOnlyProof: the server's own statement log shows that a run without
//   --deep sends only reads inside a READ ONLY transaction and never takes a
//   transaction id; --deep adds only the temporary slot's statements.
// - Faults: a catalog locked by another session (the statement timeout fires,
//   only the checks that need it say `error`), the server shut down mid-run
//   (`lost`, promptly), SIGINT mid-run with -o (no report left, the server's
//   session gone), a --deep probe that fails (no slot left).
// - ConnectionCauses: the three ways authentication is refused, told apart.
// - Tls: verified, merely required on an AWS endpoint name, a wrong CA, a
//   server without TLS, TLS turned off.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pg_server.h"
#include "ready_suite.h"
#include "scenario.h"
#include "session.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<std::string> joined(std::vector<std::string> first,
                                const std::vector<std::string>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// ---------------------------------------------------------------------------
// ReadOnlyProof

// Every line the server logs starts with the time, the backend's pid, the
// session's user and application, and its virtual and real transaction ids
// (xid 0: none was ever assigned, so nothing was written).
constexpr const char* kLogLinePrefix = "%m [%p] user=%u app=%a vxid=%v xid=%x ";

struct LogEntry {
  int pid = 0;
  std::string user;
  std::string app;
  std::string xid;
  std::string level;    // LOG, DETAIL, ERROR, …
  std::string message;  // continuation lines joined with '\n'
};

// Only a line's prefix goes through std::regex, whose matcher recurses once
// per character: a whole logged statement (the tables query is several kB)
// would overflow the stack of a sanitizer build.
std::vector<LogEntry> parse_log(const std::string& text) {
  static const std::regex prefix(
      R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \S+ \[(\d+)\] user=(\S*) app=(\S*) )"
      R"(vxid=(\S*) xid=(\d+) ([A-Z]+)$)");
  std::vector<LogEntry> entries;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    const std::size_t colon = line.find(":  ");
    const std::string head = line.substr(0, colon);
    if (colon != std::string::npos && std::regex_match(head, match, prefix)) {
      entries.push_back(
          {std::stoi(match[1]), match[2], match[3], match[5], match[6], line.substr(colon + 3)});
    } else if (!entries.empty()) {
      entries.back().message += "\n" + line;  // a statement or detail spanning lines
    }
  }
  return entries;
}

// A statement as the server logged it, with the session that sent it.
struct LoggedStatement {
  int pid = 0;
  std::string sql;
  bool replication_command = false;
};

// The statements (simple or extended protocol) and replication commands of
// `user`'s sessions, in log order.
std::vector<LoggedStatement> statements_of(const std::vector<LogEntry>& entries,
                                           std::string_view user) {
  constexpr std::string_view kStatement = "statement: ";
  constexpr std::string_view kExecute = "execute ";
  constexpr std::string_view kReplication = "received replication command: ";
  std::vector<LoggedStatement> statements;
  for (const LogEntry& entry : entries) {
    if (entry.user != user || entry.level != "LOG") continue;
    const std::string& message = entry.message;
    if (message.starts_with(kStatement)) {
      statements.push_back({entry.pid, message.substr(kStatement.size()), false});
    } else if (message.starts_with(kExecute)) {
      // execute <name>: <statement>, the name without a colon.
      const std::size_t colon = message.find(": ", kExecute.size());
      if (colon != std::string::npos && message.find(':', kExecute.size()) == colon) {
        statements.push_back({entry.pid, message.substr(colon + 2), false});
      }
    } else if (message.starts_with(kReplication)) {
      statements.push_back({entry.pid, message.substr(kReplication.size()), true});
    }
  }
  return statements;
}

// The statement without its string literals, quoted identifiers and column
// aliases (`p.pubinsert AS insert`), upper-cased: what is left are keywords,
// names and calls.
std::string bare_sql(const std::string& sql) {
  static const std::regex literals(R"('(?:[^']|'')*'|"(?:[^"]|"")*")");
  static const std::regex aliases(R"(\bAS\s+[A-Za-z_][A-Za-z_0-9]*)", std::regex::icase);
  std::string bare = std::regex_replace(sql, literals, "''");
  bare = std::regex_replace(bare, aliases, "AS _");
  std::transform(bare.begin(), bare.end(), bare.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return bare;
}

// Why the statement writes, locks, or changes the session, or empty.
std::string forbidden_in(const std::string& sql) {
  const std::string bare = bare_sql(sql);
  static const std::vector<std::pair<std::regex, std::string>> forbidden = {
      {std::regex(
           R"(\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|GRANT|REVOKE|LOCK|)"
           R"(TRUNCATE|COPY|VACUUM|ANALYZE|COMMENT|REINDEX|CLUSTER|REFRESH|CALL|DO|)"
           R"(NOTIFY|LISTEN|DISCARD|RESET|IMPORT|SECURITY\s+LABEL|PREPARE\s+TRANSACTION)\b)"),
       "a writing or locking command"},
      {std::regex(R"(\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)\b)"), "a row lock"},
      {std::regex(R"(\bSET_CONFIG\s*\()"), "set_config()"},
      {std::regex(R"(\bPG_(TRY_)?ADVISORY)"), "an advisory lock"},
      {std::regex(R"(\b(NEXTVAL|SETVAL)\s*\()"), "a sequence change"},
      {std::regex(R"(\b(TXID_CURRENT|PG_CURRENT_XACT_ID)\s*\()"), "a transaction id"},
      {std::regex(R"(\bPG_(CREATE|DROP|COPY)_\w*SLOT)"), "a replication slot change"},
      {std::regex(R"(\bPG_(TERMINATE|CANCEL)_BACKEND\b)"), "a signal to a session"},
      {std::regex(R"(;\s*\S)"), "more than one statement"},
  };
  for (const auto& [pattern, why] : forbidden) {
    if (std::regex_search(bare, pattern)) return why;
  }
  return "";
}

// What the non-deep run may send, session by session, in order: session
// settings, then reads inside BEGIN … READ ONLY … COMMIT (with savepoints),
// then aurora_version() under default_transaction_read_only, and on the
// replication connection IDENTIFY_SYSTEM. Returns the violations.
std::vector<std::string> read_only_violations(const std::vector<LoggedStatement>& statements,
                                              const std::vector<std::regex>& also_allowed = {}) {
  static const std::regex begin_read_only(R"(^BEGIN\b.*\bREAD ONLY\b.*$)");
  static const std::regex savepoint(R"(^(SAVEPOINT|ROLLBACK TO SAVEPOINT) \w+$)");
  static const std::regex session_bound(
      R"(^SET (search_path = pg_catalog, pg_temp|statement_timeout = \d+|)"
      R"(client_connection_check_interval = \d+|jit = off)$)");
  // A read starts with SELECT or WITH (checked without std::regex, which would
  // recurse once per character of a several-kB query).
  const auto is_read = [](const std::string& sql) {
    for (const std::string_view keyword : {"SELECT", "WITH"}) {
      if (sql.starts_with(keyword) &&
          (sql.size() == keyword.size() ||
           (std::isalnum(static_cast<unsigned char>(sql[keyword.size()])) == 0 &&
            sql[keyword.size()] != '_'))) {
        return true;
      }
    }
    return false;
  };
  struct SessionState {
    bool read_only_default = false;
    bool in_read_only_transaction = false;
  };
  std::map<int, SessionState> sessions;
  std::vector<std::string> violations;
  const auto violation = [&](const LoggedStatement& statement, const std::string& why) {
    violations.push_back("pid " + std::to_string(statement.pid) + ": " + why + ": " +
                         statement.sql);
  };
  for (const LoggedStatement& statement : statements) {
    SessionState& session = sessions[statement.pid];
    const std::string& sql = statement.sql;
    if (std::any_of(also_allowed.begin(), also_allowed.end(),
                    [&](const std::regex& allowed) { return std::regex_match(sql, allowed); })) {
      continue;
    }
    if (const std::string why = forbidden_in(sql); !why.empty()) {
      violation(statement, why);
      continue;
    }
    if (statement.replication_command) {
      if (sql != "IDENTIFY_SYSTEM") violation(statement, "a replication command");
    } else if (std::regex_match(sql, session_bound)) {
      // bounds the tool's own session
    } else if (sql == "SET default_transaction_read_only = on") {
      session.read_only_default = true;
    } else if (std::regex_match(sql, begin_read_only)) {
      if (session.in_read_only_transaction) violation(statement, "BEGIN inside a transaction");
      session.in_read_only_transaction = true;
    } else if (sql == "COMMIT") {
      if (!session.in_read_only_transaction) violation(statement, "COMMIT without BEGIN");
      session.in_read_only_transaction = false;
    } else if (std::regex_match(sql, savepoint)) {
      if (!session.in_read_only_transaction) violation(statement, "a savepoint outside BEGIN");
    } else if (sql == "SET LOCAL search_path = pg_catalog, pg_temp") {
      if (!session.in_read_only_transaction) violation(statement, "SET LOCAL outside BEGIN");
    } else if (session.in_read_only_transaction && is_read(sql)) {
      // a read in the read-only transaction
    } else if (session.read_only_default &&
               sql == "SELECT pg_catalog.aurora_version() AS aurora_version") {
      // Aurora's second round trip, read-only by the session default
    } else {
      violation(statement, "outside a READ ONLY transaction");
    }
  }
  for (const auto& [pid, session] : sessions) {
    if (session.in_read_only_transaction) {
      violations.push_back("pid " + std::to_string(pid) + ": the transaction was never committed");
    }
  }
  return violations;
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

std::string statement_list(const std::vector<LoggedStatement>& statements) {
  std::string text;
  for (const auto& statement : statements) {
    text += "[" + std::to_string(statement.pid) + "] " + statement.sql + "\n";
  }
  return text;
}

class ReadOnlyProof : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() {
    PgServerOptions options = ready_aurora();
    options.conf_lines.insert(
        options.conf_lines.end(),
        {"log_statement = 'all'", "log_replication_commands = on",
         std::string("log_line_prefix = '") + kLogLinePrefix + "'", "log_min_messages = info"});
    start_ready_cluster(options);
  }

  [[nodiscard]] Login ready_login() const {
    create_ready_database(server(), test_slug(), kClickpipesUser);
    create_partitioned_events(server(), test_slug());
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), test_slug()};
  }

  // The log entries written while `run` ran.
  template <typename Run>
  [[nodiscard]] std::vector<LogEntry> logged_during(Run run) const {
    const std::size_t before = server().log().size();
    run();
    return parse_log(server().log().substr(before));
  }
};

// The proof from the server's side: every line the tool's sessions caused has
// xid=0, every statement is a read in a READ ONLY transaction (or one of the
// few session-level statements around it), and the log holds them all.
TEST_F(ReadOnlyProof, TheServerLogShowsOnlyReadsInReadOnlyTransactionsAndNoTransactionId) {
  const Login login = ready_login();
  ToolReport result;
  const std::vector<LogEntry> entries = logged_during([&] { result = check_as(login); });
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "server.platform"), "pass");
  EXPECT_EQ(field(result.report, "/target/platform"), "aurora") << "the second round trip ran";

  std::set<int> pids;
  std::vector<std::string> with_a_transaction_id;
  for (const LogEntry& entry : entries) {
    if (entry.user != kClickpipesUser) continue;
    pids.insert(entry.pid);
    if (entry.xid != "0") {
      with_a_transaction_id.push_back("[" + std::to_string(entry.pid) + "] xid=" + entry.xid + " " +
                                      entry.level + ": " + entry.message.substr(0, 120));
    }
    EXPECT_EQ(entry.app, "cdc-preflight") << entry.message;
  }
  EXPECT_EQ(joined_lines(with_a_transaction_id), "") << "transaction ids were assigned";
  EXPECT_EQ(pids.size(), 2U) << "the gathering and the replication connection";

  const std::vector<LoggedStatement> statements = statements_of(entries, kClickpipesUser);
  EXPECT_EQ(joined_lines(read_only_violations(statements)), "") << statement_list(statements);

  // Not an empty log: the statements the run is known to send are there.
  std::multiset<std::string> seen;
  std::size_t reads_in_transaction = 0;
  bool in_transaction = false;
  for (const LoggedStatement& statement : statements) {
    seen.insert(statement.sql);
    if (statement.sql.starts_with("BEGIN")) in_transaction = true;
    if (statement.sql == "COMMIT") in_transaction = false;
    if (in_transaction &&
        (statement.sql.starts_with("SELECT") || statement.sql.starts_with("WITH"))) {
      ++reads_in_transaction;
    }
  }
  for (const char* expected :
       {"SET search_path = pg_catalog, pg_temp", "SET statement_timeout = 30000",
        "SET default_transaction_read_only = on", "SET jit = off",
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        "SET LOCAL search_path = pg_catalog, pg_temp", "SAVEPOINT gather", "COMMIT",
        "SELECT pg_catalog.aurora_version() AS aurora_version", "IDENTIFY_SYSTEM"}) {
    EXPECT_EQ(seen.count(expected), 1U) << expected << "\n" << statement_list(statements);
  }
  EXPECT_EQ(seen.count("SET client_connection_check_interval = 1000"),
            server().major_version() >= 14 ? 1U : 0U)
      << statement_list(statements);
  // server, settings, role, schemas, tables, publication, ClickPipes'
  // publications, default privileges, and the four activity queries.
  EXPECT_EQ(reads_in_transaction, 12U) << statement_list(statements);
  const auto reads = [&](std::string_view catalog) {
    return std::count_if(statements.begin(), statements.end(), [&](const LoggedStatement& s) {
      return s.sql.find(catalog) != std::string::npos;
    });
  };
  for (const char* catalog : {"pg_class", "pg_publication", "pg_namespace", "pg_roles",
                              "pg_default_acl", "pg_stat_activity", "pg_replication_slots"}) {
    EXPECT_GE(reads(catalog), 1) << catalog << " was never read:\n" << statement_list(statements);
  }
}

// --deep adds a third session: the temporary slot is created (temporary = true),
// peeked and dropped, and nothing else; afterwards the server has no slot.
TEST_F(ReadOnlyProof, DeepAddsOnlyTheTemporarySlotStatementsAndLeavesNoSlot) {
  const Login login = ready_login();
  ToolReport result;
  const std::vector<LogEntry> entries =
      logged_during([&] { result = check_as(login, {"--deep"}); });
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "replication.slot_probe"), "pass");

  const std::vector<LoggedStatement> statements = statements_of(entries, kClickpipesUser);
  const std::set<std::string> slot_statements = {
      "SELECT slot_name FROM pg_catalog.pg_create_logical_replication_slot($1, 'pgoutput', true)",
      "SELECT pg_catalog.count(*) AS changes FROM pg_catalog.pg_logical_slot_peek_binary_changes("
      "$1, NULL, 1000, 'proto_version', '1', 'publication_names', $2)",
      "SELECT pg_catalog.pg_drop_replication_slot($1)"};
  // The probe's three statements, and the query that asks which sessions block
  // the slot's creation (when it takes more than a moment).
  std::vector<std::regex> allowed;
  for (const std::string& sql : slot_statements) {
    allowed.emplace_back(std::regex_replace(sql, std::regex(R"([$()*.])"), R"(\$&)"));
  }
  allowed.emplace_back(
      R"(^SELECT b\.pid, [^;]* FROM pg_catalog\.unnest\(pg_catalog\.pg_blocking_pids\()"
      R"(\$1::pg_catalog\.int4\)\) [^;]*$)");
  EXPECT_EQ(joined_lines(read_only_violations(statements, allowed)), "")
      << statement_list(statements);
  std::set<int> pids;
  for (const LoggedStatement& statement : statements) pids.insert(statement.pid);
  EXPECT_EQ(pids.size(), 3U) << statement_list(statements);
  for (const std::string& expected : slot_statements) {
    EXPECT_EQ(std::count_if(statements.begin(), statements.end(),
                            [&](const LoggedStatement& s) { return s.sql == expected; }),
              1)
        << expected << "\n"
        << statement_list(statements);
  }
  // The slot's parameter: the probe's name, nothing of the user's.
  // ("Parameters:" from PostgreSQL 18 on.)
  bool named = false;
  for (const LogEntry& entry : entries) {
    if (entry.user == kClickpipesUser && entry.level == "DETAIL" &&
        std::regex_search(entry.message,
                          std::regex(R"(^[Pp]arameters: \$1 = 'cdc_preflight_probe_\d+'$)"))) {
      named = true;
    }
  }
  EXPECT_TRUE(named) << "the slot is not named cdc_preflight_probe_<pid>";
  EXPECT_EQ(server().sql("SELECT count(*) FROM pg_replication_slots;"), "0\n");
  // The probe's session pins the safe search_path first and, from 14 on, does
  // not outlive a tool that is gone (client_connection_check_interval).
  const auto create = std::find_if(statements.begin(), statements.end(), [&](const auto& s) {
    return s.sql == *slot_statements.begin();
  });
  ASSERT_NE(create, statements.end());
  std::vector<std::string> probe_session;
  for (const LoggedStatement& statement : statements) {
    if (statement.pid == create->pid) probe_session.push_back(statement.sql);
  }
  ASSERT_FALSE(probe_session.empty());
  EXPECT_EQ(probe_session.front(), "SET search_path = pg_catalog, pg_temp")
      << statement_list(statements);
  EXPECT_EQ(std::count(probe_session.begin(), probe_session.end(),
                       "SET client_connection_check_interval = 1000"),
            server().major_version() >= 14 ? 1 : 0)
      << statement_list(statements);
}

// ---------------------------------------------------------------------------
// Faults

// Holds ACCESS EXCLUSIVE on pg_publication in dbname until destroyed: every
// query of the tool that reads it waits.
class PublicationCatalogLock {
 public:
  PublicationCatalogLock(const PgServer& server, std::string_view dbname)
      : session_(server, dbname) {
    (void)session_.exec("BEGIN; LOCK pg_catalog.pg_publication IN ACCESS EXCLUSIVE MODE;");
  }

 private:
  Session session_;
};

// The number of the role's sessions waiting on a lock in dbname, right now.
int waiting_on_a_lock(const PgServer& server, std::string_view role, std::string_view dbname) {
  const std::string count =
      server.sql("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + std::string(role) +
                 "' AND datname = '" + std::string(dbname) + "' AND wait_event_type = 'Lock';");
  return std::stoi(count);
}

// Polls until the role has a session waiting on a lock; false at the deadline.
bool wait_until_blocked(const PgServer& server, std::string_view role, std::string_view dbname,
                        const std::atomic<bool>& give_up) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (!give_up && std::chrono::steady_clock::now() < deadline) {
    if (waiting_on_a_lock(server, role, dbname) > 0) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

class Faults : public ReadyAuroraSuite {
 protected:
  // The role's sessions on the server, right now.
  [[nodiscard]] static int sessions_of_the_tool() {
    return std::stoi(server().sql("SELECT count(*) FROM pg_stat_activity WHERE usename = '" +
                                  std::string(kClickpipesUser) + "';"));
  }
};

// The checks that read pg_publication's facts (the tables and publication
// groups), which the held lock blocks; the scoped schemas are those of the
// scoped tables.
const std::set<std::string> kNeedTablesOrPublication = {
    "grants.schema_usage",      "grants.table_select", "publication.exists",
    "publication.tables",       "publication.actions", "publication.partitions",
    "tables.replica_identity",  "tables.toast",        "tables.names",
    "tables.unlogged",          "tables.rls",          "grants.default_privileges",
    "tables.generated_columns", "slots.clickpipes"};

// Another session holds pg_publication locked: the tool's reads of it hit
// --statement-timeout 2 (each of the two blocked groups once), the checks that
// need them say `error` naming the statement timeout, every other check is
// still evaluated, and an `error` in a check that can fail counts as a failure
// (exit 1, SPEC "Statuses").
TEST_F(Faults, ALockedCatalogHitsTheStatementTimeoutAndOnlyItsChecksSayError) {
  const Login login = ready_login();
  const PublicationCatalogLock lock(server(), login.dbname);

  const ToolReport result = check_as(login, {"--statement-timeout", "2"});
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  EXPECT_GE(result.run.elapsed, milliseconds(1900)) << describe_result(result.run);
  EXPECT_LT(result.run.elapsed, seconds(2 * 2 + 4)) << describe_result(result.run);

  std::map<std::string, std::string> expected;
  for (const std::string& id : kNeedTablesOrPublication) {
    if (status_of(result.report, id) != "absent") expected[id] = "error";
  }
  const std::map<std::string, std::string> got = statuses(result.report);
  EXPECT_EQ(got, all_pass_except(result.report, expected));
  for (const auto& [id, status] : expected) {
    const std::string summary = check(result.report, id).value("summary", "");
    EXPECT_NE(summary.find("statement timeout"), std::string::npos) << id << ": " << summary;
  }
  EXPECT_EQ(field(result.report, "/summary/error"), expected.size());
  EXPECT_EQ(field(result.report, "/summary/ready"), false);
}

// The server is shut down (immediate: no goodbye) while the tool waits on a
// lock: exit 3, `connection` fails with cause `lost`, at once rather than at
// the statement timeout (60 s) the run was given.
TEST_F(Faults, ServerShutDownMidRunIsALostConnectionPromptly) {
  const Login login = ready_login();
  std::future<ToolReport> run;
  {
    const PublicationCatalogLock lock(server(), login.dbname);
    const auto check_waiting = [&] { return check_as(login, {"--statement-timeout", "60"}); };
    run = std::async(std::launch::async, check_waiting);
    std::atomic<bool> never{false};
    ASSERT_TRUE(wait_until_blocked(server(), kClickpipesUser, login.dbname, never))
        << "the tool never waited on the lock";
    const ProcessResult stopped =
        run_process(as_server_account({server().options().bin_dir + "/pg_ctl", "stop", "--wait",
                                       "--pgdata=" + server().data_dir(), "--mode=immediate"}));
    ASSERT_EQ(stopped.exit_code, 0) << describe_result(stopped);
  }
  const ToolReport result = run.get();
  server().restart();

  EXPECT_EQ(result.run.exit_code, 3) << describe_result(result.run);
  EXPECT_LT(result.run.elapsed, seconds(15)) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "connection"), "fail") << result.report.dump(2);
  const nlohmann::json& connection = check(result.report, "connection");
  EXPECT_EQ(field(connection, "/details/0"), "cause: lost") << connection.dump(2);
  EXPECT_NE(connection.value("summary", "").find("was lost mid-run"), std::string::npos)
      << connection.dump(2);
  EXPECT_EQ(field(result.report, "/summary/ready"), false);
}

// SIGINT while the tool waits on a lock, writing to -o FILE that holds an
// earlier report: exit 130 at once, nothing on stdout, FILE holds no report
// (neither a partial one nor the stale one), and the server's session of the
// tool is gone (its query was cancelled, not left waiting for 30 s).
TEST_F(Faults, SigintMidRunLeavesNoReportAndNoSessionBehind) {
  const Login login = ready_login();
  const fs::path dir = fs::temp_directory_path() / ("cdcp-it-" + test_slug());
  fs::create_directories(dir);
  const fs::path file = dir / "report.json";
  const ProcessResult earlier = run_tool(
      joined(connection_args(login), {"--format", "json", "-o", file.string()}), login_env(login));
  ASSERT_EQ(earlier.exit_code, 0) << describe_result(earlier);
  ASSERT_TRUE(nlohmann::json::parse(std::ifstream(file), nullptr, false).contains("summary"));

  const PublicationCatalogLock lock(server(), login.dbname);
  std::atomic<bool> tool_done{false};
  std::future<bool> blocked = std::async(std::launch::async, [&] {
    return wait_until_blocked(server(), kClickpipesUser, login.dbname, tool_done);
  });
  const std::vector<std::string> args =
      joined(connection_args(login),
             {"--format", "json", "--statement-timeout", "30", "-o", file.string()});
  const ProcessResult run = [&] {
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = true; }
    } done{tool_done};
    return run_tool_interrupted(args, login_env(login), SIGINT, milliseconds(2500));
  }();
  EXPECT_TRUE(blocked.get()) << "the tool was not mid-run when SIGINT came";

  EXPECT_EQ(run.exit_code, 130) << describe_result(run);
  EXPECT_LT(run.elapsed, seconds(6)) << describe_result(run);
  EXPECT_EQ(run.out, "");
  std::string written;
  if (fs::exists(file)) {
    std::ifstream in(file);
    written.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_EQ(written, "") << "an interrupted run left a report in " << file;
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path() != file) left.push_back(entry.path().string());
  }
  EXPECT_EQ(joined_lines(left), "") << "an interrupted run left files behind";
  fs::remove_all(dir);

  // The cancelled backend ends as soon as it sees the closed socket.
  const auto deadline = std::chrono::steady_clock::now() + seconds(5);
  while (sessions_of_the_tool() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(sessions_of_the_tool(), 0)
      << server().sql("SELECT pid, state, wait_event_type, query FROM pg_stat_activity;");
}

// --deep when the slot table is full: the probe's creation fails with the
// server's error (a probe failure, not a crash or a hang), and no slot of the
// tool's is left; the other slots are untouched.
TEST_F(Faults, DeepProbeThatFailsLeavesNoSlot) {
  const Login login = ready_login();
  const int max_slots = std::stoi(server().sql("SHOW max_replication_slots;"));
  const AdminSqlOnExit drop(server(),
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                            "WHERE slot_name LIKE 'filler\\_%';");
  (void)server().sql(
      "SELECT pg_create_physical_replication_slot('filler_' || n) FROM "
      "generate_series(1, " +
      std::to_string(max_slots) + ") AS n;");

  const ToolReport result = check_as(login, {"--deep"});
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "replication.slot_probe"), "fail");
  EXPECT_EQ(status_of(result.report, "settings.replication_capacity"), "fail");
  const std::string probe = check_text(check(result.report, "replication.slot_probe"));
  EXPECT_NE(probe.find("all replication slots are in use"), std::string::npos) << probe;
  EXPECT_EQ(server().sql("SELECT count(*) FROM pg_replication_slots WHERE slot_name NOT LIKE "
                         "'filler\\_%';"),
            "0\n");
  EXPECT_EQ(server().sql("SELECT count(*) FROM pg_replication_slots;"),
            std::to_string(max_slots) + "\n");
}

// ---------------------------------------------------------------------------
// ConnectionCauses (refused, DNS, timeout, a wrong password and a missing
// database: BadInput): a role that may not log in and a pg_hba.conf `reject`
// line are both `authentication`, told apart by the reason and the fix.

class ConnectionCauses : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() { start_ready_cluster(ready_aurora(), AppDatabase::yes); }

  [[nodiscard]] static Login login_as(std::string_view user) {
    return Login{server(), std::string(user), std::string(kRolePassword), "app"};
  }
};

// Exit 3 and `connection` failing with cause authentication and this reason.
nlohmann::json expect_authentication_failure(const ToolReport& result, const std::string& reason) {
  EXPECT_EQ(result.run.exit_code, 3) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "connection"), "fail") << result.report.dump(2);
  const nlohmann::json& connection = check(result.report, "connection");
  EXPECT_EQ(field(connection, "/details/0"), "cause: authentication") << connection.dump(2);
  EXPECT_EQ(field(connection, "/details/1"), "reason: " + reason) << connection.dump(2);
  return connection;
}

TEST_F(ConnectionCauses, NologinRoleIsRefusedAsLoginNotAllowed) {
  (void)server().sql("CREATE ROLE reporting NOLOGIN PASSWORD '" + std::string(kRolePassword) +
                     "';");
  const ToolReport result = check_as(login_as("reporting"));
  const nlohmann::json connection = expect_authentication_failure(result, "login_not_allowed");
  EXPECT_EQ(connection.value("summary", ""), "role reporting is not permitted to log in")
      << connection.dump(2);
  EXPECT_EQ(remediation_sql(connection), "ALTER ROLE \"reporting\" LOGIN;\n") << connection.dump(2);
}

// Puts the harness's pg_hba.conf back, whatever the test's assertions did.
struct DefaultHbaOnExit {
  PgServer& server;
  explicit DefaultHbaOnExit(PgServer& on) : server(on) {}
  DefaultHbaOnExit(const DefaultHbaOnExit&) = delete;
  DefaultHbaOnExit& operator=(const DefaultHbaOnExit&) = delete;
  ~DefaultHbaOnExit() {
    try {
      server.set_hba(PgServer::default_hba());
      server.reload();
    } catch (const std::exception& failure) {
      ADD_FAILURE() << "could not restore pg_hba.conf: " << failure.what();
    }
  }
};

TEST_F(ConnectionCauses, PgHbaRejectLineIsRefusedAsPgHba) {
  create_login_role(server(), "rejected_user", ReplicationGrant::granted);
  const DefaultHbaOnExit restore(server());
  server().set_hba(
      "host app rejected_user 127.0.0.1/32 reject\n"
      "host app rejected_user ::1/128 reject\n" +
      std::string(PgServer::default_hba()));
  server().reload();
  const ToolReport result = check_as(login_as("rejected_user"));

  const nlohmann::json connection = expect_authentication_failure(result, "pg_hba");
  EXPECT_NE(connection.value("summary", "").find("pg_hba.conf"), std::string::npos)
      << connection.dump(2);
  const std::string text = check_text(connection);
  EXPECT_NE(text.find("rejects connection for host"), std::string::npos) << text;
  EXPECT_TRUE(contains_ignoring_case(text, "security group")) << text;
}

TEST_F(ConnectionCauses, WrongPasswordIsRefusedAsPassword) {
  Login login = login_as(kClickpipesUser);
  login.password = "not-the-password";
  const ToolReport result = check_as(login);
  const nlohmann::json connection = expect_authentication_failure(result, "password");
  EXPECT_EQ(connection.value("summary", ""),
            "password authentication failed for clickpipes_user at localhost:" +
                std::to_string(server().port()))
      << connection.dump(2);
  EXPECT_NE(check_text(connection).find("ALTER ROLE"), std::string::npos) << connection.dump(2);
  EXPECT_EQ(remediation_sql(connection), "") << "a password is never a generated statement";
}

// ---------------------------------------------------------------------------
// Tls

class Tls : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() { start_ready_cluster(ready_aurora(), AppDatabase::yes); }

  // The tool with a conninfo string in -d (which wins over PGSSLMODE).
  [[nodiscard]] static ToolReport check_with_conninfo(const std::string& conninfo,
                                                      const EnvChanges& env = {}) {
    EnvChanges with_password = env;
    with_password["PGPASSWORD"] = std::string(kRolePassword);
    ToolReport result{run_tool({"--dbname", conninfo, "--format", "json"}, with_password), nullptr};
    result.report = parse_report(result.run);
    return result;
  }

  [[nodiscard]] static std::string local_conninfo(const std::string& settings) {
    return "host=localhost port=" + std::to_string(server().port()) +
           " user=clickpipes_user dbname=app " + settings;
  }
};

void expect_tls_failure(const ToolReport& result) {
  EXPECT_EQ(result.run.exit_code, 3) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "connection"), "fail") << result.report.dump(2);
  const nlohmann::json& connection = check(result.report, "connection");
  EXPECT_EQ(field(connection, "/details/0"), "cause: tls") << connection.dump(2);
  EXPECT_NE(connection.value("summary", "").find("TLS negotiation"), std::string::npos)
      << connection.dump(2);
}

TEST_F(Tls, VerifyFullWithTheRightCaPassesShowingProtocolAndCipher) {
  const ToolReport result = check_as(app_login());  // verify-full, sslrootcert = the server's CA
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "connection.tls"), "pass");
  const std::string summary = check(result.report, "connection.tls").value("summary", "");
  EXPECT_TRUE(std::regex_match(summary, std::regex(R"(TLS TLSv1\.[23] \([A-Z0-9_-]+\), )"
                                                   R"(sslmode=verify-full)")))
      << summary;
}

// An AWS endpoint name (hostaddr: no DNS, the server is this one) with
// sslmode=require: encrypted, but nothing proves the server is the endpoint.
TEST_F(Tls, SslmodeRequireOnAnAwsEndpointNameWarns) {
  const ToolReport result = check_with_conninfo(
      "host=db.cluster-abc123xyz.us-east-1.rds.amazonaws.com hostaddr=127.0.0.1 port=" +
      std::to_string(server().port()) + " user=clickpipes_user dbname=app sslmode=require");
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/target/endpoint_kind"), "cluster-writer");
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {{"connection.tls", "warn"}}));
  const nlohmann::json& tls = check(result.report, "connection.tls");
  EXPECT_NE(tls.value("summary", "")
                .find("sslmode=require does not verify that the server is "
                      "the AWS endpoint"),
            std::string::npos)
      << tls.dump(2);
  EXPECT_NE(check_text(tls).find("global-bundle.pem"), std::string::npos) << tls.dump(2);
}

// A CA of our own that never signed the server's certificate.
class OtherCa {
 public:
  OtherCa() : dir_(fs::temp_directory_path() / ("cdcp-it-ca-" + test_slug())) {
    fs::create_directories(dir_);
    const ProcessResult made = run_process(
        {"openssl", "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=not the server's CA",
         "-keyout", (dir_ / "ca.key").string(), "-out", (dir_ / "ca.crt").string()});
    if (made.exit_code != 0) throw std::runtime_error("openssl: " + describe_result(made));
  }
  ~OtherCa() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  OtherCa(const OtherCa&) = delete;
  OtherCa& operator=(const OtherCa&) = delete;
  [[nodiscard]] std::string file() const { return (dir_ / "ca.crt").string(); }

 private:
  fs::path dir_;
};

TEST_F(Tls, WrongCaFailsWithCauseTls) {
  const OtherCa other;
  for (const char* mode : {"verify-full", "verify-ca"}) {
    SCOPED_TRACE(mode);
    const ToolReport result = check_with_conninfo(
        local_conninfo(std::string("sslmode=") + mode + " sslrootcert=" + other.file()));
    expect_tls_failure(result);
    const std::string text = check_text(check(result.report, "connection"));
    EXPECT_NE(text.find("certificate verify failed"), std::string::npos) << text;
  }
}

TEST_F(Tls, SslmodeRequireAgainstAServerWithoutTlsFailsWithCauseTls) {
  PgServerOptions options = ready_aurora();
  options.tls = false;
  const PgServer plain(options);
  create_login_role(plain, kClickpipesUser, ReplicationGrant::granted);
  create_ready_database(plain, "app", kClickpipesUser);
  const ToolReport result =
      check_with_conninfo("host=localhost port=" + std::to_string(plain.port()) +
                          " user=clickpipes_user dbname=app sslmode=require");
  expect_tls_failure(result);
  const std::string text = check_text(check(result.report, "connection"));
  EXPECT_NE(text.find("server does not support SSL"), std::string::npos) << text;
}

TEST_F(Tls, SslmodeDisableWarnsThatTheConnectionIsNotEncrypted) {
  const ToolReport result = check_with_conninfo(local_conninfo("sslmode=disable"));
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {{"connection.tls", "warn"}}));
  EXPECT_EQ(check(result.report, "connection.tls").value("summary", ""),
            "the connection is not encrypted (sslmode=disable)");
  EXPECT_EQ(field(check(result.report, "connection"), "/details/0"), "not encrypted");
}

}  // namespace
}  // namespace cdcpreflight::integration
