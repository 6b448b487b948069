// `cdc-preflight check`: gather facts from a live server, evaluate, report.
#pragma once

#include "cli/options.h"

namespace cdcpreflight {

[[nodiscard]] ExitCode run_check(CheckOptions options);

// The whole program: parse the command line and run what it asks for.
[[nodiscard]] int cli_main(int argc, const char* const* argv);

}  // namespace cdcpreflight
