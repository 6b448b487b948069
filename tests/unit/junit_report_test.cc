// --format junit: well-formed XML whatever the server's names hold, counts that
// match the report, and the statuses mapped as CI systems read them: a failure
// per failing check, <skipped/> per skip, warnings passing (in <system-out>)
// unless --strict, and an error counting as a warning where the check can only
// warn (the exit code's rule).
//
// No XML library is a dependency, so a small strict reader below checks
// well-formedness: one prolog, balanced and properly nested tags, quoted
// attributes, only the five predefined entities (and character references),
// the five special characters never raw in text or attribute values, no
// control character XML 1.0 forbids, valid UTF-8.
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/workflow_facts.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // entities decoded
  std::string text;                               // character data, entities decoded
  std::vector<XmlElement> children;

  [[nodiscard]] std::vector<const XmlElement*> all(std::string_view child) const {
    std::vector<const XmlElement*> found;
    for (const XmlElement& element : children) {
      if (element.name == child) {
        found.push_back(&element);
      }
    }
    return found;
  }
  [[nodiscard]] std::string attribute(const std::string& key) const {
    const auto found = attributes.find(key);
    if (found == attributes.end()) {
      throw std::runtime_error("<" + name + "> has no attribute " + key);
    }
    return found->second;
  }
};

// Throws std::runtime_error naming the offset of the first violation.
class StrictXmlReader {
 public:
  explicit StrictXmlReader(std::string_view text) : text_(text) {}

  XmlElement document() {
    check_characters();
    expect("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    skip_space();
    XmlElement root = element();
    skip_space();
    if (at_ != text_.size()) {
      fail("content after the root element");
    }
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("not well-formed XML at offset " + std::to_string(at_) + ": " + why +
                             " near `" + std::string(text_.substr(at_, 40)) + "`");
  }

  // Valid UTF-8; below U+0020 only tab, LF and CR.
  void check_characters() {
    for (at_ = 0; at_ < text_.size();) {
      const auto byte = static_cast<unsigned char>(text_[at_]);
      if (byte < 0x80) {
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') {
          fail("control character " + std::to_string(byte));
        }
        ++at_;
        continue;
      }
      std::size_t length = 0;
      std::uint32_t code = 0;
      if ((byte & 0xE0U) == 0xC0U) {
        length = 2;
        code = byte & 0x1FU;
      } else if ((byte & 0xF0U) == 0xE0U) {
        length = 3;
        code = byte & 0x0FU;
      } else if ((byte & 0xF8U) == 0xF0U) {
        length = 4;
        code = byte & 0x07U;
      } else {
        fail("invalid UTF-8 lead byte " + std::to_string(byte));
      }
      if (at_ + length > text_.size()) {
        fail("truncated UTF-8 sequence");
      }
      for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text_[at_ + i]);
        if ((next & 0xC0U) != 0x80U) {
          fail("invalid UTF-8 continuation byte");
        }
        code = (code << 6U) | (next & 0x3FU);
      }
      const std::uint32_t smallest = length == 2 ? 0x80U : length == 3 ? 0x800U : 0x10000U;
      if (code < smallest || code > 0x10FFFFU || (code >= 0xD800U && code <= 0xDFFFU) ||
          code == 0xFFFEU || code == 0xFFFFU) {
        fail("a character XML cannot hold");
      }
      at_ += length;
    }
    at_ = 0;
  }

  void expect(std::string_view literal) {
    if (text_.substr(at_, literal.size()) != literal) {
      fail("expected `" + std::string(literal) + "`");
    }
    at_ += literal.size();
  }

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\t' || text_[at_] == '\r')) {
      ++at_;
    }
  }

  std::string name() {
    const std::size_t start = at_;
    const auto name_char = [](char c, bool first) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
             (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
    };
    while (at_ < text_.size() && name_char(text_[at_], at_ == start)) {
      ++at_;
    }
    if (at_ == start) {
      fail("expected a name");
    }
    return std::string(text_.substr(start, at_ - start));
  }

  // An entity or character reference, `&` already seen.
  std::string reference() {
    static const std::map<std::string, std::string, std::less<>> entities{
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
    const std::size_t end = text_.find(';', at_);
    if (end == std::string_view::npos || end - at_ > 10) {
      fail("a raw & (not an entity)");
    }
    const std::string_view ref = text_.substr(at_, end - at_);
    at_ = end + 1;
    if (const auto found = entities.find(ref); found != entities.end()) {
      return found->second;
    }
    if (ref == "#10") {
      return "\n";
    }
    if (ref == "#13") {
      return "\r";
    }
    fail("unknown entity &" + std::string(ref) + ";");
  }

  // Character data up to `stop`, the five special characters never raw.
  std::string characters(char stop) {
    std::string out;
    while (at_ < text_.size() && text_[at_] != stop) {
      const char c = text_[at_];
      if (c == '&') {
        ++at_;
        out += reference();
        continue;
      }
      if (c == '<' || c == '>' || c == '"' || c == '\'') {
        fail(std::string("a raw ") + c);
      }
      out += c;
      ++at_;
    }
    if (at_ == text_.size()) {
      fail("unexpected end");
    }
    return out;
  }

  XmlElement element() {
    expect("<");
    XmlElement element;
    element.name = name();
    for (;;) {
      const std::size_t before = at_;
      skip_space();
      if (text_.substr(at_, 2) == "/>") {
        at_ += 2;
        return element;
      }
      if (text_.substr(at_, 1) == ">") {
        ++at_;
        break;
      }
      if (at_ == before) {
        fail("expected a space before an attribute");
      }
      const std::string key = name();
      expect("=\"");
      std::string value = characters('"');
      ++at_;
      if (!element.attributes.emplace(key, std::move(value)).second) {
        fail("attribute " + key + " given twice");
      }
    }
    for (;;) {
      if (at_ >= text_.size()) {
        fail("<" + element.name + "> is never closed");
      }
      if (text_.substr(at_, 2) == "</") {
        at_ += 2;
        const std::string closing = name();
        if (closing != element.name) {
          fail("</" + closing + "> closes <" + element.name + ">");
        }
        skip_space();
        expect(">");
        return element;
      }
      if (text_[at_] == '<') {
        element.children.push_back(this->element());
      } else {
        element.text += characters('<');
      }
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

XmlElement parse(const std::string& xml) {
  try {
    return StrictXmlReader(xml).document();
  } catch (const std::exception& error) {
    ADD_FAILURE() << error.what() << "\n" << xml;
    return {};
  }
}

// <testsuites><testsuite>…
const XmlElement& suite_of(const XmlElement& root) {
  static const XmlElement empty;
  const auto suites = root.all("testsuite");
  if (root.name != "testsuites" || suites.size() != 1) {
    ADD_FAILURE() << "expected <testsuites> holding one <testsuite>";
    return empty;
  }
  return *suites[0];
}

const XmlElement* testcase(const XmlElement& suite, std::string_view id) {
  for (const XmlElement* element : suite.all("testcase")) {
    if (element->attributes.count("name") > 0 && element->attributes.at("name") == id) {
      return element;
    }
  }
  ADD_FAILURE() << "no <testcase name=\"" << id << "\">";
  return nullptr;
}

struct Expected {
  int failures = 0;
  int errors = 0;
  int skipped = 0;
};

Expected expected_counts(const Report& report, Strict strict) {
  Expected counts;
  for (const CheckResult& check : report.checks) {
    const bool can_fail = find_check(check.id)->can_fail();
    switch (check.status) {
      case Status::fail:
        ++counts.failures;
        break;
      case Status::warn:
        counts.failures += strict == Strict::yes ? 1 : 0;
        break;
      case Status::error:
        counts.errors += can_fail || strict == Strict::yes ? 1 : 0;
        break;
      case Status::skip:
        ++counts.skipped;
        break;
      case Status::pass:
        break;
    }
  }
  return counts;
}

TEST(JUnitReport, IsWellFormedWithHostileNames) {
  for (const Strict strict : {Strict::no, Strict::yes}) {
    const XmlElement root = parse(render_junit(judged(workflow_report(strict), strict)));
    EXPECT_EQ(root.name, "testsuites");
  }
}

// As in the text report, they are shown as escapes rather than dropped: here
// as the checks write the name (U&"…"), and a server string through printable().
TEST(JUnitReport, ControlCharactersAreShownEscaped) {
  const Facts facts = FactsBuilder()
                          .table("public",
                                 "esc\x1b[31mred\x01\x0b"
                                 "end",
                                 [](TableFacts& t) { t.has_primary_key = false; })
                          .build();
  const std::string xml = render_junit(judged(report_of(facts), Strict::no));
  const XmlElement root = parse(xml);
  const XmlElement* identity = testcase(suite_of(root), "tables.replica_identity");
  ASSERT_NE(identity, nullptr);
  ASSERT_EQ(identity->all("failure").size(), 1U);
  EXPECT_THAT(identity->all("failure")[0]->text, HasSubstr(R"(U&"esc\001B[31mred\0001\000Bend")"));

  const Facts refused =
      FactsBuilder().replication_connect_failed("28000", "no\x1b[31m entry\x01\x0b\r").build();
  const XmlElement root_refused = parse(render_junit(judged(report_of(refused), Strict::no)));
  const XmlElement* connect = testcase(suite_of(root_refused), "replication.connect");
  ASSERT_NE(connect, nullptr);
  ASSERT_EQ(connect->all("failure").size(), 1U);
  EXPECT_THAT(connect->all("failure")[0]->text, HasSubstr(R"(no\x1b[31m entry\x01\x0b\x0d)"));
}

// A database whose encoding is SQL_ASCII holds names that are not UTF-8; the
// document declares UTF-8, so they must not reach it raw (the JSON report
// replaces them).
TEST(JUnitReport, NamesThatAreNotUtf8KeepTheDocumentUtf8) {
  const Facts facts =
      FactsBuilder()
          .table("public", "latin1 caf\xe9 \xff\xfe", [](TableFacts& t) { t.select = false; })
          .build();
  (void)parse(render_junit(judged(report_of(facts), Strict::no)));
}

TEST(JUnitReport, CountsMatchTheReport) {
  for (const Strict strict : {Strict::no, Strict::yes}) {
    SCOPED_TRACE(strict == Strict::yes ? "strict" : "not strict");
    const Report report = workflow_report(strict);
    const Expected want = expected_counts(report, strict);
    const XmlElement root = parse(render_junit(judged(report, strict)));
    const XmlElement& suite = suite_of(root);
    for (const XmlElement* element : {&root, &suite}) {
      SCOPED_TRACE(element->name);
      EXPECT_EQ(element->attributes.at("tests"), std::to_string(report.checks.size()));
      EXPECT_EQ(element->attributes.at("failures"), std::to_string(want.failures));
      EXPECT_EQ(element->attributes.at("errors"), std::to_string(want.errors));
      EXPECT_EQ(element->attributes.at("skipped"), std::to_string(want.skipped));
    }
    EXPECT_EQ(suite.all("testcase").size(), report.checks.size());
    // What the attributes say is what the test cases hold.
    int failures = 0;
    int errors = 0;
    int skipped = 0;
    for (const XmlElement* element : suite.all("testcase")) {
      failures += static_cast<int>(element->all("failure").size());
      errors += static_cast<int>(element->all("error").size());
      skipped += static_cast<int>(element->all("skipped").size());
    }
    EXPECT_EQ(failures, want.failures);
    EXPECT_EQ(errors, want.errors);
    EXPECT_EQ(skipped, want.skipped);
  }
}

TEST(JUnitReport, NotStrictCountsOfTheFixedFacts) {
  const Report report = workflow_report();
  const XmlElement root = parse(render_junit(judged(report, Strict::no)));
  // 3 failures; the errors of settings.replication_capacity and slots.clickpipes
  // (both can fail, both read the unreadable activity) are errors; 1 skip.
  EXPECT_EQ(root.attributes.at("failures"), std::to_string(report.summary.fail));
  EXPECT_EQ(root.attributes.at("errors"), "2");
  EXPECT_EQ(root.attributes.at("skipped"), std::to_string(report.summary.skip));
}

TEST(JUnitReport, EachCheckIsATestCaseNamedByIdInItsGroup) {
  const Report report = workflow_report();
  const XmlElement root = parse(render_junit(judged(report, Strict::no)));
  const auto cases = suite_of(root).all("testcase");
  ASSERT_EQ(cases.size(), report.checks.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string& id = report.checks[i].id;
    EXPECT_EQ(cases[i]->attribute("name"), id);
    EXPECT_EQ(cases[i]->attribute("classname"), id.substr(0, id.find('.')));
  }
}

TEST(JUnitReport, AFailingCheckIsAFailureWithItsSummaryDetailsAndFix) {
  const Report report = workflow_report();
  const XmlElement root = parse(render_junit(judged(report, Strict::no)));
  for (const CheckResult& check : report.checks) {
    if (check.status != Status::fail) {
      continue;
    }
    SCOPED_TRACE(check.id);
    const XmlElement* element = testcase(suite_of(root), check.id);
    ASSERT_NE(element, nullptr);
    ASSERT_EQ(element->all("failure").size(), 1U);
    const XmlElement& failure = *element->all("failure")[0];
    EXPECT_EQ(failure.attribute("message"), check.summary);
    EXPECT_EQ(failure.attribute("type"), "fail");
    for (const std::string& detail : check.details) {
      EXPECT_THAT(failure.text, HasSubstr(detail));
    }
    for (const std::string& sql : check.remediation.sql) {
      EXPECT_THAT(failure.text, HasSubstr(sql));
    }
    EXPECT_TRUE(element->all("error").empty());
    EXPECT_TRUE(element->all("skipped").empty());
  }
  // The hostile names come back intact once the entities are decoded.
  const XmlElement* identity = testcase(suite_of(root), "tables.replica_identity");
  ASSERT_NE(identity, nullptr);
  EXPECT_THAT(identity->all("failure").at(0)->text, HasSubstr(R"(public."we""ird <&> name")"));
  const XmlElement* select = testcase(suite_of(root), "grants.table_select");
  ASSERT_NE(select, nullptr);
  EXPECT_THAT(select->all("failure").at(0)->text,
              HasSubstr(R"(U&"two\000Alines 100%,\000D: done")"));
}

TEST(JUnitReport, ASkippedCheckIsSkipped) {
  const XmlElement root = parse(render_junit(judged(workflow_report(), Strict::no)));
  const XmlElement* probe = testcase(suite_of(root), "replication.slot_probe");
  ASSERT_NE(probe, nullptr);
  ASSERT_EQ(probe->all("skipped").size(), 1U);
  EXPECT_TRUE(probe->all("skipped")[0]->children.empty());
  EXPECT_TRUE(probe->all("skipped")[0]->text.empty());
  EXPECT_TRUE(probe->all("failure").empty());
}

TEST(JUnitReport, APassingCheckHoldsNothing) {
  const XmlElement root = parse(render_junit(judged(workflow_report(), Strict::no)));
  const XmlElement* connection = testcase(suite_of(root), "connection");
  ASSERT_NE(connection, nullptr);
  EXPECT_TRUE(connection->children.empty());
}

TEST(JUnitReport, AWarningPassesWithItsTextInSystemOut) {
  const Report report = workflow_report();
  const XmlElement root = parse(render_junit(judged(report, Strict::no)));
  for (const std::string id : {"settings.wal_sender_timeout", "tables.unlogged"}) {
    SCOPED_TRACE(id);
    ASSERT_EQ(result_of(report, id).status, Status::warn);
    const XmlElement* element = testcase(suite_of(root), id);
    ASSERT_NE(element, nullptr);
    EXPECT_TRUE(element->all("failure").empty());
    EXPECT_TRUE(element->all("error").empty());
    ASSERT_EQ(element->all("system-out").size(), 1U);
    EXPECT_THAT(element->all("system-out")[0]->text, StartsWith("warning: "));
    EXPECT_THAT(element->all("system-out")[0]->text, HasSubstr(result_of(report, id).summary));
  }
}

TEST(JUnitReport, AWarningIsAFailureWhenStrict) {
  const Report report = workflow_report(Strict::yes);
  const XmlElement root = parse(render_junit(judged(report, Strict::yes)));
  for (const std::string id : {"settings.wal_sender_timeout", "tables.unlogged"}) {
    SCOPED_TRACE(id);
    const XmlElement* element = testcase(suite_of(root), id);
    ASSERT_NE(element, nullptr);
    ASSERT_EQ(element->all("failure").size(), 1U);
    EXPECT_EQ(element->all("failure")[0]->attribute("type"), "warn");
    EXPECT_EQ(element->all("failure")[0]->attribute("message"), result_of(report, id).summary);
    EXPECT_TRUE(element->all("system-out").empty());
  }
}

TEST(JUnitReport, AnErrorInACheckThatCanFailIsAnError) {
  for (const Strict strict : {Strict::no, Strict::yes}) {
    const Report report = workflow_report(strict);
    const XmlElement root = parse(render_junit(judged(report, strict)));
    const XmlElement* element = testcase(suite_of(root), "settings.replication_capacity");
    ASSERT_NE(element, nullptr);
    ASSERT_EQ(element->all("error").size(), 1U);
    EXPECT_EQ(element->all("error")[0]->attribute("message"),
              result_of(report, "settings.replication_capacity").summary);
    EXPECT_TRUE(element->all("failure").empty());
  }
}

TEST(JUnitReport, AnErrorInACheckThatCanOnlyWarnIsNoErrorUnlessStrict) {
  ASSERT_FALSE(find_check("activity.long_transactions")->can_fail());
  ASSERT_FALSE(find_check("slots.inactive")->can_fail());
  const Report report = workflow_report();
  const XmlElement root = parse(render_junit(judged(report, Strict::no)));
  for (const std::string id : {"activity.long_transactions", "slots.inactive"}) {
    SCOPED_TRACE(id);
    const XmlElement* element = testcase(suite_of(root), id);
    ASSERT_NE(element, nullptr);
    EXPECT_TRUE(element->all("error").empty());
    EXPECT_TRUE(element->all("failure").empty());
    ASSERT_EQ(element->all("system-out").size(), 1U);
    // It says why it could not run.
    EXPECT_THAT(element->all("system-out")[0]->text, HasSubstr(result_of(report, id).summary));
  }

  const XmlElement strict_root =
      parse(render_junit(judged(workflow_report(Strict::yes), Strict::yes)));
  for (const std::string id : {"activity.long_transactions", "slots.inactive"}) {
    SCOPED_TRACE(id);
    const XmlElement* element = testcase(suite_of(strict_root), id);
    ASSERT_NE(element, nullptr);
    EXPECT_EQ(element->all("error").size(), 1U);
  }
}

TEST(JUnitReport, AReadyClusterHasNoFailureOrError) {
  const Report report = report_of(FactsBuilder().build());
  const XmlElement root = parse(render_junit(judged(report, Strict::yes)));
  EXPECT_EQ(root.attribute("failures"), "0");
  EXPECT_EQ(root.attribute("errors"), "0");
  // the slot probe without --deep, slots.clickpipes, the aws.* checks without --aws
  EXPECT_EQ(root.attribute("skipped"), "5");
}

TEST(JUnitReport, TheSuiteNamesTheTargetAndTime) {
  const XmlElement root = parse(render_junit(judged(workflow_report(), Strict::no)));
  const XmlElement& suite = suite_of(root);
  EXPECT_THAT(suite.attribute("name"), HasSubstr(std::string(kWriterHost) + "/app"));
  EXPECT_EQ(suite.attribute("timestamp"), "2026-11-25T12:00:00Z");
}

TEST(JUnitReport, TheReaderRejectsWhatIsNotWellFormed) {
  const std::string prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  for (const std::string& bad :
       {prolog + "<a><b></a></b>", prolog + "<a>x & y</a>", prolog + "<a>x < y</a>",
        prolog + "<a b=\"<\"/>", prolog + "<a>\x01</a>", prolog + "<a>\xff</a>", prolog + "<a>",
        prolog + "<a/><b/>", std::string("<a/>")}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW((void)StrictXmlReader(bad).document(), std::runtime_error);
  }
  EXPECT_NO_THROW((void)StrictXmlReader(prolog + "<a b=\"&amp;&lt;\">t&gt;<c/></a>\n").document());
}

}  // namespace
}  // namespace cdcpreflight::testing
