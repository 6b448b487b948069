#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

extern char** environ;

namespace cdcpreflight::integration {
namespace {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Pipe make_pipe() {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

}  // namespace

std::vector<std::string> child_environment(const ProcessOptions& options) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    std::string name(text.substr(0, equals));
    if (options.inherit_pg_env == InheritPgEnv::no && name.starts_with("PG")) continue;
    variables[std::move(name)] = std::string(text.substr(equals + 1));
  }
  for (const auto& [name, value] : options.env) {
    if (value) {
      variables[name] = *value;
    } else {
      variables.erase(name);
    }
  }
  std::vector<std::string> result;
  result.reserve(variables.size());
  for (const auto& [name, value] : variables) {
    std::string entry = name;
    entry += '=';
    entry += value;
    result.push_back(std::move(entry));
  }
  return result;
}

// execve does not search PATH, and execvpe is not safe between fork and exec.
std::string resolve_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const auto colon = dirs.find(':');
    std::string candidate(dirs.substr(0, colon));
    if (candidate.empty()) candidate = ".";
    candidate += "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  throw std::runtime_error("program not found in PATH: " + program);
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& text : strings) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

[[noreturn]] void child_fail(const char* what) {
  const char* reason = std::strerror(errno);
  // Only async-signal-safe calls here: write and _exit.
  (void)!::write(STDERR_FILENO, what, std::strlen(what));
  (void)!::write(STDERR_FILENO, ": ", 2);
  (void)!::write(STDERR_FILENO, reason, std::strlen(reason));
  (void)!::write(STDERR_FILENO, "\n", 1);
  ::_exit(127);
}

namespace {

void ignore_sigpipe_once() {
  // A child that exits before reading its stdin must not kill the test process.
  static const bool done = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw std::runtime_error("run_process: empty command");
  ignore_sigpipe_once();

  std::string program = resolve_program(argv[0]);
  std::vector<std::string> arguments = argv;
  std::vector<std::string> environment = child_environment(options);
  std::vector<char*> c_argv = c_strings(arguments);
  std::vector<char*> c_envp = c_strings(environment);

  Pipe in = make_pipe();
  Pipe out = make_pipe();
  Pipe err = make_pipe();

  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    if (::dup2(in.read_end.get(), STDIN_FILENO) < 0) child_fail("dup2");
    if (::dup2(out.write_end.get(), STDOUT_FILENO) < 0) child_fail("dup2");
    if (::dup2(err.write_end.get(), STDERR_FILENO) < 0) child_fail("dup2");
    if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) {
      child_fail("chdir");
    }
    ::execve(program.c_str(), c_argv.data(), c_envp.data());
    child_fail("execve");
  }
  ::setpgid(pid, pid);  // also from here, so the group exists before any kill
  in.read_end.reset();
  out.write_end.reset();
  err.write_end.reset();
  if (options.stdin_text.empty()) in.write_end.reset();
  for (const UniqueFd* fd : {&in.write_end, &out.read_end, &err.read_end}) {
    if (fd->valid()) ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK);
  }

  ProcessResult result;
  const auto deadline = started + options.timeout;
  const auto signal_at = started + options.send_signal_after;
  bool signalled = options.send_signal == 0;
  std::size_t written = 0;
  std::array<char, 65536> buffer{};
  while (out.read_end.valid() || err.read_end.valid()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      break;
    }
    if (!signalled && now >= signal_at) {
      ::kill(pid, options.send_signal);
      signalled = true;
    }
    std::vector<pollfd> polled;
    if (in.write_end.valid()) polled.push_back({in.write_end.get(), POLLOUT, 0});
    if (out.read_end.valid()) polled.push_back({out.read_end.get(), POLLIN, 0});
    if (err.read_end.valid()) polled.push_back({err.read_end.get(), POLLIN, 0});
    const auto wake_at = signalled ? deadline : std::min(deadline, signal_at);
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - now).count() + 1;
    const int ready = ::poll(polled.data(), polled.size(), static_cast<int>(remaining));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (const pollfd& entry : polled) {
      if (entry.revents == 0) continue;
      if (entry.fd == in.write_end.get()) {
        const std::string_view rest = std::string_view(options.stdin_text).substr(written);
        const ssize_t count = ::write(entry.fd, rest.data(), rest.size());
        if (count > 0) written += static_cast<std::size_t>(count);
        if ((count < 0 && errno != EAGAIN) || written == options.stdin_text.size()) {
          in.write_end.reset();
        }
        continue;
      }
      UniqueFd& source = entry.fd == out.read_end.get() ? out.read_end : err.read_end;
      std::string& sink = entry.fd == out.read_end.get() ? result.out : result.err;
      const ssize_t count = ::read(entry.fd, buffer.data(), buffer.size());
      if (count > 0) {
        sink.append(buffer.data(), static_cast<std::size_t>(count));
      } else if (count == 0 || errno != EAGAIN) {
        source.reset();
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

CleanupGuard::CleanupGuard(const std::vector<std::string>& argv) {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  UniqueFd read_end(fds[0]);
  pipe_write_end_ = fds[1];
  // sh waits for end of file on stdin, then runs the command.
  std::vector<std::string> arguments = {"sh", "-c", "cat >/dev/null; exec \"$@\"", "cleanup"};
  arguments.insert(arguments.end(), argv.begin(), argv.end());
  std::vector<std::string> environment = child_environment({});
  std::vector<char*> c_argv = c_strings(arguments);
  std::vector<char*> c_envp = c_strings(environment);
  const std::string shell = resolve_program("sh");

  const pid_t pid = ::fork();
  if (pid < 0) {
    const std::string reason = std::strerror(errno);
    ::close(pipe_write_end_);
    throw std::runtime_error("fork: " + reason);
  }
  if (pid == 0) {
    // A new session, and a grandchild reparented away from this process, so
    // that killing this process tree does not reach it.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    const int null = ::open("/dev/null", O_RDWR);
    if (::dup2(read_end.get(), STDIN_FILENO) < 0) child_fail("dup2");
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    if (::chdir("/") != 0) child_fail("chdir");
    ::execve(shell.c_str(), c_argv.data(), c_envp.data());
    child_fail("execve");
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

CleanupGuard::~CleanupGuard() { ::close(pipe_write_end_); }

std::string describe_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& argument : argv) {
    if (!text.empty()) text += ' ';
    const bool plain =
        !argument.empty() && argument.find_first_of(" \t\n'\"\\;$`!*?&|<>()") == std::string::npos;
    if (plain) {
      text += argument;
      continue;
    }
    text += '\'';
    for (const char c : argument) {
      if (c == '\'') {
        text += "'\\''";
      } else {
        text += c;
      }
    }
    text += '\'';
  }
  return text;
}

std::string describe_result(const ProcessResult& result) {
  std::string text = "exit code " + std::to_string(result.exit_code);
  if (result.timed_out) text += " (killed at the timeout)";
  text += ", " + std::to_string(result.elapsed.count()) + " ms\n--- stdout ---\n" + result.out +
          "\n--- stderr ---\n" + result.err;
  return text;
}

}  // namespace cdcpreflight::integration
