// --format sql: one runnable fix-up script; everything that is not a
// remediation statement is a comment, whatever the server's names hold.
#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// psql ends a line (and a -- comment) at \n and at \r.
std::vector<std::string> psql_lines(const std::string& text) {
  std::vector<std::string> lines(1);
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      lines.emplace_back();
    } else {
      lines.back() += c;
    }
  }
  return lines;
}

std::string sql_of(const Facts& facts) { return render_sql(report_of(facts)); }

// With each remediation statement of a failing or warning check taken out,
// every line left is a comment, the ON_ERROR_STOP setting, or empty.
void expect_only_comments_and_fixes(const Report& report, std::string script) {
  for (const CheckResult& check : report.checks) {
    if (check.status != Status::fail && check.status != Status::warn) {
      continue;
    }
    for (const std::string& sql : check.remediation.sql) {
      const std::size_t at = script.find("\n" + sql + "\n");
      ASSERT_NE(at, std::string::npos) << "statement missing: " << sql;
      script.erase(at + 1, sql.size());
    }
  }
  for (const std::string& line : psql_lines(script)) {
    const bool allowed =
        line.empty() || line.rfind("--", 0) == 0 || line == "\\set ON_ERROR_STOP on";
    EXPECT_TRUE(allowed) << "line outside a comment: " << line;
  }
}

TEST(SqlReport, StopsOnTheFirstError) {
  EXPECT_THAT(sql_of(FactsBuilder().build()), HasSubstr("\n\\set ON_ERROR_STOP on\n"));
}

TEST(SqlReport, SaysNothingToFixWhenReady) {
  EXPECT_THAT(sql_of(FactsBuilder().build()), HasSubstr("-- Nothing to fix."));
}

TEST(SqlReport, HoldsTheStatementsOfFailingChecksInCatalogueOrder) {
  const std::string script =
      sql_of(FactsBuilder()
                 .role([](RoleFacts& role) { role.member_of_rds_replication = false; })
                 .no_publication()
                 .build());
  const std::size_t grant = script.find("\nGRANT rds_replication TO \"clickpipes_user\";\n");
  const std::size_t create =
      script.find("\nCREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES;\n");
  ASSERT_NE(grant, std::string::npos);
  ASSERT_NE(create, std::string::npos);
  EXPECT_LT(grant, create);
  EXPECT_THAT(script, HasSubstr("-- role.replication (fail): "));
  EXPECT_THAT(script, Not(HasSubstr("Nothing to fix")));
}

TEST(SqlReport, HoldsTheStatementsOfWarningChecks) {
  const std::string script = sql_of(FactsBuilder()
                                        .platform(Platform::postgresql)
                                        .host("db.example.com")
                                        .setting("wal_sender_timeout", "300000", "ms")
                                        .build());
  EXPECT_THAT(script, HasSubstr("-- settings.wal_sender_timeout (warn): "));
  EXPECT_THAT(script, HasSubstr("\nALTER SYSTEM SET \"wal_sender_timeout\" = 0;\n"));
}

TEST(SqlReport, AStatementTwoChecksShareRunsOnce) {
  // Not a member of rds_replication: role.replication and replication.connect
  // both fix it with the GRANT.
  const std::string script =
      sql_of(FactsBuilder()
                 .role([](RoleFacts& role) { role.member_of_rds_replication = false; })
                 .replication_connect_failed(
                     "28000", "FATAL:  must be superuser or replication role to start walsender")
                 .build());
  const std::string statement = "GRANT rds_replication TO \"clickpipes_user\";";
  EXPECT_THAT(script, HasSubstr("\n" + statement + "\n"));
  EXPECT_THAT(script, HasSubstr("-- already above: " + statement + "\n"));
  EXPECT_EQ(script.find("\n" + statement), script.rfind("\n" + statement));
}

TEST(SqlReport, StepsAndCommandsAreComments) {
  const std::string script = sql_of(FactsBuilder()
                                        .setting("wal_level", "replica")
                                        .setting("rds.logical_replication", "off")
                                        .build());
  EXPECT_THAT(script, HasSubstr("\n-- step: In the DB cluster parameter group of cluster mydb"));
  EXPECT_THAT(script, HasSubstr("\n-- $ aws rds describe-db-clusters"));
  expect_only_comments_and_fixes(report_of(FactsBuilder()
                                               .setting("wal_level", "replica")
                                               .setting("rds.logical_replication", "off")
                                               .build()),
                                 script);
}

TEST(SqlReport, MultiLineCommandsStayComments) {
  // The Aurora parameter-group commands span several lines.
  const Facts facts = FactsBuilder()
                          .setting("wal_level", "replica")
                          .setting("rds.logical_replication", "off")
                          .build();
  const Report report = report_of(facts);
  expect_only_comments_and_fixes(report, render_sql(report));
}

TEST(SqlReport, HostileNamesCannotLeaveTheirComment) {
  const std::string payload = "x\n\\! touch /tmp/pwned\r\\! touch /tmp/pwned2\r\nSELECT 1;";
  Facts facts = FactsBuilder()
                    .no_tables()
                    .role([&](RoleFacts& role) {
                      role.name = "user" + payload;
                      role.member_of_rds_replication = false;
                    })
                    .table("schema" + payload, "table" + payload,
                           [](TableFacts& t) {
                             t.select = false;
                             t.has_primary_key = false;
                           })
                    .schema("schema" + payload, false)
                    .no_publication()
                    .setting("wal_sender_timeout", "1000", "ms")
                    .build();
  facts.connection.dbname = "db" + payload;
  facts.connection.host = "host" + payload;
  facts.publication = "pub" + payload;
  ScopeRequest options = default_options();
  options.tables = {"nosuch" + payload + ".t"};
  const Report report = report_of(facts, Strict::no, options);
  const std::string script = render_sql(report);
  expect_only_comments_and_fixes(report, script);
  // Reached a comment, the CR escaped.
  EXPECT_THAT(script, HasSubstr("\n--   \\! touch /tmp/pwned\\x0d\\! touch /tmp/pwned2\\x0d\n"));
}

TEST(SqlReport, AHostileCheckSummaryCannotLeaveItsComment) {
  Report report = report_of(FactsBuilder().build());
  CheckResult& check = report.checks.front();
  check.status = Status::fail;
  check.summary = "line one\n\\! rm -rf /\rDROP TABLE x;";
  check.remediation.steps = {"step one\nDROP TABLE y;"};
  check.remediation.commands = {"cmd\r\nDROP TABLE z;"};
  const std::string script = render_sql(report);
  expect_only_comments_and_fixes(report, script);
  EXPECT_THAT(script, HasSubstr("--   \\! rm -rf /"));
}

}  // namespace
}  // namespace cdcpreflight::testing
