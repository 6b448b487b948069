// The samples of cdc-preflight's output in README.md and docs/*.md, made again by the
// real binary against real servers and compared byte for byte: a page cannot show
// output the tool no longer prints.
//
// A sample is a fenced block right after a marker line of its own (an HTML comment,
// which GitHub does not show):
//
//   <!-- sample: STATE [ARG…] [| OPTION]… -->
//   ```
//   …what the tool prints…
//   ```
//
// STATE is where the tool runs and as whom (one server per state, shared by its samples):
//   offline         no server, no connection (checks, --help, completion …)
//   demo            scripts/demo.sh's server as the demo creates it (a freshly created
//                   Aurora cluster; the server's settings and SQL are read from the script),
//                   as clickpipes_user over TCP: -h localhost -p PORT -U clickpipes_user -d app
//   demo-aws        the same, reached through the endpoint name of the fresh cluster
//                   cdc-fresh of the local AWS endpoint (tests/integration/fake_aws), as the
//                   demo does: -d "host=… hostaddr=127.0.0.1 …" --aws-endpoint-url URL
//   demo-fixed      the demo's server after its step 3: the tool's --format sql script run by
//                   the admin, the parameter group change emulated, the server restarted
//   support         no connection; snapshot.json is a redacted snapshot collected by the
//                   admin for clickpipes_user (kSupportSchemaSql)
// ARGs are the tool's arguments after the state's connection arguments (words separated
// by spaces, no quoting); a first word check, collect, checks or completion comes first.
// The file after -o, --output or --from is in the state's directory; with -o the sample
// is the file written. OPTIONs:
//   exit N             the tool exits with N
//   from LINE          the output from its first line equal to LINE to its end
//   sections PART, …   an excerpt of a text report: `header` (the lines before the first
//                      blank line), a section by its heading line (to the next blank line),
//                      `verdict` (the last line), in that order, joined by a line `…`
//   prompt PROMPT      the block starts with PROMPT, a space, the command line as a user
//                      types it (the state's password as PGPASSWORD=...), and a blank line
// docs/checks.md is `cdc-preflight checks --format markdown`, whole.
//
// What differs between runs is replaced on both sides by normalise() before comparing.
//
// After a deliberate change to the tool's output, rewrite every sample with
//   CDCP_UPDATE_DOCS=1 build/tests/integration/integration_tests --gtest_filter='DocsSamples.*'
// and review the diff (git diff README.md docs), the prose around each sample included.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fake_aws.h"
#include "pg_server.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

namespace fs = std::filesystem;

// The server the samples show: Debian 12's PostgreSQL 15. Another major prints other
// verdicts (settings.wal_retention, publication.partitions …): the samples are not its.
constexpr int kSamplesMajor = 15;

// --- Normalisation --------------------------------------------------------------------

// A text that differs between two runs of the same sample, and what the samples show
// instead of it.
struct Variable {
  std::string actual;
  std::string shown;
};

// What must vary between runs and nothing else: each variable's actual text becomes its
// shown text. The variables (see the states' set-up) are the ports servers listen on
// (PostgreSQL's shown as 5432, the local AWS endpoint's as 4566, LocalStack's port), each
// replaced only where it is a whole number (not part of a longer one), and the server's
// version string (SHOW server_version: its patch release and Debian revision), shown as
// kShownServerVersion. Applied to the sample and to the tool's output alike; applying it
// twice changes nothing.
std::string normalise(std::string text, const std::vector<Variable>& variables) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  for (const Variable& variable : variables) {
    if (variable.actual.empty() || variable.actual == variable.shown) continue;
    const bool number = std::all_of(variable.actual.begin(), variable.actual.end(), is_digit);
    std::string out;
    std::size_t from = 0;
    for (std::size_t at = text.find(variable.actual); at != std::string::npos;
         at = text.find(variable.actual, at + 1)) {
      const std::size_t end = at + variable.actual.size();
      if (number &&
          ((at > 0 && is_digit(text[at - 1])) || (end < text.size() && is_digit(text[end])))) {
        continue;
      }
      out.append(text, from, at - from);
      out += variable.shown;
      from = end;
      at = end - 1;
    }
    out.append(text, from, std::string::npos);
    text = std::move(out);
  }
  return text;
}

constexpr std::string_view kShownPostgresPort = "5432";
constexpr std::string_view kShownAwsPort = "4566";
constexpr std::string_view kShownServerVersion = "15.18 (Debian 15.18-0+deb12u1)";

std::vector<Variable> server_variables(const PgServer& server) {
  std::string version = server.sql("SHOW server_version;");
  while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) version.pop_back();
  return {{std::to_string(server.port()), std::string(kShownPostgresPort)},
          {version, std::string(kShownServerVersion)}};
}

// --- Pages and their samples ------------------------------------------------------------

constexpr std::string_view kMarkerOpen = "<!-- sample: ";
constexpr std::string_view kMarkerClose = " -->";

const std::set<std::string, std::less<>> kStates = {"offline", "demo", "demo-aws", "demo-fixed",
                                                    "support"};
const std::set<std::string, std::less<>> kCommands = {"check", "collect", "checks", "completion"};

fs::path source_dir() { return fs::path(CDCP_SOURCE_DIR); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return out.good();
}

bool updating() {
  const char* update = std::getenv("CDCP_UPDATE_DOCS");
  return update != nullptr && std::string_view(update) == "1";
}

// The lines of a text, without their line breaks; a last line without one counts.
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t end = text.find('\n', from);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(from));
      break;
    }
    lines.emplace_back(text.substr(from, end - from));
    from = end + 1;
  }
  return lines;
}

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at = text.find(separator); at != std::string_view::npos;
       at = text.find(separator, from)) {
    parts.emplace_back(text.substr(from, at - from));
    from = at + separator.size();
  }
  parts.emplace_back(text.substr(from));
  return parts;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

struct Sample {
  std::string page;  // relative to the source directory
  int index = 0;     // among the page's samples
  int line = 0;      // of the marker, from 1
  std::string spec;  // the marker's text after "sample: "
  std::string state;
  std::vector<std::string> args;
  std::optional<int> exit_code;
  std::optional<std::string> from;
  std::vector<std::string> sections;
  std::optional<std::string> prompt;
  std::string block;  // the fenced block's text, each line with its line break
  std::size_t block_begin = 0;
  std::size_t block_end = 0;
  std::string error;  // why the marker cannot be used; empty when it can

  [[nodiscard]] std::string where() const {
    return page + ":" + std::to_string(line) + " (sample: " + spec + ")";
  }
};

// A fenced block with no marker, for the check that no report is left unmarked.
struct UnmarkedBlock {
  std::string page;
  int line = 0;
  std::string text;
};

void read_spec(Sample& sample) {
  const std::vector<std::string> parts = split(sample.spec, " | ");
  const std::vector<std::string> words = words_of(parts.front());
  if (words.empty()) {
    sample.error = "the marker names no state";
    return;
  }
  sample.state = words.front();
  sample.args.assign(words.begin() + 1, words.end());
  if (!kStates.contains(sample.state)) {
    sample.error = "unknown state `" + sample.state + "`";
    return;
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& option = parts[i];
    const std::size_t space = option.find(' ');
    const std::string name = option.substr(0, space);
    const std::string value = space == std::string::npos ? "" : option.substr(space + 1);
    if (name == "exit" && !value.empty() &&
        value.find_first_not_of("0123456789") == std::string::npos) {
      sample.exit_code = std::stoi(value);
    } else if (name == "from" && !value.empty()) {
      sample.from = value;
    } else if (name == "sections" && !value.empty()) {
      sample.sections = split(value, ", ");
    } else if (name == "prompt" && !value.empty()) {
      sample.prompt = value;
    } else {
      sample.error = "unknown option `" + option + "`";
      return;
    }
  }
  if (sample.from && !sample.sections.empty()) sample.error = "both `from` and `sections`";
}

struct Page {
  std::string name;
  std::vector<Sample> samples;
  std::vector<UnmarkedBlock> unmarked;
};

Page parse_page(const std::string& name) {
  Page page{name, {}, {}};
  const std::string text = read_file(source_dir() / name);
  struct Line {
    std::size_t begin;
    std::string text;
  };
  std::vector<Line> lines;
  for (std::size_t from = 0; from < text.size();) {
    const std::size_t end = text.find('\n', from);
    const std::size_t stop = end == std::string::npos ? text.size() : end;
    lines.push_back({from, text.substr(from, stop - from)});
    from = end == std::string::npos ? text.size() : end + 1;
  }
  const auto begin_of = [&](std::size_t i) {
    return i < lines.size() ? lines[i].begin : text.size();
  };
  const auto fence_of = [](const std::string& line) {
    return line.substr(0, std::min(line.find_first_not_of('`'), line.size()));
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i].text;
    const bool marker = line.starts_with(kMarkerOpen);
    const std::string fence = fence_of(marker && i + 1 < lines.size() ? lines[i + 1].text : line);
    if (fence.size() < 3 && !marker) continue;
    const std::size_t open = marker ? i + 1 : i;
    std::size_t close = open + 1;
    while (close < lines.size() && lines[close].text != fence) ++close;
    if (!marker) {
      page.unmarked.push_back(
          {name, static_cast<int>(i + 1),
           text.substr(begin_of(open + 1), begin_of(close) - begin_of(open + 1))});
      i = close;
      continue;
    }
    Sample sample;
    sample.page = name;
    sample.index = static_cast<int>(page.samples.size());
    sample.line = static_cast<int>(i + 1);
    if (!line.ends_with(kMarkerClose)) {
      sample.spec = line.substr(kMarkerOpen.size());
      sample.error = "the marker does not end with ` -->` on its line";
    } else {
      sample.spec =
          line.substr(kMarkerOpen.size(), line.size() - kMarkerOpen.size() - kMarkerClose.size());
      read_spec(sample);
    }
    if (fence.size() < 3) {
      if (sample.error.empty()) sample.error = "the marker is not followed by a fenced block";
      page.samples.push_back(std::move(sample));
      continue;
    }
    if (close >= lines.size()) {
      if (sample.error.empty()) sample.error = "its fenced block is not closed";
    } else {
      sample.block_begin = begin_of(open + 1);
      sample.block_end = begin_of(close);
      sample.block = text.substr(sample.block_begin, sample.block_end - sample.block_begin);
    }
    page.samples.push_back(std::move(sample));
    i = close;
  }
  return page;
}

// README.md and every page of docs/ but docs/checks.md, which is a generated whole.
std::vector<std::string> page_names() {
  std::vector<std::string> names = {"README.md"};
  for (const fs::directory_entry& entry : fs::directory_iterator(source_dir() / "docs")) {
    const std::string file = entry.path().filename().string();
    if (entry.is_regular_file() && file.ends_with(".md") && file != "checks.md") {
      names.push_back("docs/" + file);
    }
  }
  std::sort(names.begin() + 1, names.end());
  return names;
}

// --- Differences -----------------------------------------------------------------------

// A unified diff of two texts by lines (3 lines of context), `want` numbered from
// `want_first_line`.
std::string unified_diff(const std::string& want, const std::string& got, int want_first_line) {
  const std::vector<std::string> a = lines_of(want);
  const std::vector<std::string> b = lines_of(got);
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // common[i][j]: the length of the longest common subsequence of a[i…] and b[j…].
  std::vector<std::vector<int>> common(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      common[i][j] =
          a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  struct Edit {
    char kind;  // ' ', '-', '+'
    std::size_t a_line;
    std::size_t b_line;
    std::string text;
  };
  std::vector<Edit> edits;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', i, j, a[i]});
      ++i;
      ++j;
    } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
      edits.push_back({'-', i, j, a[i]});
      ++i;
    } else {
      edits.push_back({'+', i, j, b[j]});
      ++j;
    }
  }
  constexpr std::size_t kContext = 3;
  std::string out;
  for (std::size_t k = 0; k < edits.size();) {
    if (edits[k].kind == ' ') {
      ++k;
      continue;
    }
    std::size_t first = k >= kContext ? k - kContext : 0;
    std::size_t last = k;  // one past the hunk's last edit
    for (std::size_t scan = k; scan < edits.size(); ++scan) {
      if (edits[scan].kind != ' ') last = scan + 1;
      if (scan >= last + 2 * kContext) break;
    }
    last = std::min(edits.size(), last + kContext);
    std::size_t a_count = 0;
    std::size_t b_count = 0;
    std::string body;
    for (std::size_t e = first; e < last; ++e) {
      if (edits[e].kind != '+') ++a_count;
      if (edits[e].kind != '-') ++b_count;
      body += edits[e].kind + edits[e].text + "\n";
    }
    out += "@@ -" +
           std::to_string(static_cast<std::size_t>(want_first_line) + edits[first].a_line) + "," +
           std::to_string(a_count) + " +" + std::to_string(edits[first].b_line + 1) + "," +
           std::to_string(b_count) + " @@\n" + body;
    k = last;
  }
  if (out.empty()) out = "(the texts differ only in their last line break)\n";
  return out;
}

// Compares, or with CDCP_UPDATE_DOCS=1 keeps the new text for write_updates().
class SampleChecker {
 public:
  void compare(const Sample& sample, const std::string& produced,
               const std::vector<Variable>& variables) {
    const std::string want = normalise(sample.block, variables);
    const std::string got = normalise(produced, variables);
    if (updating()) {
      if (want != got) updates_[sample.page][sample.index] = {sample.spec, got};
      return;
    }
    EXPECT_TRUE(want == got) << sample.where() << " is not what the tool prints:\n"
                             << "--- " << sample.page << " (the sample)\n"
                             << "+++ cdc-preflight's output\n"
                             << unified_diff(want, got, sample.line + 2)
                             << "(CDCP_UPDATE_DOCS=1 rewrites the samples; review the diff and "
                                "the prose around them)";
  }

  // Rewrites the samples that differ, in place.
  void write_updates() {
    for (const auto& [name, replacements] : updates_) {
      const Page page = parse_page(name);
      std::string text = read_file(source_dir() / name);
      for (auto it = replacements.rbegin(); it != replacements.rend(); ++it) {
        const auto& [index, replacement] = *it;
        const std::size_t at = static_cast<std::size_t>(index);
        ASSERT_LT(at, page.samples.size()) << name << " changed while being updated";
        const Sample& sample = page.samples[at];
        ASSERT_EQ(sample.spec, replacement.first) << name << " changed while being updated";
        text.replace(sample.block_begin, sample.block_end - sample.block_begin, replacement.second);
      }
      ASSERT_TRUE(write_file(source_dir() / name, text)) << "cannot write " << name;
      std::cout << "rewrote " << replacements.size() << " sample(s) of " << name << "\n";
    }
    updates_.clear();
  }

 private:
  // page -> sample index -> (its spec, its new text)
  std::map<std::string, std::map<int, std::pair<std::string, std::string>>> updates_;
};

// --- Running a sample --------------------------------------------------------------------

// Where and as whom a sample's tool runs.
struct State {
  std::vector<std::string> connection;  // after the command word
  EnvChanges env;
  std::string shown_env;  // how a prompt shows env, e.g. "PGPASSWORD=... "
  std::string dir;        // where the files named after -o, --output, --from are
  std::vector<Variable> variables;
};

std::string shell_word(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\"'$\\&;|<>()*?`") == std::string::npos) return word;
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The part of `output` the sample shows, or nullopt with `error` saying why there is none.
std::optional<std::string> excerpt(const Sample& sample, const std::string& output,
                                   std::string& error) {
  if (!sample.from && sample.sections.empty()) return output;
  const std::vector<std::string> lines = lines_of(output);
  if (sample.from) {
    const auto found = std::find(lines.begin(), lines.end(), *sample.from);
    if (found == lines.end()) {
      error = "the output has no line `" + *sample.from + "`";
      return std::nullopt;
    }
    std::string text;
    for (auto line = found; line != lines.end(); ++line) text += *line + "\n";
    return text;
  }
  const auto blank = [](const std::string& line) { return line.empty(); };
  std::string text;
  for (const std::string& part : sample.sections) {
    std::vector<std::string>::const_iterator first;
    std::vector<std::string>::const_iterator last;
    if (part == "header") {
      first = lines.begin();
      last = std::find_if(lines.begin(), lines.end(), blank);
    } else if (part == "verdict") {
      if (lines.empty()) {
        error = "the output is empty";
        return std::nullopt;
      }
      first = lines.end() - 1;
      last = lines.end();
    } else {
      first = std::find(lines.begin(), lines.end(), part);
      if (first == lines.end()) {
        error = "the output has no section `" + part + "`";
        return std::nullopt;
      }
      last = std::find_if(first, lines.end(), blank);
    }
    if (!text.empty()) text += "…\n";
    for (auto line = first; line != last; ++line) text += *line + "\n";
  }
  return text;
}

// Runs the sample's command in `state`; nullopt (after a failure naming the sample) when
// it did not give what the marker says.
std::optional<std::string> produce(const Sample& sample, const State& state) {
  std::vector<std::string> argv;
  std::vector<std::string> shown;
  std::size_t first = 0;
  if (!sample.args.empty() && kCommands.contains(sample.args.front())) {
    argv.push_back(sample.args.front());
    shown.push_back(sample.args.front());
    first = 1;
  }
  argv.insert(argv.end(), state.connection.begin(), state.connection.end());
  shown.insert(shown.end(), state.connection.begin(), state.connection.end());
  fs::path written;
  for (std::size_t i = first; i < sample.args.size(); ++i) {
    const std::string& arg = sample.args[i];
    argv.push_back(arg);
    shown.push_back(arg);
    if ((arg == "-o" || arg == "--output" || arg == "--from") && i + 1 < sample.args.size()) {
      const fs::path file = fs::path(state.dir) / sample.args[i + 1];
      argv.push_back(file.string());
      shown.push_back(sample.args[++i]);
      if (arg != "--from") written = file;
    }
  }
  if (!written.empty()) fs::remove(written);
  const ProcessResult run = run_tool(argv, state.env);
  if (sample.exit_code && run.exit_code != *sample.exit_code) {
    ADD_FAILURE() << sample.where() << ": the tool exited with " << run.exit_code
                  << ", the marker says " << *sample.exit_code << "\n"
                  << describe_result(run);
    return std::nullopt;
  }
  if (!written.empty() && !fs::exists(written)) {
    ADD_FAILURE() << sample.where() << ": the tool wrote no " << written << "\n"
                  << describe_result(run);
    return std::nullopt;
  }
  const std::string output = written.empty() ? run.out : read_file(written);
  std::string error;
  std::optional<std::string> text = excerpt(sample, output, error);
  if (!text) {
    ADD_FAILURE() << sample.where() << ": " << error << "\n" << describe_result(run);
    return std::nullopt;
  }
  if (!sample.prompt) return text;
  std::string command = *sample.prompt + " " + state.shown_env + "cdc-preflight";
  for (const std::string& word : shown) command += " " + shell_word(word);
  return command + "\n\n" + *text;
}

// A fresh /tmp directory of this test's own, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/cdcp-it-docs-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// --- scripts/demo.sh, read -----------------------------------------------------------------

// What the demo builds, as scripts/demo.sh says: its here-documents and variables.
struct DemoScript {
  std::string admin;
  std::string user;
  std::string dbname;
  std::vector<std::string> server_conf;  // its postgresql.conf lines but the network's
  std::string roles_sql;                 // run by the admin in database postgres
  std::string database_sql;              // run by the admin in the demo's database
  std::vector<std::pair<std::string, std::string>> fixed_conf;  // step 3c's settings
  std::string error;                                            // when the script is unreadable
};

DemoScript read_demo_script() {
  DemoScript demo;
  const std::string script = read_file(source_dir() / "scripts" / "demo.sh");
  const std::vector<std::string> lines = lines_of(script);
  struct HereDocument {
    std::string word;
    bool quoted;
    std::vector<std::string> body;
  };
  std::vector<HereDocument> documents;
  const std::regex opening(R"(<<(')?([A-Z]+)'?$)");
  const std::regex assignment(R"(^([A-Z_]+)=([a-z_]+)$)");
  std::map<std::string, std::string> values;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch match;
    if (std::regex_match(lines[i], match, assignment)) values[match[1]] = match[2];
    if (!std::regex_search(lines[i], match, opening)) continue;
    HereDocument document{match[2], match[1].matched, {}};
    for (++i; i < lines.size() && lines[i] != document.word; ++i) document.body.push_back(lines[i]);
    documents.push_back(std::move(document));
  }
  demo.admin = values["ADMIN"];
  demo.user = values["DEMO_USER"];
  demo.dbname = values["DEMO_DB"];
  std::vector<const HereDocument*> conf;
  std::vector<const HereDocument*> sql;
  for (const HereDocument& document : documents) {
    if (document.word == "CONF") conf.push_back(&document);
    if (document.word == "SQL") sql.push_back(&document);
  }
  if (demo.admin.empty() || demo.user.empty() || demo.dbname.empty() || conf.size() != 2 ||
      sql.size() != 2) {
    demo.error =
        "scripts/demo.sh no longer has the shape this test reads (ADMIN=, DEMO_USER=, DEMO_DB=, "
        "two <<CONF and two <<SQL here-documents): update read_demo_script()";
    return demo;
  }
  const std::map<std::string, std::string> substitutions = {
      {"$ADMIN", demo.admin},
      {"$DEMO_USER", demo.user},
      {"$DEMO_DB", demo.dbname},
      {"$DEMO_PASSWORD", std::string(kRolePassword)}};
  const auto expand = [&](const HereDocument& document, std::string line) {
    if (document.quoted) return line;
    for (const auto& [name, value] : substitutions) {
      for (std::size_t at = line.find(name); at != std::string::npos; at = line.find(name, at)) {
        line.replace(at, name.size(), value);
        at += value.size();
      }
    }
    if (line.find('$') != std::string::npos) {
      demo.error = "scripts/demo.sh uses a variable this test does not know: " + line;
    }
    return line;
  };
  // The harness sets the server's address, port and socket directory itself.
  const std::regex network(R"(^(listen_addresses|port|unix_socket_directories)\s*=.*)");
  const std::regex setting(R"(^([a-z_.]+)\s*=\s*'?([^']*)'?\s*$)");
  for (const std::string& line : conf[0]->body) {
    if (line.empty() || line.starts_with('#') || std::regex_match(line, network)) continue;
    demo.server_conf.push_back(expand(*conf[0], line));
  }
  for (const std::string& line : sql[0]->body) demo.roles_sql += expand(*sql[0], line) + "\n";
  for (const std::string& line : sql[1]->body) demo.database_sql += expand(*sql[1], line) + "\n";
  for (const std::string& line : conf[1]->body) {
    std::smatch match;
    if (line.empty() || line.starts_with('#')) continue;
    if (!std::regex_match(line, match, setting)) {
      demo.error = "scripts/demo.sh step 3c: not a setting: " + line;
      continue;
    }
    demo.fixed_conf.emplace_back(match[1], match[2]);
  }
  return demo;
}

// --- The support snapshot's database -----------------------------------------------------

// On the setup guide's database app (schema app, with the partitioned app.events): a
// schema billing, granted when it held one table; billing.payments, created since, is
// unreadable, and nothing grants SELECT on billing's future tables. The tables holding rows
// are analyzed, as autovacuum would have done (it never analyzes a partitioned table).
constexpr std::string_view kSupportSchemaSql =
    "CREATE SCHEMA billing;\n"
    "CREATE TABLE billing.invoices (id bigint PRIMARY KEY, customer_id bigint, total numeric(12, "
    "2));\n"
    "ALTER TABLE billing.invoices REPLICA IDENTITY FULL;\n"
    "GRANT USAGE ON SCHEMA billing TO clickpipes_user;\n"
    "GRANT SELECT ON ALL TABLES IN SCHEMA billing TO clickpipes_user;\n"
    "CREATE TABLE billing.payments (id bigint PRIMARY KEY, invoice_id bigint, amount numeric(12, "
    "2));\n"
    "ALTER TABLE billing.payments REPLICA IDENTITY FULL;\n"
    "INSERT INTO billing.invoices VALUES (1, 1, 12.50), (2, 2, 99.00);\n"
    "INSERT INTO billing.payments VALUES (1, 1, 12.50);\n"
    "ANALYZE app.customers, app.orders, app.events_2025, app.events_2026_a, app.events_2026_b,\n"
    "  billing.invoices, billing.payments;\n";

// --- The suite ----------------------------------------------------------------------------

class DocsSamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pages_.clear();
    for (const std::string& name : page_names()) pages_.push_back(parse_page(name));
  }

  // The usable samples of these states, in page order.
  [[nodiscard]] static std::vector<const Sample*> samples_of(
      const std::set<std::string, std::less<>>& states) {
    std::vector<const Sample*> found;
    for (const Page& page : pages_) {
      for (const Sample& sample : page.samples) {
        if (sample.error.empty() && states.contains(sample.state)) found.push_back(&sample);
      }
    }
    return found;
  }

  // Why the samples of a server cannot be made here, or empty.
  [[nodiscard]] static std::string server_unavailable() {
    const std::string bin_dir = PgServerOptions::default_pg_bin_dir();
    if (std::string reason = PgServer::unavailable_reason(bin_dir); !reason.empty()) return reason;
    const int major = PgServer::major_version_of(bin_dir);
    if (major != kSamplesMajor) {
      return "the samples show PostgreSQL " + std::to_string(kSamplesMajor) + ", and " + bin_dir +
             " is " + std::to_string(major);
    }
    return {};
  }

  void check(const std::vector<const Sample*>& samples, const State& state) {
    for (const Sample* sample : samples) {
      SCOPED_TRACE(sample->where());
      if (const std::optional<std::string> produced = produce(*sample, state)) {
        checker_.compare(*sample, *produced, state.variables);
      }
    }
  }

  void TearDown() override { checker_.write_updates(); }

  static inline std::vector<Page> pages_;
  SampleChecker checker_;
};

TEST_F(DocsSamples, EveryMarkerIsReadableAndEveryReportMarked) {
  int samples = 0;
  for (const Page& page : pages_) {
    for (const Sample& sample : page.samples) {
      ++samples;
      EXPECT_TRUE(sample.error.empty()) << sample.where() << ": " << sample.error;
    }
    // A report pasted without a marker would drift unseen: its check lines give it away.
    for (const UnmarkedBlock& block : page.unmarked) {
      for (const std::string& line : lines_of(block.text)) {
        const std::size_t text = line.find_first_not_of(' ');
        const bool report_line = text != std::string::npos && (line.compare(text, 4, "✓ ") == 0 ||
                                                               line.compare(text, 4, "✗ ") == 0);
        EXPECT_FALSE(report_line) << block.page << ":" << block.line
                                  << ": a block showing a report has no sample marker: " << line;
        if (report_line) break;
      }
    }
  }
  EXPECT_GT(samples, 0) << "no sample marker in README.md or docs/";
}

TEST_F(DocsSamples, ChecksPageIsTheCatalogue) {
  const ProcessResult run = run_tool({"checks", "--format", "markdown"});
  ASSERT_EQ(run.exit_code, 0) << describe_result(run);
  const fs::path path = source_dir() / "docs" / "checks.md";
  const std::string page = read_file(path);
  if (updating()) {
    if (page != run.out) {
      ASSERT_TRUE(write_file(path, run.out)) << "cannot write " << path;
    }
    return;
  }
  EXPECT_TRUE(page == run.out)
      << "docs/checks.md is not `cdc-preflight checks --format markdown`:\n"
      << "--- docs/checks.md\n+++ cdc-preflight's output\n"
      << unified_diff(page, run.out, 1) << "(CDCP_UPDATE_DOCS=1 rewrites it)";
}

TEST_F(DocsSamples, Offline) {
  const std::vector<const Sample*> samples = samples_of({"offline"});
  if (samples.empty()) GTEST_SKIP() << "no sample of state offline";
  const TempDir dir;
  check(samples, State{{}, {}, "", dir.path(), {}});
}

// scripts/demo.sh's server, its samples before the fixes (demo, demo-aws), the demo's
// step 3, and its samples after (demo-fixed).
TEST_F(DocsSamples, Demo) {
  const std::vector<const Sample*> fresh = samples_of({"demo"});
  const std::vector<const Sample*> aws = samples_of({"demo-aws"});
  const std::vector<const Sample*> fixed = samples_of({"demo-fixed"});
  if (fresh.empty() && aws.empty() && fixed.empty()) GTEST_SKIP() << "no sample of the demo";
  if (const std::string reason = server_unavailable(); !reason.empty()) GTEST_SKIP() << reason;
  const DemoScript demo = read_demo_script();
  ASSERT_TRUE(demo.error.empty()) << demo.error;

  // As the demo: its settings, no TLS, no platform emulation but its own SQL's.
  PgServerOptions options;
  options.tls = false;
  options.conf_lines = demo.server_conf;
  PgServer server(options);
  (void)server.sql(demo.roles_sql);
  (void)server.sql(demo.database_sql, demo.dbname);
  const TempDir dir;
  const std::string port = std::to_string(server.port());
  const State tcp{{"-h", "localhost", "-p", port, "-U", demo.user, "-d", demo.dbname},
                  {{"PGPASSWORD", std::string(kRolePassword)}},
                  "PGPASSWORD=... ",
                  dir.path(),
                  server_variables(server)};
  check(fresh, tcp);

  std::string aws_unavailable;
  if (!aws.empty()) aws_unavailable = FakeAws::unavailable_reason();
  if (!aws.empty() && aws_unavailable.empty()) {
    const FakeAws endpoint;
    State through_endpoint{{"-d",
                            "host=" + cluster_host("cdc-fresh") + " hostaddr=127.0.0.1 port=" +
                                port + " user=" + demo.user + " dbname=" + demo.dbname,
                            "--aws-endpoint-url", endpoint.url()},
                           endpoint.env(),
                           "PGPASSWORD=... ",
                           dir.path(),
                           server_variables(server)};
    through_endpoint.env["PGPASSWORD"] = std::string(kRolePassword);
    through_endpoint.variables.push_back(
        {endpoint.url().substr(endpoint.url().rfind(':') + 1), std::string(kShownAwsPort)});
    check(aws, through_endpoint);
  }

  if (!fixed.empty()) {
    // Step 3: the script --format sql writes, run by the admin; the parameter group
    // change and the writer's reboot, emulated; what rds_replication means on Aurora.
    const fs::path script = fs::path(dir.path()) / "demo-fix.sql";
    std::vector<std::string> args = tcp.connection;
    args.insert(args.end(), {"--format", "sql", "-o", script.string()});
    const ProcessResult written = run_tool(args, tcp.env);
    ASSERT_LE(written.exit_code, 1) << describe_result(written);
    const ProcessResult applied = server.run_sql_file(script.string(), demo.dbname);
    ASSERT_EQ(applied.exit_code, 0) << describe_result(applied);
    for (const auto& [name, value] : demo.fixed_conf) server.set_conf(name, value);
    server.restart();
    emulate_rds_replication_membership(server, demo.user);
    check(fixed, tcp);
  }
  if (!aws_unavailable.empty()) {
    if (std::getenv("CI") != nullptr) FAIL() << aws_unavailable;
    GTEST_SKIP() << "the demo-aws samples are not checked: " << aws_unavailable;
  }
}

// A redacted snapshot, collected by the admin through the cluster's endpoint name (TLS
// verified) for clickpipes_user, then read offline as support reads it.
TEST_F(DocsSamples, SupportSnapshot) {
  const std::vector<const Sample*> samples = samples_of({"support"});
  if (samples.empty()) GTEST_SKIP() << "no sample of state support";
  if (const std::string reason = server_unavailable(); !reason.empty()) GTEST_SKIP() << reason;
  PgServerOptions options;
  options.emulation = Emulation::aurora;
  options.conf_lines = {"rds.logical_replication = on", "wal_level = logical",
                        "wal_sender_timeout = 0"};
  PgServer server(options);
  create_login_role(server, kClickpipesUser, ReplicationGrant::granted, StatsGrant::missing);
  create_ready_database(server, "app", kClickpipesUser);
  create_partitioned_events(server, "app");
  (void)server.sql(kSupportSchemaSql, "app");
  // The engine version of the cluster the local AWS endpoint describes, as in the demo
  // (the harness's follows the server's patch release).
  (void)server.sql(
      "CREATE OR REPLACE FUNCTION pg_catalog.aurora_version() RETURNS text LANGUAGE sql AS "
      "$$ SELECT '15.4.1' $$;",
      "app");
  const TempDir dir;
  const ProcessResult collected =
      run_tool({"collect", "-h", cluster_host("mydb"), "-p", std::to_string(server.port()), "-U",
                std::string(PgServer::kAdminUser), "-d", "app", "--user",
                std::string(kClickpipesUser), "--redact", "-o", dir.path() + "/snapshot.json"},
               {{"PGPASSWORD", std::string(PgServer::kAdminPassword)},
                {"PGHOSTADDR", "127.0.0.1"},
                {"PGSSLMODE", "verify-full"},
                {"PGSSLROOTCERT", server.ca_file()}});
  ASSERT_EQ(collected.exit_code, 0) << describe_result(collected);
  check(samples, State{{}, {}, "", dir.path(), server_variables(server)});
}

}  // namespace
}  // namespace cdcpreflight::integration
