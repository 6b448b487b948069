// Running a program on a terminal, as a user at a keyboard does: a pseudo-terminal
// is its controlling terminal (/dev/tty) and its stdin, stdout and stderr.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "process.h"

namespace cdcpreflight::integration {

struct TerminalRun {
  int exit_code = -1;      // 128 + signal number when killed by a signal
  std::string screen;      // everything the program wrote to the terminal, as the terminal got it
  bool answered = false;   // the prompt appeared and the answer was typed
  bool timed_out = false;  // killed at options.timeout
};

// Runs argv (environment as run_process makes it from options.env and
// options.inherit_pg_env) on a new pseudo-terminal; once `prompt` appears on the
// screen, types `answer` and Enter, once. options.stdin_text and the signal
// options are not used. Throws std::runtime_error when no terminal can be made.
[[nodiscard]] TerminalRun run_on_terminal(const std::vector<std::string>& argv,
                                          const ProcessOptions& options, std::string_view prompt,
                                          std::string_view answer);

// Exit code, timeout and the screen, for failure messages.
[[nodiscard]] std::string describe_terminal_run(const TerminalRun& run);

}  // namespace cdcpreflight::integration
