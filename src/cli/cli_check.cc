#include "cli/cli_check.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cdcpreflight/report.h"
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
  switch (options.format) {
    case Format::json:
      return render_json(report);
    case Format::sql:
      return render_sql(report);
    case Format::text:
      break;
  }
  return render_text(report, use_color(options) ? Color::yes : Color::no);
}

}  // namespace

ExitCode run_check(CheckOptions options) {
  set_up_logging(options.verbosity);
  // Refuse an unwritable -o before touching the network.
  std::ofstream file;
  if (!options.output.empty()) {
    file.open(options.output, std::ios::out | std::ios::trunc | std::ios::binary);
    if (!file) {
      fmt::print(stderr, "{}: error: cannot write {}: {}\n", kToolName, options.output,
                 std::strerror(errno));
      return ExitCode::usage;
    }
  }
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
  Facts facts;
  try {
    facts = gather(options.connect, gather_options);
  } catch (const InvalidConninfo& error) {
    fmt::print(stderr, "{}: error: {}\n", kToolName, error.what());
    return ExitCode::usage;
  }

  const Scope scope = resolve_scope(facts, options.scope);
  const Report report = build_report(facts, scope, run_checks(facts, scope),
                                     options.strict ? Strict::yes : Strict::no);
  const std::string rendered = scrub_secrets(render(report, options));
  if (options.output.empty()) {
    std::cout << rendered << std::flush;
  } else {
    file << rendered;
    file.close();
    if (!file) {
      fmt::print(stderr, "{}: error: cannot write {}\n", kToolName, options.output);
      return ExitCode::usage;
    }
  }
  if (facts.connection.failure != ConnectionFailure::none || !facts.connection.connected) {
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
