// Every output format over facts whose every string is hostile: terminal control
// sequences (an OSC 52 clipboard write, a screen clear, a C1 CSI), characters
// that break or reorder lines, noncharacters XML cannot hold, Markdown links,
// images, HTML and autolinks, psql meta-commands and variables, bytes that are
// not UTF-8. Whatever the format, nothing of it reaches the reader raw.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cdcpreflight/sql_quote.h"
#include "unit/facts_builder.h"
#include "util/printable.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The corpus, every piece in one string (no NUL: no name or server string holds one).
const std::string kHostileUtf8 =
    "\x1b]52;c;cHduZWQ=\x07"                  // OSC 52: writes the clipboard
    "\x1b[2J"                                 // clears the screen
    "\b\x7f"                                  // BS, DEL
    "\xc2\x9b"                                // U+009B, the C1 CSI
    "31m"                                     //
    "\xef\xbf\xbe\xef\xbf\xbf"                // U+FFFE, U+FFFF
    "\xe2\x80\xa8\xe2\x80\xae"                // LINE SEPARATOR, RIGHT-TO-LEFT OVERRIDE
    "\r\n\t"                                  // CR, LF, tab
    "``` ` "                                  // backticks
    "[Click to fix](https://evil.example) "   // a link
    "![x](https://evil.example/i.png) "       // an image
    "<img src=https://evil.example/x.png> "   // HTML
    "<!-- &lt; &#27; "                        // a comment, entities
    "https://evil.example www.evil.example "  // autolinks
    "a@evil.example <https://evil.example> "  //
    "| "                                      // a table cell separator
    "\\! touch /tmp/x :x :'x' :\"x\" "        // psql meta-command and variables
    "*_~# $x$ 1. - > "                        // emphasis, heading, math, blocks
    "';\" -- ";                               // quotes, comment
// The same with bytes that are not UTF-8 (what an SQL_ASCII database can hold).
const std::string kHostile = kHostileUtf8 + "\xff\xfe \xc3( \xe2\x80";

struct CodePoint {
  std::size_t offset = 0;
  std::optional<char32_t> value;  // std::nullopt: a byte that starts no UTF-8 sequence
};

// Independent of util/printable and util/utf8: the code points of `text`.
std::vector<CodePoint> code_points(std::string_view text) {
  std::vector<CodePoint> points;
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    std::size_t length = byte < 0x80            ? 1
                         : (byte >> 5) == 0x6U  ? 2
                         : (byte >> 4) == 0xEU  ? 3
                         : (byte >> 3) == 0x1EU ? 4
                                                : 0;
    char32_t c = length == 1 ? byte : byte & (0x7FU >> length);
    for (std::size_t i = 1; i < length; ++i) {
      const auto next = at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0U;
      if ((next >> 6) != 0x2U) {
        length = 0;
        break;
      }
      c = (c << 6) | (next & 0x3FU);
    }
    const char32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (length == 0 || (length > 1 && c < smallest) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF)) {
      points.push_back({at, std::nullopt});
      ++at;
    } else {
      points.push_back({at, c});
      at += length;
    }
  }
  return points;
}

// What must never reach a reader raw: C0 controls but LF, DEL, C1 controls, line
// and paragraph separators, bidirectional controls, U+FFFE and U+FFFF.
bool is_raw_control(char32_t c) {
  return (c < 0x20 && c != '\n') || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E ||
         c == 0x200F || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0xFFFE || c == 0xFFFF;
}

// Valid UTF-8 without a raw control; the first violation, shown in its context.
::testing::AssertionResult inert(std::string_view text) {
  for (const CodePoint& point : code_points(text)) {
    if (!point.value || is_raw_control(*point.value)) {
      const std::size_t from = point.offset < 60 ? 0 : point.offset - 60;
      return ::testing::AssertionFailure()
             << (point.value ? "a raw control character" : "a byte that is not UTF-8")
             << " at byte " << point.offset
             << ", after: " << printable(text.substr(from, point.offset - from)) << "\n"
             << "and: " << printable(text.substr(point.offset, 20));
    }
  }
  return ::testing::AssertionSuccess();
}

// --- the facts

// The ready Aurora of FactsBuilder with `hostile` in every string field, and
// everything that can fail or warn failing or warning, so that every field is
// shown: settings, role (expiring), schemas (no USAGE), tables (no key, no
// SELECT, not published, TOAST, RLS, unlogged, a partition), the publication
// (missing actions, no partition root), default privileges, an old transaction
// and an old prepared one, inactive slots, a refused replication connection and
// a --deep probe blocked by a transaction.
Facts connected_facts(const std::string& hostile, Platform platform) {
  const std::string schema = "schema " + hostile;
  Facts facts = FactsBuilder()
                    .platform(platform)
                    .host("host " + hostile)
                    .no_tables()
                    .setting("wal_level", "wal " + hostile, "unit " + hostile)
                    .setting("wal_sender_timeout", "timeout " + hostile, "unit " + hostile)
                    .setting("max_replication_slots", "slots " + hostile)
                    .setting("max_slot_wal_keep_size", "1024", "MB")
                    .role([&](RoleFacts& role) {
                      role.name = "role " + hostile;
                      role.member_of_rds_replication = false;
                      role.valid_until = "until " + hostile;
                      role.seconds_until_expiry = 3600;
                    })
                    .schema(schema, false)
                    .table(schema, "table " + hostile,
                           [&](TableFacts& t) {
                             t.owner = "owner " + hostile;
                             t.has_primary_key = false;
                             t.select = false;
                             t.published = false;
                             t.has_toastable_columns = true;
                             t.toast_holds_data = true;
                             t.row_security = true;
                           })
                    .table(schema, "toasted " + hostile,
                           [&](TableFacts& t) {
                             t.has_toastable_columns = true;
                             t.toast_holds_data = true;
                             t.generated_columns = {"generated " + hostile};
                             t.generated_in_key = true;
                           })
                    .table(schema, "unlogged " + hostile, [](TableFacts& t) { t.unlogged = true; })
                    .partitioned_table(schema, "root " + hostile,
                                       [](TableFacts& t) {
                                         t.has_primary_key = false;
                                         t.published = false;
                                       })
                    .partition(schema, "partition " + hostile, schema, "root " + hostile,
                               [](TableFacts& t) { t.has_primary_key = false; })
                    .publication([&](PublicationFacts& publication) {
                      publication.name = "publication " + hostile;
                      publication.owner = "owner " + hostile;
                      publication.all_tables = false;
                      publication.delete_ = false;
                      publication.via_root = false;
                      publication.schemas = {"other " + hostile};
                    })
                    .no_default_privileges()
                    .default_privilege("owner " + hostile, schema, false)
                    .transaction(4242, 7200,
                                 [&](OpenTransaction& transaction) {
                                   transaction.user = "user " + hostile;
                                   transaction.backend_type = "backend " + hostile;
                                   transaction.state = "state " + hostile;
                                   transaction.query_start = "start " + hostile;
                                 })
                    .prepared("gid " + hostile, 7200)
                    .slot("slot " + hostile,
                          [&](ReplicationSlotFacts& slot) {
                            slot.active = false;
                            slot.plugin = "plugin " + hostile;
                            slot.slot_type = "type " + hostile;
                            slot.database = "database " + hostile;
                            slot.wal_status = "lost";
                          })
                    .slot("peerflow_slot_" + hostile,
                          [&](ReplicationSlotFacts& slot) {
                            slot.active = false;
                            slot.plugin = "plugin " + hostile;
                            slot.database = "database " + hostile;
                          })
                    .replication_connect_failed("sqlstate " + hostile, "message " + hostile)
                    .build();
  OpenTransaction blocker;
  blocker.pid = 4343;
  blocker.user = "blocker " + hostile;
  blocker.backend_type = "backend " + hostile;
  blocker.state = "state " + hostile;
  blocker.age_seconds = 60;
  blocker.query_start = "start " + hostile;
  facts.slot_probe.attempted = true;
  facts.slot_probe.sqlstate = "sqlstate " + hostile;
  facts.slot_probe.message = "probe " + hostile;
  facts.slot_probe.timed_out = true;
  facts.slot_probe.blockers = {blocker};
  facts.gathered_at = "at " + hostile;
  facts.user = "role " + hostile;
  facts.publication = "publication " + hostile;
  facts.deep = true;
  ConnectionFacts& connection = facts.connection;
  connection.dbname = "dbname " + hostile;
  connection.connected_as = "login " + hostile;
  connection.sslmode = "sslmode " + hostile;
  connection.ssl_protocol = "protocol " + hostile;
  connection.ssl_cipher = "cipher " + hostile;
  facts.server.version = "version " + hostile;
  if (platform == Platform::aurora) {
    facts.server.aurora_version = "aurora " + hostile;
  }
  facts.activity.prepared.back().owner = "owner " + hostile;
  facts.activity.prepared.back().database = "database " + hostile;
  for (SchemaFacts& each : facts.schemas) {
    each.owner = "owner " + hostile;
  }
  return facts;
}

ScopeRequest connected_options(const std::string& hostile) {
  ScopeRequest options;
  options.schemas = {"schema " + hostile, "missing " + hostile};
  return options;
}

// The connection failed: only the connection's strings are shown.
Facts failed_facts(const std::string& hostile) {
  Facts facts = FactsBuilder()
                    .host("host " + hostile)
                    .connection_failed(ConnectionFailure::authentication, "failure " + hostile)
                    .version(0)
                    .build();
  facts.connection.dbname = "dbname " + hostile;
  facts.connection.connected_as = "login " + hostile;
  facts.user = "role " + hostile;
  facts.gathered_at = "at " + hostile;
  return facts;
}

// Every gathering query failed: the checks say `error` with its message; the
// replication connection answered (its system identifier is shown).
Facts query_error_facts(const std::string& hostile) {
  FactsBuilder builder;
  for (const FactGroup group :
       {FactGroup::server, FactGroup::role, FactGroup::schemas, FactGroup::tables,
        FactGroup::publication, FactGroup::default_privileges, FactGroup::activity}) {
    builder.query_error(group, "sqlstate " + hostile, "refused " + hostile);
  }
  Facts facts = builder.host("host " + hostile).build();
  facts.server.version = "version " + hostile;
  facts.connection.dbname = "dbname " + hostile;
  facts.replication_connect.system_identifier = "system " + hostile;
  return facts;
}

struct Case {
  std::string label;
  Report report;
  bool utf8 = false;  // the corpus without bytes that are not UTF-8
};

// Every set of facts, with and without bytes that are not UTF-8.
std::vector<Case> hostile_cases(Strict strict) {
  std::vector<Case> cases;
  for (const bool utf8 : {false, true}) {
    const std::string& corpus = utf8 ? kHostileUtf8 : kHostile;
    const std::string name = utf8 ? "UTF-8" : "not UTF-8";
    for (const Platform platform : {Platform::aurora, Platform::rds, Platform::postgresql}) {
      cases.push_back(
          {std::string("connected to ") + to_string(platform) + ", " + name,
           report_of(connected_facts(corpus, platform), strict, connected_options(corpus)), utf8});
    }
    cases.push_back({"connection failed, " + name,
                     report_of(failed_facts(corpus), strict, connected_options(corpus)), utf8});
    cases.push_back({"every query refused, " + name,
                     report_of(query_error_facts(corpus), strict, connected_options(corpus)),
                     utf8});
  }
  return cases;
}

// The facts do show the corpus: every check that can show it needs attention.
void expect_every_check_needs_attention(const Report& report) {
  std::set<std::string> attention;
  for (const CheckResult& check : report.checks) {
    if (check.status == Status::fail || check.status == Status::warn ||
        check.status == Status::error) {
      attention.insert(check.id);
    }
  }
  for (const char* id : {"settings.logical_replication",
                         "settings.wal_sender_timeout",
                         "role.login",
                         "role.replication",
                         "replication.connect",
                         "grants.schema_usage",
                         "grants.table_select",
                         "grants.default_privileges",
                         "publication.tables",
                         "publication.actions",
                         "publication.partitions",
                         "tables.replica_identity",
                         "tables.toast",
                         "tables.names",
                         "tables.unlogged",
                         "tables.rls",
                         "tables.generated_columns",
                         "activity.long_transactions",
                         "slots.inactive",
                         "slots.clickpipes",
                         "replication.slot_probe"}) {
    EXPECT_EQ(attention.count(id), 1U) << id;
  }
}

// --- text

// The painter's own SGR sequences (ESC [ digits m) taken out.
std::string without_colours(const std::string& text) {
  std::string out;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '\x1b' && at + 1 < text.size() && text[at + 1] == '[') {
      const std::size_t end = text.find_first_not_of("0123456789;", at + 2);
      if (end != std::string::npos && text[end] == 'm') {
        at = end;
        continue;
      }
    }
    out += text[at];
  }
  return out;
}

TEST(HostileOutput, TextShowsEveryControlCharacterEscaped) {
  expect_every_check_needs_attention(hostile_cases(Strict::no).front().report);
  for (const Case& c : hostile_cases(Strict::no)) {
    SCOPED_TRACE(c.label);
    const std::string plain = render_text(c.report, Color::no);
    EXPECT_TRUE(inert(plain));
    EXPECT_THAT(plain, HasSubstr("\\x1b]52;c;cHduZWQ=\\x07"));
    EXPECT_THAT(plain, HasSubstr("\\x9b31m"));
    EXPECT_THAT(plain, HasSubstr("\\u2028\\u202E"));
    EXPECT_TRUE(inert(without_colours(render_text(c.report, Color::yes))));
  }
}

// The second line of the header names the server, from strings it reported.
TEST(HostileOutput, TextHeaderEscapesTheServerVersions) {
  for (const auto& [platform, start] :
       {std::pair{Platform::aurora, "Amazon Aurora PostgreSQL aurora \\x1b]52;c;"},
        std::pair{Platform::rds, "Amazon RDS for PostgreSQL version \\x1b]52;c;"},
        std::pair{Platform::postgresql, "PostgreSQL version \\x1b]52;c;"}}) {
    const std::string text = render_text(
        report_of(connected_facts(kHostile, platform), Strict::no, connected_options(kHostile)),
        Color::no);
    const std::size_t second = text.find('\n') + 1;
    const std::string header = text.substr(second, text.find('\n', second) - second);
    EXPECT_THAT(header, StartsWith(start));
    EXPECT_TRUE(inert(header));
  }
}

// --- JSON

TEST(HostileOutput, JsonEscapesEveryControlCharacterAndKeepsTheStrings) {
  for (const Case& c : hostile_cases(Strict::no)) {
    SCOPED_TRACE(c.label);
    const std::string json = render_json(c.report);
    EXPECT_TRUE(inert(json));
    const nlohmann::json parsed = nlohmann::json::parse(json);
    if (!c.utf8) {
      continue;  // its strings are changed: bytes that are not UTF-8 become U+FFFD
    }
    EXPECT_EQ(parsed.at("target").at("host"), c.report.target.host);
    EXPECT_EQ(parsed.at("target").at("server_version"), c.report.target.server_version);
    ASSERT_EQ(parsed.at("checks").size(), c.report.checks.size());
    for (std::size_t i = 0; i < c.report.checks.size(); ++i) {
      EXPECT_EQ(parsed.at("checks")[i].at("summary"), c.report.checks[i].summary);
      EXPECT_EQ(parsed.at("checks")[i].at("details"), c.report.checks[i].details);
    }
  }
}

// --- Markdown

// `markdown` with every fenced block and code span taken out (a code span
// replaced by a space), and every backslash escape by U+E000: what is left is the
// prose as CommonMark reads it, its only ASCII punctuation unescaped. A line of
// three or more backticks opens a block, unless its info string holds a backtick
// (then it is a paragraph opening with a code span); a code span closes at the
// next run of as many backticks, on the same line (the renderer never breaks one).
std::string bare_prose(const std::string& markdown) {
  std::string outside_blocks;
  std::string fence;
  std::size_t start = 0;
  while (start < markdown.size()) {
    std::size_t end = markdown.find('\n', start);
    end = end == std::string::npos ? markdown.size() : end + 1;
    const std::string line = markdown.substr(start, end - start);
    start = end;
    const std::string content = line.substr(0, line.find('\n'));
    const std::size_t run = std::min(content.find_first_not_of('`'), content.size());
    if (fence.empty()) {
      if (run >= 3 && content.find('`', run) == std::string::npos) {
        fence = content.substr(0, run);
      } else {
        outside_blocks += line;
      }
    } else if (run == content.size() && run >= fence.size()) {
      fence.clear();
    }
  }
  EXPECT_TRUE(fence.empty()) << "a fenced block is never closed";
  std::string bare;
  for (std::size_t at = 0; at < outside_blocks.size();) {
    const char c = outside_blocks[at];
    if (c == '\\' && at + 1 < outside_blocks.size() && outside_blocks[at + 1] != '\n') {
      bare += "\xee\x80\x80";
      at += 2;
      continue;
    }
    if (c != '`') {
      bare += c;
      ++at;
      continue;
    }
    const auto run_at = [&](std::size_t from) {
      return std::min(outside_blocks.find_first_not_of('`', from), outside_blocks.size()) - from;
    };
    const std::size_t length = run_at(at);
    const std::size_t line_end = std::min(outside_blocks.find('\n', at), outside_blocks.size());
    std::size_t close = outside_blocks.find('`', at + length);
    while (close < line_end && run_at(close) != length) {
      close = outside_blocks.find('`', close + run_at(close));
    }
    if (close >= line_end) {
      ADD_FAILURE() << "a backtick run opens no code span: "
                    << printable(outside_blocks.substr(at, 60));
      bare += c;
      ++at;
      continue;
    }
    bare += ' ';
    at = close + length;
  }
  return bare;
}

// The lines of `text` that are not `Docs: <a docs link of the report>`: the
// tool's own links, meant to be links.
std::string without_docs_lines(const std::string& text, const Report& report) {
  std::set<std::string> docs;
  for (const CheckResult& check : report.checks) {
    docs.insert("Docs: " + check.remediation.docs);
  }
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string line = text.substr(start, end - start);
    if (docs.count(line.substr(0, line.find('\n'))) == 0) {
      out += line;
    }
    start = end;
  }
  return out;
}

TEST(HostileOutput, MarkdownProseHoldsNoLiveSyntax) {
  for (const Case& c : hostile_cases(Strict::no)) {
    SCOPED_TRACE(c.label);
    const std::string markdown = render_markdown(c.report);
    EXPECT_TRUE(inert(markdown));
    const std::string prose = without_docs_lines(bare_prose(markdown), c.report);
    // What starts a link, an image, HTML, an entity, an autolink, emphasis, math
    // or a footnote: the renderer writes none of them itself.
    for (const std::string_view syntax :
         {"<", ">", "[", "]", "!", "&", "@", "_", "~", "$", "^", "{", "}", "=", "://", "www."}) {
      EXPECT_EQ(prose.find(syntax), std::string::npos) << "unescaped `" << syntax << "` in:\n"
                                                       << printable(prose, Newlines::keep);
    }
    // Its own markup: `#` opening headings, `*` around the counts, `|` between
    // the table's cells, `-` opening list items and the table's rule.
    std::size_t start = 0;
    while (start < prose.size()) {
      std::size_t end = prose.find('\n', start);
      end = end == std::string::npos ? prose.size() : end;
      const std::string line = prose.substr(start, end - start);
      start = end + 1;
      SCOPED_TRACE(printable(line));
      const bool heading = line.starts_with("## ") || line.starts_with("### ");
      EXPECT_EQ(line.find('#', heading ? line.find(' ') : 0), std::string::npos);
      const bool counts = line.starts_with("**") && line.ends_with("**");
      EXPECT_EQ(line.find('*', counts ? 2 : 0), counts ? line.size() - 2 : std::string::npos);
      const bool row = line.starts_with("| ") && line.ends_with(" |");
      if (row) {
        EXPECT_EQ(std::count(line.begin(), line.end(), '|'), 4);
      } else if (line != "|---|---|---|") {
        EXPECT_EQ(line.find('|'), std::string::npos);
      }
    }
  }
}

// The escapes change how the text is written, not what it reads.
TEST(HostileOutput, MarkdownProseReadsAsTheTextReport) {
  const Report report = hostile_cases(Strict::no).front().report;
  const std::string markdown = render_markdown(report);
  for (const CheckResult& check : report.checks) {
    std::string one_line = check.summary;
    std::replace(one_line.begin(), one_line.end(), '\n', ' ');
    std::replace(one_line.begin(), one_line.end(), '\r', ' ');
    std::string escaped;
    for (const char c : printable(one_line)) {
      if (std::string_view("!#$&()*+-.:<=>@[\\]^_`{|}~").find(c) != std::string_view::npos) {
        escaped += '\\';
      }
      escaped += c;
    }
    EXPECT_THAT(markdown, HasSubstr(" | " + escaped + " |\n")) << check.id;
  }
}

TEST(HostileOutput, MarkdownCodeSpansOutlastTheBackticksInside) {
  Report report = report_of(FactsBuilder().build());
  for (const auto& [host, span] : {std::pair<std::string, std::string>{"a`b", "``a`b:5432/app``"},
                                   {"`a", "`` `a:5432/app ``"},
                                   {"``", "``` ``:5432/app ```"},
                                   {" a", "` a:5432/app`"}}) {
    report.target.host = host;
    EXPECT_THAT(render_markdown(report), HasSubstr(span + " as `clickpipes_user`"));
  }
  report.target.host = "h";
  report.target.dbname = "d ";
  report.target.user = " ";
  EXPECT_THAT(render_markdown(report), HasSubstr("`h:5432/d ` as ` `"));
  report.target.user = "";
  EXPECT_THAT(render_markdown(report), HasSubstr(" as ` ` "));
  report.target.user = " x ";
  EXPECT_THAT(render_markdown(report), HasSubstr(" as `  x  ` "));
}

// --- JUnit

// xmllint (Debian's libxml2-utils, which scripts/test.sh installs) reads the
// document as any CI system's XML parser would.
::testing::AssertionResult well_formed(const std::string& xml) {
  static int documents = 0;
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("cdcp-hostile-" + std::to_string(getpid()) + "-" + std::to_string(++documents) + ".xml");
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << xml;
  }
  const std::string command = "xmllint --noout '" + path.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::filesystem::remove(path);
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "xmllint rejects the document (status " << status << "):\n"
         << printable(xml, Newlines::keep);
}

TEST(HostileOutput, JUnitIsWellFormedForXmllint) {
  if (std::system("xmllint --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "xmllint is not installed (Debian package libxml2-utils)";
  }
  for (const Strict strict : {Strict::no, Strict::yes}) {
    for (const Case& c : hostile_cases(strict)) {
      SCOPED_TRACE(c.label);
      const std::string xml = render_junit(judged(c.report, strict));
      EXPECT_TRUE(inert(xml));
      EXPECT_TRUE(well_formed(xml));
      EXPECT_THAT(xml, HasSubstr("\\uFFFE\\uFFFF"));
    }
  }
}

// --- --format sql

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

TEST(HostileOutput, SqlScriptRunsOnlyItsStatements) {
  for (const Case& c : hostile_cases(Strict::no)) {
    SCOPED_TRACE(c.label);
    const std::string script = render_sql(c.report);
    EXPECT_TRUE(inert(script));
    std::set<std::string> statements;
    for (const CheckResult& check : c.report.checks) {
      statements.insert(check.remediation.sql.begin(), check.remediation.sql.end());
    }
    for (const std::string& line : psql_lines(script)) {
      const bool allowed = line.empty() || line.starts_with("--") ||
                           line == "\\set ON_ERROR_STOP on" || statements.count(line) == 1;
      EXPECT_TRUE(allowed) << "line outside a comment: " << printable(line);
    }
  }
}

// A name that is UTF-8 is written with U& escapes: the statement runs, naming
// the object. One that is not cannot be written safely: the statement is withheld.
TEST(HostileOutput, SqlScriptEscapesUtf8NamesAndWithholdsTheRest) {
  const std::string escaped = render_sql(report_of(connected_facts(kHostileUtf8, Platform::aurora),
                                                   Strict::no, connected_options(kHostileUtf8)));
  EXPECT_THAT(escaped,
              HasSubstr("\nALTER TABLE " +
                        quote_qualified("schema " + kHostileUtf8, "table " + kHostileUtf8) +
                        " REPLICA IDENTITY FULL;\n"));
  EXPECT_THAT(escaped, HasSubstr("\nALTER TABLE U&\"schema \\001B]52;c;cHduZWQ=\\0007\\001B[2J"));
  EXPECT_THAT(escaped, Not(HasSubstr("withheld")));

  const std::string withheld = render_sql(report_of(connected_facts(kHostile, Platform::aurora),
                                                    Strict::no, connected_options(kHostile)));
  EXPECT_THAT(withheld, HasSubstr("\n-- withheld, it holds bytes that are not UTF-8 (shown as "
                                  "\\xNN): ALTER TABLE U&\"schema \\001B]52;c;"));
  EXPECT_THAT(withheld, Not(HasSubstr("\nALTER TABLE")));
}

// --- --format github

TEST(HostileOutput, GitHubCommandsCarryNoControlCharacter) {
  for (const Strict strict : {Strict::no, Strict::yes}) {
    for (const Case& c : hostile_cases(strict)) {
      SCOPED_TRACE(c.label);
      const std::string commands = render_github(judged(c.report, strict));
      EXPECT_TRUE(inert(commands));
      for (const std::string& line : psql_lines(commands)) {
        EXPECT_TRUE(line.empty() || line.starts_with("::")) << printable(line);
      }
      EXPECT_THAT(commands, HasSubstr("\\x1b]52;c;cHduZWQ=\\x07"));
    }
  }
}

}  // namespace
}  // namespace cdcpreflight::testing
