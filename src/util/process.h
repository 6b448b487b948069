// Runs a program with its output captured and its run bounded: what the tool
// asks of the AWS CLI. The program is found on PATH, reads /dev/null, runs in a
// process group of its own, and is killed (with whatever it started) when its
// time is up or the tool is interrupted.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cdcpreflight {

struct ProcessResult {
  bool started = false;    // false: the program could not be run (see spawn_error)
  int spawn_error = 0;     // errno of the failed start (ENOENT: not on PATH)
  bool timed_out = false;  // killed once the time was up
  int exit_code = -1;      // its exit status; -1 when killed by a signal
  std::string out;         // what it wrote on stdout (at most the first 64 MiB)
  std::string err;         // and on stderr (at most the first 1 MiB)
};

// `environment` is added to (or replaces in) the tool's own environment.
[[nodiscard]] ProcessResult run_process(
    const std::vector<std::string>& argv,
    const std::vector<std::pair<std::string, std::string>>& environment, int timeout_seconds);

// Async-signal-safe, for a SIGINT/SIGTERM handler: kills every process group
// run_process has started and not yet reaped.
void kill_running_processes() noexcept;

}  // namespace cdcpreflight
