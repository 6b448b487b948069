// --format github: one workflow command per check that needs attention
// (::error for a failure and for an error in a check that can fail, ::warning
// for a warning, ::error for both with --strict), every control character of a
// name escaped (printable()), the message's % and line feeds encoded and the
// title's : and , too, so that a name read from the server can neither end a
// command nor start another; a final ::notice with the verdict.
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/workflow_facts.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

struct Command {
  std::string name;        // error, warning, notice
  std::string properties;  // title=…
  std::string message;
};

// `::name properties::message`; fails the test on any other line.
std::vector<Command> commands_of(const std::string& text) {
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the last line is not ended";
  std::vector<Command> commands;
  for (const std::string& line : lines_of(text)) {
    EXPECT_THAT(line, StartsWith("::")) << "not a workflow command";
    EXPECT_EQ(line.find('\r'), std::string::npos) << line;
    const std::size_t space = line.find(' ', 2);
    const std::size_t separator = line.find("::", 2);
    if (space == std::string::npos || separator == std::string::npos || space > separator) {
      ADD_FAILURE() << "not `::command title=…::message`: " << line;
      continue;
    }
    commands.push_back({line.substr(2, space - 2), line.substr(space + 1, separator - space - 1),
                        line.substr(separator + 2)});
  }
  return commands;
}

// GitHub's decoding of a message (%25 %0D %0A) or property (also %3A %2C).
std::string decoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const std::string code = text.substr(i, 3);
      const char* replacement = code == "%25"   ? "%"
                                : code == "%0D" ? "\r"
                                : code == "%0A" ? "\n"
                                : code == "%3A" ? ":"
                                : code == "%2C" ? ","
                                                : nullptr;
      if (replacement != nullptr) {
        out += replacement;
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// The command naming check `id` in its title, or nullptr.
const Command* command_for(const std::vector<Command>& commands, const std::string& id) {
  for (const Command& command : commands) {
    if (decoded(command.properties) == "title=cdc-preflight " + id) {
      return &command;
    }
  }
  return nullptr;
}

TEST(GitHubReport, EveryLineIsAWorkflowCommand) {
  for (const Strict strict : {Strict::no, Strict::yes}) {
    const std::vector<Command> commands =
        commands_of(render_github(judged(workflow_report(strict), strict)));
    EXPECT_FALSE(commands.empty());
  }
}

TEST(GitHubReport, OneCommandPerCheckThatNeedsAttentionAndANotice) {
  const Report report = workflow_report();
  const std::vector<Command> commands = commands_of(render_github(judged(report, Strict::no)));
  const int attention = report.summary.fail + report.summary.warn + report.summary.error;
  EXPECT_EQ(commands.size(), static_cast<std::size_t>(attention) + 1);
  for (const CheckResult& check : report.checks) {
    SCOPED_TRACE(check.id);
    const Command* command = command_for(commands, check.id);
    if (check.status == Status::pass || check.status == Status::skip) {
      EXPECT_EQ(command, nullptr);
    } else {
      ASSERT_NE(command, nullptr);
      EXPECT_THAT(decoded(command->message), StartsWith(check.summary));
    }
  }
}

TEST(GitHubReport, FailuresAreErrorsAndWarningsWarnings) {
  const Report report = workflow_report();
  const std::vector<Command> commands = commands_of(render_github(judged(report, Strict::no)));
  for (const CheckResult& check : report.checks) {
    SCOPED_TRACE(check.id);
    const Command* command = command_for(commands, check.id);
    if (check.status == Status::fail) {
      ASSERT_NE(command, nullptr);
      EXPECT_EQ(command->name, "error");
    } else if (check.status == Status::warn) {
      ASSERT_NE(command, nullptr);
      EXPECT_EQ(command->name, "warning");
    }
  }
}

TEST(GitHubReport, AnErrorIsAnErrorWhereTheCheckCanFailAndAWarningWhereItCanOnlyWarn) {
  const std::vector<Command> commands =
      commands_of(render_github(judged(workflow_report(), Strict::no)));
  const Command* capacity = command_for(commands, "settings.replication_capacity");
  ASSERT_NE(capacity, nullptr);
  EXPECT_EQ(capacity->name, "error");
  for (const std::string id : {"activity.long_transactions", "slots.inactive"}) {
    SCOPED_TRACE(id);
    const Command* command = command_for(commands, id);
    ASSERT_NE(command, nullptr);
    EXPECT_EQ(command->name, "warning");
  }
}

TEST(GitHubReport, StrictMakesEveryWarningAnError) {
  const Report report = workflow_report(Strict::yes);
  const std::vector<Command> commands = commands_of(render_github(judged(report, Strict::yes)));
  for (const CheckResult& check : report.checks) {
    if (check.status == Status::warn || check.status == Status::error ||
        check.status == Status::fail) {
      SCOPED_TRACE(check.id);
      const Command* command = command_for(commands, check.id);
      ASSERT_NE(command, nullptr);
      EXPECT_EQ(command->name, "error");
    }
  }
}

TEST(GitHubReport, EndsWithANoticeOfTheVerdict) {
  const std::vector<Command> not_ready =
      commands_of(render_github(judged(workflow_report(), Strict::no)));
  ASSERT_FALSE(not_ready.empty());
  EXPECT_EQ(not_ready.back().name, "notice");
  EXPECT_EQ(decoded(not_ready.back().properties), "title=cdc-preflight: not ready");
  EXPECT_THAT(not_ready.back().properties, Not(HasSubstr(":")));
  const Report report = workflow_report();
  EXPECT_THAT(not_ready.back().message, HasSubstr(std::to_string(report.summary.fail) + " failed"));

  const std::vector<Command> ready =
      commands_of(render_github(judged(report_of(FactsBuilder().build()), Strict::no)));
  ASSERT_EQ(ready.size(), 1U);
  EXPECT_EQ(ready[0].name, "notice");
  EXPECT_EQ(decoded(ready[0].properties), "title=cdc-preflight: ready");
}

// A CR is shown escaped (printable()), as in the text report: only the line
// feeds between (and inside) entries are encoded, as %0A.
TEST(GitHubReport, MessagesEncodePercentAndLineFeedAndEscapeCarriageReturn) {
  Report report;
  CheckResult check;
  check.id = "tables.replica_identity";
  check.status = Status::fail;
  check.summary = "100% broken\r\nsecond line";
  check.details = {"a %0A that is no line break", "detail\rwith CR"};
  check.remediation.sql = {"ALTER TABLE \"x\"\n  REPLICA IDENTITY FULL;"};
  check.remediation.steps = {"step: 50%, then"};
  report.checks = judge({check}, Strict::no);
  const std::string text = render_github(judged(report, Strict::no));
  const std::vector<Command> commands = commands_of(text);
  ASSERT_EQ(commands.size(), 2U);  // the error and the notice
  const Command& error = commands[0];
  EXPECT_THAT(error.message, HasSubstr("100%25 broken\\x0d%0Asecond line"));
  EXPECT_THAT(error.message, HasSubstr("a %250A that is no line break"));
  EXPECT_THAT(error.message, HasSubstr("detail\\x0dwith CR"));
  EXPECT_THAT(error.message, HasSubstr("ALTER TABLE \"x\"%0A  REPLICA IDENTITY FULL;"));
  EXPECT_THAT(error.message, HasSubstr("step: 50%25, then"));
  // Decoded, it is the text of the check, lines in order.
  EXPECT_EQ(decoded(error.message),
            "100% broken\\x0d\nsecond line\na %0A that is no line break\ndetail\\x0dwith CR\n"
            "ALTER TABLE \"x\"\n  REPLICA IDENTITY FULL;\n- step: 50%, then");
}

TEST(GitHubReport, TitlesEncodeColonAndComma) {
  Report report;
  CheckResult check;
  check.id = "odd:id,with%chars\nand line";
  check.status = Status::fail;
  check.summary = "s";
  report.checks = judge({check}, Strict::no);
  const std::vector<Command> commands = commands_of(render_github(judged(report, Strict::no)));
  ASSERT_EQ(commands.size(), 2U);
  EXPECT_EQ(commands[0].properties, "title=cdc-preflight odd%3Aid%2Cwith%25chars\\x0aand line");
  EXPECT_EQ(commands[1].properties.find(':'), std::string::npos);
  EXPECT_EQ(commands[1].properties.find(','), std::string::npos);
}

TEST(GitHubReport, HostileNamesCannotStartAnotherCommand) {
  const std::string text = render_github(judged(workflow_report(), Strict::no));
  // The two-line table name (with a CR) stays inside its command's line, as the
  // checks write it (U&"…": its line feed and CR as escapes).
  EXPECT_THAT(text, HasSubstr("U&\"two\\000Alines 100%25,\\000D: done\""));
  for (const std::string& line : lines_of(text)) {
    EXPECT_THAT(line, StartsWith("::"));
  }
  const Facts facts = FactsBuilder()
                          .table("public", "x\n::error title=forged::owned",
                                 [](TableFacts& t) { t.select = false; })
                          .build();
  const std::vector<Command> commands =
      commands_of(render_github(judged(report_of(facts), Strict::no)));
  for (const Command& command : commands) {
    EXPECT_EQ(command.properties.find("forged"), std::string::npos) << command.properties;
  }
  EXPECT_EQ(commands.size(), 2U);  // grants.table_select and the notice
}

TEST(GitHubReport, AnnotationsShowTenEntriesOfEachListAndCountTheRest) {
  const std::vector<Command> commands =
      commands_of(render_github(judged(report_of(keyless_tables_facts(13)), Strict::no)));
  const Command* command = command_for(commands, "tables.replica_identity");
  ASSERT_NE(command, nullptr);
  const std::string message = decoded(command->message);
  EXPECT_THAT(message, HasSubstr("app.t9 (no primary key)"));
  EXPECT_THAT(message, Not(HasSubstr("app.t10 (no primary key)")));
  EXPECT_THAT(message, HasSubstr("… and 3 more (all of them in --format json)"));
  EXPECT_THAT(message, HasSubstr("-- … and 3 more statements (all of them in --format sql)"));
}

}  // namespace
}  // namespace cdcpreflight::testing
