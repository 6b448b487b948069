#include "cli/cli_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cdcpreflight/report.h"
#include "facts/redact.h"
#include "gather/connection.h"
#include "util/printable.h"
#include "version.h"

namespace cdcpreflight {

namespace {

// Diagnostics quote servers, snapshots and file names: each message is escaped
// (util/printable.h) before it reaches the terminal.
class PrintableSink : public spdlog::sinks::ansicolor_stderr_sink_mt {
 public:
  PrintableSink() : spdlog::sinks::ansicolor_stderr_sink_mt(spdlog::color_mode::automatic) {}

  void log(const spdlog::details::log_msg& message) override {
    const std::string payload = printable(
        std::string_view(message.payload.data(), message.payload.size()), Newlines::escape);
    spdlog::details::log_msg escaped(message.time, message.source, message.logger_name,
                                     message.level, payload);
    spdlog::sinks::ansicolor_stderr_sink_mt::log(escaped);
  }
};

void set_up_logging(int verbosity) {
  auto logger =
      std::make_shared<spdlog::logger>("cdc-preflight", std::make_shared<PrintableSink>());
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  if (verbosity < 0) {
    spdlog::set_level(spdlog::level::err);
  } else if (verbosity == 0) {
    spdlog::set_level(spdlog::level::warn);
  } else if (verbosity == 1) {
    spdlog::set_level(spdlog::level::debug);
  } else {
    spdlog::set_level(spdlog::level::trace);
  }
}

// Reads a password from the terminal without echo; never from a pipe, so a CI
// job cannot hang on a prompt.
std::optional<std::string> prompt_password() {
  if (isatty(STDIN_FILENO) != 1) {
    return std::nullopt;  // a pipeline or a CI job: never wait for an answer
  }
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) {
    return std::nullopt;
  }
  const int fd = fileno(tty);
  termios saved{};
  if (tcgetattr(fd, &saved) != 0) {
    std::fclose(tty);
    return std::nullopt;
  }
  termios silent = saved;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::fputs("Password: ", tty);
  std::fflush(tty);
  tcsetattr(fd, TCSAFLUSH, &silent);
  std::string password;
  for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty)) {
    password += static_cast<char>(c);
  }
  tcsetattr(fd, TCSAFLUSH, &saved);
  std::fputs("\n", tty);
  std::fclose(tty);
  return password;
}

bool use_color(const CheckOptions& options) {
  switch (options.color) {
    case ColorChoice::always:
      return true;
    case ColorChoice::never:
      return false;
    case ColorChoice::automatic:
      break;
  }
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return options.output.empty() && isatty(STDOUT_FILENO) == 1 &&
         (no_color == nullptr || *no_color == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

std::string render(const Report& report, const CheckOptions& options) {
  const Strict strict = options.strict ? Strict::yes : Strict::no;
  switch (options.format) {
    case Format::json:
      return render_json(report);
    case Format::junit:
      return render_junit(report, strict);
    case Format::markdown:
      return render_markdown(report);
    case Format::sql:
      return render_sql(report);
    case Format::github:
      return render_github(report, strict);
    case Format::text:
      break;
  }
  return render_text(report, use_color(options) ? Color::yes : Color::no);
}

// One line on stderr for what stops a run (exit 2): the words may quote a file
// name or a snapshot, so they are escaped.
template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "{}: error: {}\n", kToolName,
             printable(fmt::format(format, std::forward<Args>(args)...)));
}

// The -o file while it may hold less than a whole report: from the moment the
// run is under way until the report is written in full. SIGINT/SIGTERM then
// empty it (discard_unfinished_output).
std::atomic<int> g_unfinished_output{-1};

// The -o file, opened only once everything a usage error can come from has
// been checked, and without emptying it: an earlier report there stays whole
// until this run has a whole one to put in its place (or is interrupted).
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { close(); }

  // False, with the reason printed, when the file cannot be written.
  [[nodiscard]] bool open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    created_ = fd_ >= 0;
    if (fd_ < 0 && errno == EEXIST) {
      fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    }
    if (fd_ < 0) {
      print_error("cannot write {}: {}", path, std::strerror(errno));
      return false;
    }
    g_unfinished_output = fd_;
    return true;
  }

  // Replaces the file's contents with `text`.
  [[nodiscard]] bool write(std::string_view text) {
    bool written = ::ftruncate(fd_, 0) == 0 && ::lseek(fd_, 0, SEEK_SET) == 0;
    while (written && !text.empty()) {
      const ssize_t count = ::write(fd_, text.data(), text.size());
      if (count < 0 && errno == EINTR) {
        continue;
      }
      if (count <= 0) {
        written = false;
        break;
      }
      text.remove_prefix(static_cast<std::size_t>(count));
    }
    g_unfinished_output = -1;
    const bool closed = ::close(fd_) == 0;
    fd_ = -1;
    created_ = false;
    if (!written || !closed) {
      print_error("cannot write {}", path_);
      return false;
    }
    return true;
  }

  // A run that ends before writing (a usage error) leaves the file as it found
  // it: an existing one untouched, a new one removed.
  void close() {
    if (fd_ < 0) {
      return;
    }
    g_unfinished_output = -1;
    ::close(fd_);
    fd_ = -1;
    if (created_) {
      ::unlink(path_.c_str());
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool created_ = false;
};

bool write_output(const CheckOptions& options, OutputFile& file, const std::string& text) {
  if (options.output.empty()) {
    std::cout << text << std::flush;
    return true;
  }
  return file.write(text);
}

// Whether two paths name the same existing file.
bool same_file(const std::string& a, const std::string& b) {
  struct stat first {};
  struct stat second {};
  return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 &&
         first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

// --format github: GitHub shows the Markdown report on the run's summary page.
void append_step_summary(const Report& report) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') {
    return;
  }
  std::ofstream summary(path, std::ios::out | std::ios::app | std::ios::binary);
  summary << render_markdown(report) << "\n";
  if (!summary) {
    spdlog::warn("could not append the report to GITHUB_STEP_SUMMARY ({})", path);
  }
}

// check --from FILE: a snapshot written by `collect`. A bad file is an input
// error (exit 2) with one line saying what is wrong, never a crash.
std::optional<Facts> load_snapshot(CheckOptions& options) {
  const auto refuse = [&](const std::string& why) {
    print_error("{}: {}", options.from, why);
    return std::nullopt;
  };
  std::ifstream in(options.from, std::ios::in | std::ios::binary);
  if (!in) {
    return refuse(std::strerror(errno));
  }
  Facts facts;
  try {
    const nlohmann::json json = nlohmann::json::parse(in);
    if (!json.is_object() || !json.contains("facts_version")) {
      return refuse("not a cdc-preflight snapshot (no facts_version)");
    }
    facts = json.get<Facts>();
  } catch (const std::exception& error) {
    std::string why = error.what();
    if (why.size() > 200) {  // a parser quotes the token, which may be megabytes
      why = why.substr(0, 200) + "…";
    }
    return refuse(fmt::format("not a valid snapshot: {}", why));
  }
  if (!options.scope.user.empty() && options.scope.user != facts.user) {
    return refuse(fmt::format("the snapshot was gathered for role {}, not {}", facts.user,
                              options.scope.user));
  }
  if (options.publication_given && options.scope.publication != facts.publication) {
    return refuse(fmt::format("the snapshot was gathered for publication {}, not {}",
                              facts.publication, options.scope.publication));
  }
  options.scope.publication = facts.publication;
  options.scope.deep = facts.slot_probe.attempted;
  return facts;
}

}  // namespace

void discard_unfinished_output() noexcept {
  if (const int file = g_unfinished_output.load(); file >= 0) {
    [[maybe_unused]] const int ignored = ::ftruncate(file, 0);
  }
}

ExitCode run_check(CheckOptions options) {
  set_up_logging(options.verbosity);
  if (!options.from.empty() && !options.output.empty() && same_file(options.from, options.output)) {
    print_error("-o {} is the snapshot being read (--from): write the report elsewhere",
                options.output);
    return ExitCode::usage;
  }
  Facts facts;
  OutputFile file;
  if (!options.from.empty()) {
    auto loaded = load_snapshot(options);
    if (!loaded || (!options.output.empty() && !file.open(options.output))) {
      return ExitCode::usage;
    }
    facts = std::move(*loaded);
  } else {
    try {
      check_connect_options(options.connect);
    } catch (const InvalidConninfo& error) {
      print_error("{}", error.what());
      return ExitCode::usage;
    }
    if (options.prompt_password) {
      auto password = prompt_password();
      if (!password) {
        print_error("-W needs a terminal to prompt on; use PGPASSWORD or ~/.pgpass instead");
        return ExitCode::usage;
      }
      options.connect.password = std::move(*password);
    }
    // Refuse an unwritable -o before touching the network.
    if (!options.output.empty() && !file.open(options.output)) {
      return ExitCode::usage;
    }
    GatherOptions gather_options;
    gather_options.user = options.scope.user;
    gather_options.publication = options.scope.publication;
    gather_options.statement_timeout_seconds = options.statement_timeout_seconds;
    gather_options.deep = options.scope.deep;
    try {
      facts = gather(options.connect, gather_options);
    } catch (const InvalidConninfo& error) {
      print_error("{}", error.what());
      return ExitCode::usage;
    }
  }
  const bool connection_failed =
      facts.connection.failure != ConnectionFailure::none || !facts.connection.connected;

  if (options.command == Command::collect) {
    const Facts snapshot = options.redact ? redact(facts) : facts;
    const std::string written = escape_hidden_in_json(nlohmann::json(snapshot).dump(
                                    2, ' ', false, nlohmann::json::error_handler_t::replace)) +
                                "\n";
    if (!write_output(options, file, written)) {
      return ExitCode::usage;
    }
    return connection_failed ? ExitCode::connection : ExitCode::ready;
  }

  const Scope scope = resolve_scope(facts, options.scope);
  const Report report = build_report(facts, scope, run_checks(facts, scope),
                                     options.strict ? Strict::yes : Strict::no);
  if (!write_output(options, file, render(report, options))) {
    return ExitCode::usage;
  }
  if (options.format == Format::github) {
    append_step_summary(report);
  }
  if (connection_failed) {
    return ExitCode::connection;
  }
  return report.summary.ready ? ExitCode::ready : ExitCode::not_ready;
}

int cli_main(int argc, const char* const* argv) {
  ParsedCommandLine parsed = parse_command_line(argc, argv);
  if (parsed.catalogue) {
    switch (*parsed.catalogue) {
      case CatalogueFormat::text:
        std::cout << render_catalogue_text();
        break;
      case CatalogueFormat::json:
        std::cout << render_catalogue_json();
        break;
      case CatalogueFormat::markdown:
        std::cout << render_catalogue_markdown();
        break;
    }
    return static_cast<int>(ExitCode::ready);
  }
  if (!parsed.check) {
    return static_cast<int>(parsed.exit_code);
  }
  return static_cast<int>(run_check(std::move(*parsed.check)));
}

}  // namespace cdcpreflight
