// `cdc-preflight check`: gather facts from a live server, evaluate, report.
#pragma once

#include "cli/options.h"

namespace cdcpreflight {

[[nodiscard]] ExitCode run_check(CheckOptions options);

// Async-signal-safe, for the SIGINT/SIGTERM handler: empties the -o file when
// the report in it is not yet whole, so an interrupted run leaves no report
// that could pass for a whole one (nor the one an earlier run left there).
void discard_unfinished_output() noexcept;

// The whole program: parse the command line and run what it asks for.
[[nodiscard]] int cli_main(int argc, const char* const* argv);

}  // namespace cdcpreflight
