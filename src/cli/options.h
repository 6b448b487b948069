// The command line: psql-style connection flags, scope and output options.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cdcpreflight/check.h"
#include "cdcpreflight/gather.h"

namespace cdcpreflight {

// Exit codes of ../shared/SPEC.md.
enum class ExitCode : int {
  ready = 0,
  not_ready = 1,
  usage = 2,
  connection = 3,
  interrupted = 130,
  terminated = 143,
};

enum class Format { text, json, junit, markdown, sql, github };
enum class Command { check, collect };
enum class ColorChoice { automatic, always, never };

struct CheckOptions {
  Command command = Command::check;
  std::string from;                // check --from FILE: evaluate a snapshot
  bool redact = false;             // collect --redact
  bool publication_given = false;  // --publication named explicitly
  ConnectOptions connect;
  bool prompt_password = false;  // -W
  int statement_timeout_seconds = 30;
  ScopeOptions scope;
  Format format = Format::text;
  std::string output;  // -o; empty: stdout
  ColorChoice color = ColorChoice::automatic;
  bool strict = false;
  int verbosity = 0;  // -1 quiet, 0 default, 1+ verbose
};

enum class CatalogueFormat { text, json, markdown };

// What the command line asks for: a check to run, the catalogue to print, or an
// exit code right away (after --help, --version or a usage error, already printed).
struct ParsedCommandLine {
  std::optional<CheckOptions> check;
  std::optional<CatalogueFormat> catalogue;
  ExitCode exit_code = ExitCode::ready;
};

[[nodiscard]] ParsedCommandLine parse_command_line(int argc, const char* const* argv);

}  // namespace cdcpreflight
