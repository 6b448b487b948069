#include "cli/cli_check.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cdcpreflight/report.h"
#include "facts/redact.h"
#include "gather/connection.h"
#include "util/secrets.h"
#include "version.h"

namespace cdcpreflight {

namespace {

void set_up_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("cdc-preflight");
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

// The -o file while it may hold less than a whole report: from its opening
// (emptied, before any network step) until the report is written in full.
std::atomic<int> g_unfinished_output{-1};

bool write_output(const CheckOptions& options, int file, const std::string& text) {
  if (options.output.empty()) {
    std::cout << text << std::flush;
    return true;
  }
  std::string_view rest = text;
  bool written = true;
  while (!rest.empty()) {
    const ssize_t count = ::write(file, rest.data(), rest.size());
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count <= 0) {
      written = false;
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(count));
  }
  if (written) {
    g_unfinished_output = -1;
  }
  if (::close(file) != 0 || !written) {
    fmt::print(stderr, "{}: error: cannot write {}\n", kToolName, options.output);
    return false;
  }
  return true;
}

// --format github: GitHub shows the Markdown report on the run's summary page.
void append_step_summary(const Report& report) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') {
    return;
  }
  std::ofstream summary(path, std::ios::out | std::ios::app | std::ios::binary);
  summary << scrub_secrets(render_markdown(report)) << "\n";
  if (!summary) {
    spdlog::warn("could not append the report to GITHUB_STEP_SUMMARY ({})", path);
  }
}

// check --from FILE: a snapshot written by `collect`. A bad file is an input
// error (exit 2) with one line saying what is wrong, never a crash.
std::optional<Facts> load_snapshot(CheckOptions& options) {
  const auto refuse = [&](const std::string& why) {
    fmt::print(stderr, "{}: error: {}: {}\n", kToolName, options.from, why);
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
  // Refuse an unwritable -o before touching the network.
  int file = -1;
  if (!options.output.empty()) {
    file = ::open(options.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    g_unfinished_output = file;
    if (file < 0) {
      fmt::print(stderr, "{}: error: cannot write {}: {}\n", kToolName, options.output,
                 std::strerror(errno));
      return ExitCode::usage;
    }
  }
  Facts facts;
  if (!options.from.empty()) {
    auto loaded = load_snapshot(options);
    if (!loaded) {
      return ExitCode::usage;
    }
    facts = std::move(*loaded);
  } else {
    if (options.prompt_password) {
      auto password = prompt_password();
      if (!password) {
        fmt::print(stderr,
                   "{}: error: -W needs a terminal to prompt on; use PGPASSWORD or "
                   "~/.pgpass instead\n",
                   kToolName);
        return ExitCode::usage;
      }
      options.connect.password = std::move(*password);
    }
    GatherOptions gather_options;
    gather_options.user = options.scope.user;
    gather_options.publication = options.scope.publication;
    gather_options.statement_timeout_seconds = options.statement_timeout_seconds;
    gather_options.deep = options.scope.deep;
    try {
      facts = gather(options.connect, gather_options);
    } catch (const InvalidConninfo& error) {
      fmt::print(stderr, "{}: error: {}\n", kToolName, error.what());
      return ExitCode::usage;
    }
  }
  const bool connection_failed =
      facts.connection.failure != ConnectionFailure::none || !facts.connection.connected;

  if (options.command == Command::collect) {
    const Facts snapshot = options.redact ? redact(facts) : facts;
    const std::string written = scrub_secrets(nlohmann::json(snapshot).dump(
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
  if (!write_output(options, file, scrub_secrets(render(report, options)))) {
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
