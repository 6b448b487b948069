// Running a program as a user would: fork/exec without a shell (so hostile
// arguments pass through untouched), output captured, bounded by a hard timeout.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cdcpreflight::integration {

// Changes to the inherited environment: a value sets the variable, std::nullopt
// removes it.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

enum class InheritPgEnv { yes, no };

struct ProcessOptions {
  EnvChanges env;
  // `no` drops every inherited PG* variable, so the runner's PGHOST or
  // PGPASSWORD cannot leak into a test.
  InheritPgEnv inherit_pg_env = InheritPgEnv::yes;
  std::string working_dir;  // empty: the caller's
  std::string stdin_text;   // written to the child's stdin, then closed
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
  // Sends this signal (e.g. SIGTERM) to the child once, after send_signal_after;
  // 0: none.
  int send_signal = 0;
  std::chrono::milliseconds send_signal_after{0};
};

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
  bool timed_out = false;  // killed (with its process group) at the timeout
  std::chrono::milliseconds elapsed{0};
};

// Throws std::runtime_error only when the program cannot be started at all.
[[nodiscard]] ProcessResult run_process(const std::vector<std::string>& argv,
                                        const ProcessOptions& options = {});

// The pieces of run_process that a runner of its own (run_on_terminal) shares:
// the environment options.env and inherit_pg_env make of this process's;
// the program's path (execve does not search PATH); argv for execve; and, in a
// child between fork and exec, the one line to stderr and exit 127 of an exec
// that failed.
[[nodiscard]] std::vector<std::string> child_environment(const ProcessOptions& options);
[[nodiscard]] std::string resolve_program(const std::string& program);
[[nodiscard]] std::vector<char*> c_strings(std::vector<std::string>& strings);
[[noreturn]] void child_fail(const char* what);

// Runs a command when destroyed, or when this process dies without destroying
// it (a ctest timeout kills with SIGKILL): a detached watcher, outside this
// process tree, waits for the end of a pipe only this process holds open.
class CleanupGuard {
 public:
  explicit CleanupGuard(const std::vector<std::string>& argv);
  ~CleanupGuard();
  CleanupGuard(const CleanupGuard&) = delete;
  CleanupGuard& operator=(const CleanupGuard&) = delete;
  CleanupGuard(CleanupGuard&&) = delete;
  CleanupGuard& operator=(CleanupGuard&&) = delete;

 private:
  int pipe_write_end_ = -1;
};

// The command line, for failure messages.
[[nodiscard]] std::string describe_command(const std::vector<std::string>& argv);

// Exit code, timeout, stdout and stderr, for failure messages.
[[nodiscard]] std::string describe_result(const ProcessResult& result);

}  // namespace cdcpreflight::integration
