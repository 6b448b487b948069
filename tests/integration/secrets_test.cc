// A role's password, given every way libpq takes one, never shows: not in any
// output format, log or written file, not on any error path (a wrong password
// neither), not URL-encoded, not in part.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cdcpreflight/sql_quote.h"
#include "scenario.h"
#include "session.h"
#include "silent_listener.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

constexpr std::string_view kUser = "sweep_user";
// Distinctive, and with what each syntax must escape: a quote, a double quote, a
// space and a percent sign.
constexpr std::string_view kPassword = "S3cr3t'Sw\"eep pa55%w0rd";
constexpr std::string_view kWrongPassword = "Wr0ng'Gu\"ess pa55%X";

// What must not appear: each password whole, URL-encoded and in parts.
std::vector<std::string> forbidden_texts() {
  return {"S3cr3t",      "Sw\"eep", "Sw%22eep", "eep pa55",  "pa55%w0rd",
          "pa55%25w0rd", "%w0rd",   "Wr0ng",    "Gu\"ess",   "Gu%22ess",
          "ess pa55",    "pa55%X",  "pa55%25X", "S3cr3t%27", "Wr0ng%27"};
}

// A password as libpq reads it in a conninfo value, in a URI, in a .pgpass line.
std::string conninfo_quoted(std::string_view value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string percent_encoded(std::string_view value) {
  std::string encoded;
  for (const char c : value) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      encoded += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      encoded += hex;
    }
  }
  return encoded;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), {}};
}

// How the password reaches the tool.
struct Source {
  std::string name;
  std::vector<std::string> args;  // connection arguments
  EnvChanges env;
};

class SecretSweep : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server(ready_aurora(), [](PgServer& server) {
      create_login_role(server, kUser, ReplicationGrant::granted);
      (void)server.sql("ALTER ROLE " + quote_identifier(kUser) + " PASSWORD " +
                       quote_literal(kPassword));
      create_ready_database(server, "app", kUser);
    });
  }
  static void TearDownTestSuite() { stop_server(); }

  void SetUp() override {
    ServerSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("cdcp-sweep-" + std::to_string(::getpid()) + "-" + test_slug());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // TLS verified against the server's CA, as a user connects.
  [[nodiscard]] EnvChanges tls_env() const {
    return {{"PGSSLMODE", "verify-full"}, {"PGSSLROOTCERT", server().ca_file()}};
  }

  // The password through each way libpq takes it, to `host`:`port`/`dbname`.
  [[nodiscard]] std::vector<Source> sources(std::string_view password, const std::string& host,
                                            int port, const std::string& dbname) const {
    const std::string port_text = std::to_string(port);
    const std::string user(kUser);
    const std::vector<std::string> flags = {"--host",     host, "--port",   port_text,
                                            "--username", user, "--dbname", dbname};
    EnvChanges with_password = tls_env();
    with_password["PGPASSWORD"] = std::string(password);

    const std::filesystem::path pgpass = dir_ / "pgpass";
    {
      std::ofstream file(pgpass);
      file << "*:*:*:" << user << ":" << password << "\n";
    }
    std::filesystem::permissions(
        pgpass, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EnvChanges with_pgpass = tls_env();
    with_pgpass["PGPASSFILE"] = pgpass.string();

    return {
        {"PGPASSWORD", flags, with_password},
        {".pgpass (PGPASSFILE)", flags, with_pgpass},
        {"conninfo password=",
         {"--dbname", "host=" + host + " port=" + port_text + " user=" + user +
                          " dbname=" + dbname + " password=" + conninfo_quoted(password)},
         tls_env()},
        {"URI",
         {"--dbname", "postgresql://" + user + ":" + percent_encoded(password) + "@" + host + ":" +
                          port_text + "/" + dbname},
         tls_env()},
    };
  }

  // Runs the tool; the password shows nowhere: stdout, stderr, the files of dir_.
  ProcessResult expect_no_secret(const std::string& what, const std::vector<std::string>& args,
                                 const EnvChanges& env, std::vector<int> exit_codes) {
    SCOPED_TRACE(what + ": " + describe_command(args));
    const ProcessResult run = run_tool(args, env);
    EXPECT_NE(std::find(exit_codes.begin(), exit_codes.end(), run.exit_code), exit_codes.end())
        << describe_result(run);
    for (const std::string& secret : forbidden_texts()) {
      EXPECT_EQ(run.out.find(secret), std::string::npos) << "`" << secret << "` in stdout:\n"
                                                         << run.out;
      EXPECT_EQ(run.err.find(secret), std::string::npos) << "`" << secret << "` in stderr:\n"
                                                         << run.err;
      for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        if (entry.path().filename() == "pgpass") continue;
        const std::string written = read_file(entry.path());
        EXPECT_EQ(written.find(secret), std::string::npos)
            << "`" << secret << "` in " << entry.path() << ":\n"
            << written;
      }
    }
    ++runs_;
    return run;
  }

  std::filesystem::path dir_;
  int runs_ = 0;
};

std::vector<std::string> plus(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(SecretSweep, EveryFormatLogAndFileOfASuccessfulRun) {
  const std::string summary = (dir_ / "step_summary.md").string();
  for (const Source& source : sources(kPassword, "localhost", server().port(), "app")) {
    for (const std::string format : {"text", "json", "sql", "markdown", "junit", "github"}) {
      EnvChanges env = source.env;
      env["GITHUB_STEP_SUMMARY"] = summary;
      const ProcessResult run =
          expect_no_secret(source.name, plus(source.args, {"--format", format, "-vv"}), env, {0});
      if (format == "json") {
        EXPECT_EQ(field(parse_report(run), "/summary/ready"), true) << run.out;
      }
    }
    expect_no_secret(
        source.name,
        plus(source.args, {"--format", "markdown", "-o", (dir_ / "report.md").string()}),
        source.env, {0});
    expect_no_secret(source.name, plus(source.args, {"--deep", "-v", "--format", "json"}),
                     source.env, {0});
    const std::vector<std::string> collect = {"collect", "-o", (dir_ / "snapshot.json").string(),
                                              "-v"};
    expect_no_secret(source.name, plus(collect, source.args), source.env, {0});
    expect_no_secret(source.name, plus(plus(collect, {"--deep", "--redact"}), source.args),
                     source.env, {0});
    // The snapshot, evaluated offline.
    expect_no_secret(source.name, {"check", "--from", (dir_ / "snapshot.json").string(), "-v"}, {},
                     {0});
  }
  EXPECT_FALSE(read_file(summary).empty()) << "--format github wrote no step summary";
  EXPECT_GE(runs_, 4 * 11);
}

TEST_F(SecretSweep, EveryConnectionFailure) {
  const SilentListener silent;
  struct Target {
    std::string what;
    std::string host;
    int port;
    std::string dbname;
    std::string_view password;
  };
  const std::vector<Target> targets = {
      {"wrong password", "localhost", server().port(), "app", kWrongPassword},
      {"refused", "127.0.0.1", free_loopback_port(), "app", kPassword},
      {"DNS", "no-such-host.invalid", 5432, "app", kPassword},
      {"missing database", "localhost", server().port(), "no_such_db", kPassword},
      {"timeout", "127.0.0.1", silent.port(), "app", kPassword},
  };
  for (const Target& target : targets) {
    for (const Source& source : sources(target.password, target.host, target.port, target.dbname)) {
      const std::vector<std::string> timeout = {"--connect-timeout", "1", "-v"};
      expect_no_secret(target.what + " via " + source.name,
                       plus(plus(source.args, timeout), {"--format", "json"}), source.env, {3});
      if (target.what != "timeout") {  // each timeout waits 2 s, libpq's least
        expect_no_secret(
            target.what + " via " + source.name,
            plus(plus({"collect", "-o", (dir_ / "failed.json").string()}, source.args), timeout),
            source.env, {3});
      }
      if (target.what == "wrong password") {
        for (const std::string format : {"text", "sql", "markdown", "junit", "github"}) {
          expect_no_secret(target.what + " via " + source.name,
                           plus(plus(source.args, timeout), {"--format", format}), source.env, {3});
        }
      }
    }
  }
  EXPECT_EQ(runs_, 5 * 4 + 4 * 4 + 4 * 5);
}

// Usage errors that echo the command line or libpq's complaint about it: exit 2.
TEST_F(SecretSweep, MalformedConnectionStrings) {
  const std::string password(kPassword);
  const std::string quoted = conninfo_quoted(password);
  const std::string encoded = percent_encoded(password);
  const std::string port = std::to_string(server().port());
  const std::vector<std::vector<std::string>> cases = {
      // libpq cannot parse them
      {"--dbname", "host=localhost password=" + quoted + " port"},
      {"--dbname", "host=localhost password=" + quoted + " no_such_option=1"},
      {"--dbname", "password=" + quoted + " host='unterminated"},
      {"--dbname", "postgresql://sweep_user:" + encoded + "%zz@localhost/app"},
      {"--dbname", "postgresql://sweep_user:%00" + encoded + "@localhost/app"},
      {"--dbname", "postgres://localhost/app?password=" + encoded + "%zz"},
      {"--dbname", "postgres://localhost/app?password=" + encoded + "&bogus"},
      // a password with an unquoted space, as a user may type it
      {"--dbname", "host=localhost user=sweep_user password=S3cr3t'Sw\"eep pa55%w0rd"},
      // CLI11 echoes what it did not expect
      {"host=localhost password=" + quoted, "--format", "json"},
      {"check", "extra", "postgresql://sweep_user:" + encoded + "@localhost:" + port + "/app"},
      {"--dbname", "postgresql://sweep_user:" + password + "@localhost/app", "unexpected"},
  };
  for (const auto& args : cases) {
    expect_no_secret("malformed", args, tls_env(), {2});
  }
}

// A password typed as the value of -W/--password (which prompt) or -w/--no-password
// is refused without being echoed.
TEST_F(SecretSweep, AValueTypedAfterAPasswordFlagIsNeverEchoed) {
  const std::string password(kPassword);
  const std::vector<std::vector<std::string>> cases = {
      {"--password", password},
      {"-W", password},
      {"--password=" + password},
      {"-W" + password},
      {"-w", password},
      {"--no-password=" + password},
      {"check", "--password", password, "--format", "json"},
      {"collect", "-W", password},
  };
  for (const auto& args : cases) {
    const ProcessResult run = expect_no_secret("a password flag's value", args, tls_env(), {2});
    EXPECT_NE(run.err.find("take no value"), std::string::npos) << run.err;
  }
}

// Where libpq does not expand a URI (PGDATABASE, an upper-case scheme, a
// leading space), it takes the whole of it for a database name: the password
// in it shows nowhere, in no format, nor in a snapshot.
TEST_F(SecretSweep, AUriLibpqTakesForADatabaseNameNeverShowsItsPassword) {
  const std::string uri = std::string(kUser) + ":" + percent_encoded(kPassword) +
                          "@localhost:" + std::to_string(server().port()) + "/app";
  EnvChanges in_pgdatabase = tls_env();
  in_pgdatabase["PGDATABASE"] = "postgresql://" + uri;
  const std::vector<std::string> flags = {"--host",     "localhost",
                                          "--port",     std::to_string(server().port()),
                                          "--username", std::string(kUser)};
  const std::vector<Source> unexpanded = {
      {"PGDATABASE", flags, in_pgdatabase},
      {"POSTGRES://", plus(flags, {"--dbname", "POSTGRES://" + uri}), tls_env()},
      {"a leading space", plus(flags, {"--dbname", " postgresql://" + uri}), tls_env()},
  };
  for (const Source& source : unexpanded) {
    EnvChanges env = source.env;
    env["PGPASSWORD"] = std::string(kPassword);
    for (const std::string format : {"text", "json", "sql", "markdown", "junit", "github"}) {
      const ProcessResult run =
          expect_no_secret(source.name, plus(source.args, {"--format", format, "-v"}), env, {3});
      if (format == "json") {
        const nlohmann::json report = parse_report(run);
        EXPECT_NE(field(report, "/target/dbname").get<std::string>().find("********"),
                  std::string::npos)
            << report.dump(2);
      }
    }
    expect_no_secret(
        source.name,
        plus(plus({"collect", "-o", (dir_ / "unexpanded.json").string()}, source.args), {"-v"}),
        env, {3});
  }
}

// Passwords are masked where they can be, never searched for: a password that
// is also a common word ("postgres", "true", "public", "app") changes nothing in
// any report or snapshot, compared with a run whose password is random.
TEST_F(SecretSweep, APasswordThatIsACommonWordChangesNothing) {
  const AdminSqlOnExit restore(
      server(), "ALTER ROLE " + quote_identifier(kUser) + " PASSWORD " + quote_literal(kPassword));
  const auto outputs = [&](const std::string& password) {
    (void)server().sql("ALTER ROLE " + quote_identifier(kUser) + " PASSWORD " +
                       quote_literal(password));
    std::vector<std::string> written;
    for (const Source& source : sources(password, "localhost", server().port(), "app")) {
      for (const std::string format : {"text", "json", "sql", "markdown", "junit", "github"}) {
        const ProcessResult run = run_tool(plus(source.args, {"--format", format}), source.env);
        EXPECT_EQ(run.exit_code, 0) << source.name << " " << format << "\n" << describe_result(run);
        written.push_back(source.name + " " + format + ":\n" + run.out + run.err);
      }
      const ProcessResult collect = run_tool(plus({"collect"}, source.args), source.env);
      EXPECT_EQ(collect.exit_code, 0) << describe_result(collect);
      written.push_back(source.name + " collect:\n" + collect.out + collect.err);
    }
    // What differs from run to run: the times, and the WAL written since the
    // statistics' reset and how long ago that was (pg_stat_wal).
    static const std::regex times(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
    static const std::regex wal(R"re(("(wal_bytes_since_reset|seconds_since_wal_reset)": )\d+)re");
    for (std::string& text : written) {
      text = std::regex_replace(std::regex_replace(text, times, "<time>"), wal, "$1<n>");
    }
    return written;
  };
  const std::vector<std::string> random = outputs("Xq7-vT9m-Lr2z");
  for (const std::string word : {"postgres", "true", "public", "app"}) {
    const std::vector<std::string> with_word = outputs(word);
    ASSERT_EQ(with_word.size(), random.size());
    for (std::size_t i = 0; i < random.size(); ++i) {
      EXPECT_EQ(with_word[i], random[i]) << "password " << word;
    }
  }
}

// The server ends the tool's sessions while the --deep probe waits on a held
// transaction: the connection is lost mid-run.
TEST_F(SecretSweep, LostConnection) {
  for (const Source& source : sources(kPassword, "localhost", server().port(), "app")) {
    const HeldTransaction held(server(), "app");
    std::thread terminator([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      Session admin(server());
      (void)admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = " +
                       quote_literal(kUser));
    });
    const ProcessResult run = expect_no_secret(
        "lost connection via " + source.name,
        plus(source.args, {"--deep", "--statement-timeout", "20", "-v", "--format", "json"}),
        source.env, {1});
    terminator.join();
    const nlohmann::json report = parse_report(run);
    EXPECT_EQ(status_of(report, "replication.slot_probe"), "fail") << run.out;
    EXPECT_TRUE(contains_ignoring_case(check(report, "replication.slot_probe").value("summary", ""),
                                       "closed"))
        << run.out;
  }
}

}  // namespace
}  // namespace cdcpreflight::integration
