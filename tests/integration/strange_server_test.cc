// A server that speaks valid protocol but answers in shapes PostgreSQL never
// gives, and a port where something else than PostgreSQL answers: the tool
// expects nothing of an answer. Each ends in a whole report that says what was
// wrong (exit 3, the `connection` check failing), never a crash, an "internal
// error" or a guess; and what such a server says reaches the terminal escaped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ready_suite.h"
#include "scenario.h"
#include "strange_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class StrangeServer : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() {
    PgServerOptions options = ready_aurora();
    options.tls = false;  // the proxy reads the server's messages
    start_ready_cluster(options);
  }

  // The tool through `proxy`, as clickpipes_user, JSON report.
  [[nodiscard]] static ToolReport check_through(const ManglingProxy& proxy) {
    const Login login = ready_login();
    EnvChanges env = login_env(login);
    env["PGSSLMODE"] = "disable";
    env["PGGSSENCMODE"] = "disable";
    ToolReport result{
        run_tool({"--host", "127.0.0.1", "--port", std::to_string(proxy.port()), "--username",
                  login.user, "--dbname", login.dbname, "--format", "json"},
                 env),
        nullptr};
    result.report = parse_report(result.run);
    return result;
  }

  // Exit 3 with a whole report: `connection` fails saying which query's answer
  // was wrong and how, everything else is not checked.
  static void expect_unexpected_answer(const ToolReport& result, const std::string& how) {
    EXPECT_EQ(result.run.exit_code, 3) << describe_result(result.run);
    EXPECT_EQ(result.run.err.find("internal error"), std::string::npos) << result.run.err;
    EXPECT_EQ(status_of(result.report, "connection"), "fail") << result.report.dump(2);
    const std::string text = check_text(check(result.report, "connection"));
    EXPECT_NE(text.find("answered the server query unexpectedly"), std::string::npos) << text;
    EXPECT_NE(text.find(how), std::string::npos) << text;
    EXPECT_EQ(status_of(result.report, "settings.logical_replication"), "skip");
    EXPECT_EQ(field(result.report, "/summary/ready"), false);
  }
};

TEST_F(StrangeServer, QueriesAnsweredWithoutRowsAreAnUnexpectedAnswerNotACrash) {
  const ManglingProxy proxy(server().port(), Mangle::no_rows);
  const ToolReport result = check_through(proxy);
  expect_unexpected_answer(result, "0 rows where one was expected");
}

TEST_F(StrangeServer, ColumnsOfOtherNamesAreAnUnexpectedAnswerNotAnInternalError) {
  const ManglingProxy proxy(server().port(), Mangle::renamed_columns);
  const ToolReport result = check_through(proxy);
  expect_unexpected_answer(result, "no column version_num");
}

// A server's NOTICE and WARNING text goes to the log, escaped: an OSC sequence
// in it cannot set the terminal's title.
TEST_F(StrangeServer, AServersWarningReachesStderrEscaped) {
  const ManglingProxy proxy(server().port(), Mangle::notice);
  const ToolReport result = check_through(proxy);
  EXPECT_TRUE(result.run.exit_code == 0 || result.run.exit_code == 1)
      << describe_result(result.run);
  EXPECT_NE(result.run.err.find("server: WARNING:  planted \\x1b]0;pwned\\x07 notice"),
            std::string::npos)
      << result.run.err;
  EXPECT_EQ(result.run.err.find('\x1b'), std::string::npos) << result.run.err;
  EXPECT_EQ(result.run.err.find('\x07'), std::string::npos) << result.run.err;
}

// libpq's complaint about a listener that is not PostgreSQL mentions SSL
// negotiation, but it is no TLS problem: the cause is `other`, and the fix is
// not the RDS CA bundle.
TEST(ForeignService, AnHttpServerOnThePortIsCauseOtherNotTls) {
  const ForeignListener listener("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  for (const char* sslmode : {"prefer", "disable"}) {
    const ProcessResult run =
        run_tool({"--host", "127.0.0.1", "--port", std::to_string(listener.port()), "--username",
                  "u", "--dbname", "d", "--format", "json", "--connect-timeout", "5"},
                 {{"PGSSLMODE", sslmode}, {"PGPASSWORD", "x"}});
    const nlohmann::json report = parse_report(run);
    EXPECT_EQ(run.exit_code, 3) << describe_result(run);
    const nlohmann::json& connection = check(report, "connection");
    const std::string text = check_text(connection);
    EXPECT_NE(text.find("cause: other"), std::string::npos) << sslmode << "\n" << text;
    EXPECT_EQ(text.find("global-bundle.pem"), std::string::npos) << sslmode << "\n" << text;
  }
}

}  // namespace
}  // namespace cdcpreflight::integration
