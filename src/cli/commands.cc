#include "cli/commands.h"

#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cdcpreflight/gather.h"
#include "cli/help.h"
#include "util/printable.h"
#include "util/secrets.h"
#include "version.h"

namespace cdcpreflight::cli {

namespace {

constexpr const char* kDescription =
    "Checks whether a PostgreSQL database (Amazon Aurora, RDS or self-managed) is ready to be "
    "a CDC source for ClickPipes, and prints the exact fix for everything that is not.";

constexpr std::array kCommands{
    CommandEntry{"check",
                 "Check a live database (`check` may be left out: it is the default command)",
                 make_check_command},
    CommandEntry{"collect",
                 "Write the facts gathered from a live database as a JSON snapshot, for "
                 "`check --from` (e.g. by support)",
                 make_collect_command},
    CommandEntry{"checks", "List the checks, their ids and what they verify", make_checks_command},
    CommandEntry{"completion", "Print a completion script for bash, zsh or fish",
                 make_completion_command},
    CommandEntry{"manpage", "Print the man page (roff)", make_manpage_command, false},
};

bool is_command(std::string_view arg) {
  for (const CommandEntry& command : kCommands) {
    if (command.name == arg) {
      return true;
    }
  }
  return false;
}

// -W/--password prompts and -w/--no-password forbids prompting: neither takes a
// value. One typed after it anyway (`--password Sekr1t`, `--password=Sekr1t`,
// `-WSekr1t`) is most likely a password, so the refusal never echoes it.
bool is_password_flag(std::string_view arg) {
  return arg == "-W" || arg == "--password" || arg == "-w" || arg == "--no-password";
}

bool gives_a_password_flag_a_value(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      return false;
    }
    if (is_password_flag(arg) && i + 1 < args.size() && !args[i + 1].starts_with('-') &&
        !is_command(args[i + 1])) {
      return true;
    }
    if (arg.starts_with("--password=") || arg.starts_with("--no-password=")) {
      return true;
    }
    // Short flags may be stacked (-wq); anything else after -W or -w is a value.
    if ((arg.starts_with("-W") || arg.starts_with("-w")) && arg.size() > 2 &&
        arg.find_first_not_of("wWqv", 1) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// "cdc-preflight 0.1.0 (git 3914e1b2c4d5, libpq 15.10)": what was built, from
// which revision, and the libpq it runs with.
std::string version_line() {
  return fmt::format("{} {} (git {}, libpq {})", kToolName, kToolVersion, kGitRevision,
                     libpq_version());
}

}  // namespace

std::span<const CommandEntry> commands() { return kCommands; }

void print_usage_error(std::string_view message) {
  fmt::print(stderr, "{}: error: {} (see --help)\n", kToolName,
             printable(mask_inline_passwords(message)));
}

int cli_main(int argc, const char* const* argv) {
  // The first command is the default: it is inserted unless one is named.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args.front() == "--help") {
    fmt::print("{}", overview_help());
    return static_cast<int>(ExitCode::ready);
  }
  if (args.empty() || (!is_command(args.front()) && args.front() != "--version")) {
    args.insert(args.begin(), std::string(kCommands.front().name));
  }
  if (gives_a_password_flag_a_value(args)) {
    print_usage_error(
        "-W/--password and -w/--no-password take no value (-W prompts for the password; "
        "PGPASSWORD or ~/.pgpass give it without a prompt); what followed was not used");
    return static_cast<int>(ExitCode::usage);
  }

  CLI::App app(kDescription, kToolName);
  app.formatter(std::make_shared<HelpFormatter>());  // the commands inherit it
  app.set_help_flag("--help", "Print this help and exit");
  app.set_version_flag("--version", version_line(), "Print the version and exit");
  app.require_subcommand(1);
  app.footer(kFooter);
  std::vector<std::unique_ptr<Command>> made;
  std::vector<CLI::App*> subcommands;
  for (const CommandEntry& entry : kCommands) {
    CLI::App* sub = app.add_subcommand(std::string(entry.name), std::string(entry.help));
    if (!entry.listed) {
      sub->group("");  // not in CLI11's help either
    }
    sub->set_help_flag("--help", "Print this help and exit");
    // Extra arguments are collected, not thrown: CLI11's own message lists
    // them in reverse order.
    sub->allow_extras();
    made.push_back(entry.make());
    made.back()->add_flags(*sub);
    subcommands.push_back(sub);
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes them reversed
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    const CLI::App* shown = subcommands.front();
    for (const CLI::App* sub : subcommands) {
      shown = sub->parsed() ? sub : shown;
    }
    fmt::print("{}", shown->help(kToolName));
    return static_cast<int>(ExitCode::ready);
  } catch (const CLI::CallForVersion&) {
    fmt::print("{}\n", version_line());
    return static_cast<int>(ExitCode::ready);
  } catch (const CLI::ParseError& error) {
    print_usage_error(error.what());
    return static_cast<int>(ExitCode::usage);
  }
  for (std::size_t i = 0; i < subcommands.size(); ++i) {
    if (!subcommands[i]->parsed()) {
      continue;
    }
    if (const std::vector<std::string> extras = subcommands[i]->remaining(); !extras.empty()) {
      print_usage_error(fmt::format("the following argument{} not expected: {}",
                                    extras.size() == 1 ? " was" : "s were",
                                    fmt::join(extras, " ")));
      return static_cast<int>(ExitCode::usage);
    }
    return static_cast<int>(made[i]->run(*subcommands[i]));
  }
  return static_cast<int>(ExitCode::usage);
}

}  // namespace cdcpreflight::cli
