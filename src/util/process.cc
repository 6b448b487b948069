#include "util/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX names it nowhere

namespace cdcpreflight {

namespace {

constexpr std::size_t kMaxOut = std::size_t{64} << 20;
constexpr std::size_t kMaxErr = std::size_t{1} << 20;

// The process groups started and not yet reaped, for kill_running_processes.
constexpr std::size_t kSlots = 32;
std::array<std::atomic<pid_t>, kSlots> running{};

std::size_t remember(pid_t pid) {
  for (std::size_t i = 0; i < kSlots; ++i) {
    pid_t expected = 0;
    if (running[i].compare_exchange_strong(expected, pid)) {
      return i;
    }
  }
  return kSlots;
}

void forget(std::size_t slot) {
  if (slot < kSlots) {
    running[slot].store(0);
  }
}

struct Pipe {
  int read = -1;
  int write = -1;
  bool open() {
    std::array<int, 2> ends{};
    if (pipe2(ends.data(), O_CLOEXEC) != 0) {
      return false;
    }
    read = ends[0];
    write = ends[1];
    return true;
  }
  ~Pipe() {
    for (const int fd : {read, write}) {
      if (fd >= 0) {
        close(fd);
      }
    }
  }
  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

void close_fd(int& fd) {
  if (fd >= 0) {
    close(fd);
    fd = -1;
  }
}

// The tool's environment with `changes` applied.
std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::string>>& changes) {
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    bool replaced = false;
    for (const auto& [changed, value] : changes) {
      replaced = replaced || changed == name;
    }
    if (!replaced) {
      entries.emplace_back(text);
    }
  }
  for (const auto& [name, value] : changes) {
    std::string entry = name;
    entry += '=';
    entry += value;
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (std::string& text : strings) {
    result.push_back(text.data());
  }
  result.push_back(nullptr);
  return result;
}

}  // namespace

void kill_running_processes() noexcept {
  for (auto& slot : running) {
    const pid_t pid = slot.load();
    if (pid > 0) {
      kill(-pid, SIGKILL);
    }
  }
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& environment,
                          int timeout_seconds) {
  ProcessResult result;
  if (argv.empty()) {
    result.spawn_error = EINVAL;
    return result;
  }
  Pipe out;
  Pipe err;
  if (!out.open() || !err.open()) {
    result.spawn_error = errno;
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // A group of its own: a timeout kills what the program started too, and the
  // terminal's ^C reaches the tool only (which then kills the group).
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> args(argv);
  std::vector<std::string> env = environment_with(environment);
  std::vector<char*> arg_pointers = pointers(args);
  std::vector<char*> env_pointers = pointers(env);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0].c_str(), &actions, &attributes,
                                   arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    result.spawn_error = spawned;
    return result;
  }
  result.started = true;
  const std::size_t slot = remember(pid);
  close_fd(out.write);
  close_fd(err.write);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::array<char, 65536> buffer{};
  while (out.read >= 0 || err.read >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    std::array<pollfd, 2> fds{{{out.read, POLLIN, 0}, {err.read, POLLIN, 0}}};
    const int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      const ssize_t got = read(fds[i].fd, buffer.data(), buffer.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      }
      int& fd = i == 0 ? out.read : err.read;
      if (got <= 0) {
        close_fd(fd);
        continue;
      }
      std::string& into = i == 0 ? result.out : result.err;
      const std::size_t cap = i == 0 ? kMaxOut : kMaxErr;
      into.append(buffer.data(),
                  std::min(static_cast<std::size_t>(got), cap - std::min(cap, into.size())));
    }
  }
  // The output is closed: the program is ending (or has closed its output and
  // runs on, which the deadline bounds too).
  while (!result.timed_out) {
    siginfo_t info{};
    // WNOWAIT: the leader stays a zombie, holding the group id until the
    // group is killed below.
    const int waited = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if ((waited == 0 && info.si_pid == pid) || (waited < 0 && errno != EINTR)) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      break;
    }
    usleep(5000);
  }
  // The whole group: whatever the program started dies with it.
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  forget(slot);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace cdcpreflight
