#include "pty.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace cdcpreflight::integration {

TerminalRun run_on_terminal(const std::vector<std::string>& argv, const ProcessOptions& options,
                            std::string_view prompt, std::string_view answer) {
  // Everything the child needs is made before fork: only exec and _exit after it.
  std::vector<std::string> environment = child_environment(options);
  std::vector<std::string> arguments = argv;
  const std::string program = resolve_program(argv.at(0));
  std::vector<char*> c_argv = c_strings(arguments);
  std::vector<char*> c_env = c_strings(environment);

  int terminal = -1;
  const pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid < 0) {
    throw std::runtime_error(std::string("forkpty: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // A new session whose controlling terminal is the pseudo-terminal (forkpty's setsid).
    if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) {
      child_fail("chdir");
    }
    ::execve(program.c_str(), c_argv.data(), c_env.data());
    child_fail("execve");
  }

  TerminalRun run;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::string typed(answer);
  typed += '\n';
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      ::kill(-pid, SIGKILL);  // the session's process group: the program and its children
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd descriptor{terminal, POLLIN, 0};
    const int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline is checked above
    char buffer[4096];
    const ssize_t count = ::read(terminal, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;  // EIO: every process holding the terminal has closed it
    run.screen.append(buffer, static_cast<std::size_t>(count));
    if (!run.answered && run.screen.find(prompt) != std::string::npos) {
      run.answered =
          ::write(terminal, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size());
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::close(terminal);
  if (WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    run.exit_code = 128 + WTERMSIG(status);
  }
  return run;
}

std::string describe_terminal_run(const TerminalRun& run) {
  return "exit code " + std::to_string(run.exit_code) + (run.timed_out ? " (timed out)" : "") +
         (run.answered ? ", answered" : ", not answered") + "\n--- screen ---\n" + run.screen;
}

}  // namespace cdcpreflight::integration
