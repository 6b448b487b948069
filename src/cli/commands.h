// The sub-commands, in one table (in the spirit of ninja's tools): each has a
// name, a line of help, its own flags and what it does. check is the default.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/flags.h"

namespace cdcpreflight::cli {

class Command {
 public:
  virtual ~Command() = default;
  // Declares the command's flags on its sub-command, bound to its options.
  virtual void add_flags(CLI::App& app) = 0;
  // Runs once the command line is parsed; prints the usage errors it finds.
  [[nodiscard]] virtual ExitCode run(const CLI::App& app) = 0;
};

struct CommandEntry {
  std::string_view name;
  std::string_view help;
  std::unique_ptr<Command> (*make)();
  bool listed = true;  // in --help, the man page and the completions
};

[[nodiscard]] std::unique_ptr<Command> make_check_command();
[[nodiscard]] std::unique_ptr<Command> make_collect_command();
[[nodiscard]] std::unique_ptr<Command> make_checks_command();
[[nodiscard]] std::unique_ptr<Command> make_completion_command();
// The man page, in roff (run at build time; not listed).
[[nodiscard]] std::unique_ptr<Command> make_manpage_command();

// Every sub-command; the first is the default.
[[nodiscard]] std::span<const CommandEntry> commands();

// Connection settings, exit codes: the footer of check's and collect's help.
inline constexpr const char* kFooter =
    "Connection settings not given as flags come from libpq: PGHOST, PGPORT, PGUSER, "
    "PGDATABASE, PGPASSWORD, PGSSLMODE, PGSERVICE, ~/.pgpass. -d also takes a conninfo "
    "string or a postgres:// URI.\n"
    "Exit codes: 0 ready, 1 not ready, 2 usage or input error, 3 could not connect or "
    "connection lost, 130/143 interrupted.";

// collect's: it writes facts, not verdicts.
inline constexpr const char* kCollectFooter =
    "Connection settings not given as flags come from libpq: PGHOST, PGPORT, PGUSER, "
    "PGDATABASE, PGPASSWORD, PGSSLMODE, PGSERVICE, ~/.pgpass. -d also takes a conninfo "
    "string or a postgres:// URI.\n"
    "Exit codes: 0 the snapshot was written, 2 usage or input error (or it could not be "
    "written), 3 could not connect or connection lost (the snapshot, still written, records "
    "it), 130/143 interrupted.";

// One usage error on stderr, masked and escaped, pointing at --help.
void print_usage_error(std::string_view message);

// The whole program: parse the command line and run what it asks for.
[[nodiscard]] int cli_main(int argc, const char* const* argv);

}  // namespace cdcpreflight::cli
