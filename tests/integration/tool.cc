#include "tool.h"

#include "cdcpreflight/check.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace cdcpreflight::integration {
namespace {

std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

void append_strings(std::string& text, const nlohmann::json& value) {
  if (value.is_string()) {
    text += value.get<std::string>();
    text += '\n';
  } else if (value.is_array()) {
    for (const auto& item : value) append_strings(text, item);
  }
}

// What a run writes that docs/schema describes: the report of `check --format
// json` (exit 0, 1 or 3) or the snapshot of `collect` (exit 0 or 3), on stdout
// or in the -o file.
struct JsonOutput {
  std::string schema;  // report or snapshot: docs/schema/<schema>.schema.json
  std::string path;    // the -o file; empty: stdout
};

std::optional<JsonOutput> json_output_of(const std::vector<std::string>& args, int exit_code) {
  std::string command = "check";
  std::string format = "text";
  std::string output;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (i == 0 && (arg == "check" || arg == "collect" || arg == "checks" || arg == "completion")) {
      command = arg;
    } else if (arg == "--help" || arg == "--version") {
      return std::nullopt;
    } else if (arg == "--format" && has_value) {
      format = args[++i];
    } else if (arg.starts_with("--format=")) {
      format = arg.substr(std::string_view("--format=").size());
    } else if ((arg == "-o" || arg == "--output") && has_value) {
      output = args[++i];
    } else if (arg.starts_with("--output=")) {
      output = arg.substr(std::string_view("--output=").size());
    }
  }
  if (command == "check" && format == "json" &&
      (exit_code == 0 || exit_code == 1 || exit_code == 3)) {
    return JsonOutput{"report", output};
  }
  if (command == "collect" && (exit_code == 0 || exit_code == 3)) {
    return JsonOutput{"snapshot", output};
  }
  return std::nullopt;
}

// tests/schema/validate.py --serve, started at the first document to validate
// and kept for the test process: one python3 start (~0.2 s) for all, not one per
// run of the tool. Tests run the tool from several threads: one request at a
// time. It ends when this process does (the end of its stdin).
class SchemaValidator {
 public:
  // What is wrong with `text` as docs/schema/<schema>.schema.json describes it,
  // one error a line; empty when it matches.
  std::string errors(const std::string& schema, const std::string& text) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (pid_ < 0) start();
    const std::string request = schema + " " + std::to_string(text.size()) + "\n" + text;
    std::string line;
    std::size_t length = 0;
    std::string answer;
    if (!write_all(request) || !read_line(line) ||
        std::from_chars(line.data(), line.data() + line.size(), length).ptr !=
            line.data() + line.size() ||
        !read_exactly(length, answer)) {
      stop();
      return "tests/schema/validate.py --serve gave no answer within 60 s (its stderr says why)";
    }
    return answer;
  }

  ~SchemaValidator() { stop(); }

 private:
  void start() {
    ::signal(SIGPIPE, SIG_IGN);  // a validator that died is an answer missing, not our end
    std::array<int, 2> requests{};
    std::array<int, 2> answers{};
    if (::pipe2(requests.data(), O_CLOEXEC) != 0 || ::pipe2(answers.data(), O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
    std::string program = std::string(CDCP_SOURCE_DIR) + "/tests/schema/validate.py";
    std::string serve = "--serve";
    std::string schemas = std::string(CDCP_SOURCE_DIR) + "/docs/schema";
    std::array<char*, 4> argv = {program.data(), serve.data(), schemas.data(), nullptr};
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid_ == 0) {
      ::signal(SIGPIPE, SIG_DFL);
      if (::dup2(requests[0], STDIN_FILENO) < 0 || ::dup2(answers[1], STDOUT_FILENO) < 0) {
        ::_exit(127);
      }
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(requests[0]);
    ::close(answers[1]);
    to_ = requests[1];
    from_ = answers[0];
  }

  void stop() {
    if (pid_ < 0) return;
    ::close(to_);
    ::close(from_);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  bool write_all(std::string_view data) const {
    while (!data.empty()) {
      const ssize_t written = ::write(to_, data.data(), data.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
  }

  // Waits for the answer, 60 s at most: a validator that hangs fails the test.
  [[nodiscard]] bool readable() const {
    pollfd wanted{from_, POLLIN, 0};
    int ready = 0;
    do {
      ready = ::poll(&wanted, 1, 60'000);
    } while (ready < 0 && errno == EINTR);
    return ready > 0;
  }

  bool read_exactly(std::size_t size, std::string& data) const {
    data.resize(size);
    for (std::size_t done = 0; done < size;) {
      if (!readable()) return false;
      const ssize_t count = ::read(from_, data.data() + done, size - done);
      if (count < 0 && errno == EINTR) continue;
      if (count <= 0) return false;
      done += static_cast<std::size_t>(count);
    }
    return true;
  }

  bool read_line(std::string& line) const {
    line.clear();
    char c = 0;
    while (true) {
      if (!readable()) return false;
      const ssize_t count = ::read(from_, &c, 1);
      if (count < 0 && errno == EINTR) continue;
      if (count <= 0) return false;
      if (c == '\n') return !line.empty();
      line += c;
    }
  }

  std::mutex mutex_;
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
};

// Fails the current test when the report or snapshot the run wrote does not
// match its schema.
void expect_matches_schema(const std::vector<std::string>& argv, const ProcessResult& result,
                           const JsonOutput& output) {
  std::string text = result.out;
  if (!output.path.empty()) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(output.path, error)) {
      return;  // -o /dev/null, a FIFO, …: nothing to read back
    }
    std::ifstream file(output.path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(file), {});
  }
  static SchemaValidator validator;
  const std::string errors = text.empty() ? "it is empty" : validator.errors(output.schema, text);
  if (!errors.empty()) {
    ADD_FAILURE() << "the " << output.schema << " written by " << describe_command(argv)
                  << " does not match docs/schema/" << output.schema << ".schema.json:\n"
                  << errors;
  }
}

ProcessResult run_tool_with(const std::vector<std::string>& args, const EnvChanges& env,
                            std::chrono::seconds timeout, int signal,
                            std::chrono::milliseconds signal_after) {
  ProcessOptions options = tool_options(env, timeout);
  options.send_signal = signal;
  options.send_signal_after = signal_after;
  std::vector<std::string> argv = {CDCP_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = run_process(argv, options);
  if (result.timed_out) {
    ADD_FAILURE() << "cdc-preflight did not finish within " << timeout.count()
                  << " s and was killed: " << describe_command(argv) << "\n"
                  << describe_result(result);
  } else if (const std::optional<JsonOutput> output = json_output_of(args, result.exit_code)) {
    expect_matches_schema(argv, result, *output);
  }
  return result;
}

}  // namespace

ProcessOptions tool_options(const EnvChanges& env, std::chrono::seconds timeout) {
  ProcessOptions options;
  options.inherit_pg_env = InheritPgEnv::no;
  options.env = env;
  options.env["NO_COLOR"] = "1";
  if (!options.env.contains("PGPASSFILE")) {
    options.env["PGPASSFILE"] = "/nonexistent/cdcp-integration-tests/pgpass";
  }
  options.timeout = timeout;
  return options;
}

const std::vector<std::string>& implemented_checks() {
  // In catalogue order (`cdc-preflight checks`); the unit tests pin the ids to the spec.
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> all;
    for (const cdcpreflight::CheckDefinition& check : cdcpreflight::catalogue()) {
      all.emplace_back(check.id);
    }
    return all;
  }();
  return ids;
}

ProcessResult run_tool(const std::vector<std::string>& args, const EnvChanges& env,
                       std::chrono::seconds timeout) {
  return run_tool_with(args, env, timeout, 0, std::chrono::milliseconds(0));
}

ProcessResult run_tool_interrupted(const std::vector<std::string>& args, const EnvChanges& env,
                                   int signal, std::chrono::milliseconds after) {
  return run_tool_with(args, env, std::chrono::seconds(60), signal, after);
}

nlohmann::json parse_report(const ProcessResult& run) {
  nlohmann::json report = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object()) {
    ADD_FAILURE() << "stdout is not a JSON report: " << describe_result(run);
    return nullptr;
  }
  return report;
}

nlohmann::json field(const nlohmann::json& report, const std::string& pointer) {
  const nlohmann::json::json_pointer where(pointer);
  return report.contains(where) ? report.at(where) : nlohmann::json();
}

const nlohmann::json& check(const nlohmann::json& report, std::string_view id) {
  static const nlohmann::json absent;
  if (!report.is_object() || !report.contains("checks")) return absent;
  for (const auto& item : report.at("checks")) {
    if (item.is_object() && item.value("id", "") == id) return item;
  }
  return absent;
}

std::string status_of(const nlohmann::json& report, std::string_view id) {
  const nlohmann::json& found = check(report, id);
  if (!found.is_object()) return "absent";
  return found.value("status", "no status");
}

std::map<std::string, std::string> statuses(const nlohmann::json& report) {
  std::map<std::string, std::string> result;
  for (const auto& id : implemented_checks()) result[id] = status_of(report, id);
  return result;
}

std::map<std::string, std::string> all_pass_except(
    const std::map<std::string, std::string>& expected) {
  std::map<std::string, std::string> result;
  for (const auto& id : implemented_checks()) result[id] = "pass";
  result["replication.slot_probe"] = "skip";  // runs only with --deep
  result["slots.clickpipes"] = "skip";        // no ClickPipes slot on a test server
  for (const char* id : {"aws.cluster", "aws.parameter_group", "aws.network"}) {
    result[id] = "skip";  // only with --aws
  }
  for (const auto& [id, status] : expected) result[id] = status;
  return result;
}

int server_major(const nlohmann::json& report) {
  const nlohmann::json version = field(report, "/target/server_version_num");
  return version.is_number_integer() ? version.get<int>() / 10000 : 0;
}

std::map<std::string, std::string> all_pass_on_major_except(
    int major, const std::map<std::string, std::string>& expected) {
  std::map<std::string, std::string> with_version = expected;
  if (major < kOldestSupportedMajor) with_version.emplace("server.version", "fail");
  if (major < kSlotWalKeepSizeMajor) with_version.emplace("settings.wal_retention", "skip");
  return all_pass_except(with_version);
}

std::map<std::string, std::string> all_pass_except(
    const nlohmann::json& report, const std::map<std::string, std::string>& expected) {
  return all_pass_on_major_except(server_major(report), expected);
}

std::string remediation_sql(const nlohmann::json& check) {
  std::string script;
  if (!check.is_object() || !check.contains("remediation")) return script;
  const nlohmann::json& remediation = check.at("remediation");
  if (!remediation.is_object() || !remediation.contains("sql")) return script;
  for (const auto& statement : remediation.at("sql")) {
    if (!statement.is_string()) continue;
    std::string text = statement.get<std::string>();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (text.empty()) continue;
    if (text.back() != ';') text += ';';
    script += text + "\n";
  }
  return script;
}

std::string check_text(const nlohmann::json& check) {
  std::string text;
  if (!check.is_object()) return text;
  append_strings(text, check.value("summary", nlohmann::json()));
  append_strings(text, check.value("details", nlohmann::json()));
  if (check.contains("remediation") && check.at("remediation").is_object()) {
    const nlohmann::json& remediation = check.at("remediation");
    append_strings(text, remediation.value("steps", nlohmann::json()));
    append_strings(text, remediation.value("commands", nlohmann::json()));
  }
  return text;
}

bool contains_ignoring_case(std::string_view text, std::string_view word) {
  return lowercase(text).find(lowercase(word)) != std::string::npos;
}

}  // namespace cdcpreflight::integration
