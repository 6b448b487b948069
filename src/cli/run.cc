#include "cli/run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>

#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/spdlog.h>

#include "cdcpreflight/gather.h"

namespace cdcpreflight::cli {

namespace {

class PrintableSink : public spdlog::sinks::ansicolor_stderr_sink_mt {
 public:
  PrintableSink() : spdlog::sinks::ansicolor_stderr_sink_mt(spdlog::color_mode::automatic) {}

  void log(const spdlog::details::log_msg& message) override {
    const std::string payload = printable(
        std::string_view(message.payload.data(), message.payload.size()), Newlines::escape);
    spdlog::details::log_msg escaped(message.time, message.source, message.logger_name,
                                     message.level, payload);
    spdlog::sinks::ansicolor_stderr_sink_mt::log(escaped);
  }
};

// The -o file while it may hold less than a whole report: from the moment the
// run is under way until the report is written in full.
std::atomic<int> g_unfinished_output{-1};

// Reads a password from the terminal without echo; never from a pipe, so a CI
// job cannot hang on a prompt.
std::optional<std::string> prompt_password(const std::string& prompt) {
  if (isatty(STDIN_FILENO) != 1) {
    return std::nullopt;  // a pipeline or a CI job: never wait for an answer
  }
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) {
    return std::nullopt;
  }
  const int fd = fileno(tty);
  termios saved{};
  if (tcgetattr(fd, &saved) != 0) {
    std::fclose(tty);
    return std::nullopt;
  }
  // Echo goes off before the prompt shows, as in psql: an answer typed the moment
  // the prompt appears is neither shown nor thrown away (TCSAFLUSH drops unread input).
  termios silent = saved;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(fd, TCSAFLUSH, &silent);
  std::fputs(prompt.c_str(), tty);
  std::fflush(tty);
  std::string password;
  for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty)) {
    password += static_cast<char>(c);
  }
  tcsetattr(fd, TCSAFLUSH, &saved);
  std::fputs("\n", tty);
  std::fclose(tty);
  return password;
}

// As psql: no -w, no password given (libpq found none in PGPASSWORD or
// ~/.pgpass either, or it would have sent it), and the server asked for one.
bool server_asked_for_a_password(const ConnectionFlags& connection, const Facts& facts) {
  const ConnectionFacts& result = facts.connection;
  return !connection.no_password && !connection.prompt_password &&
         connection.connect.password.empty() && !result.connected &&
         result.failure == ConnectionFailure::authentication &&
         result.failure_message.find("no password supplied") != std::string::npos;
}

}  // namespace

void set_up_logging(int verbosity) {
  auto logger =
      std::make_shared<spdlog::logger>("cdc-preflight", std::make_shared<PrintableSink>());
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  if (verbosity < 0) {
    spdlog::set_level(spdlog::level::err);
  } else if (verbosity == 0) {
    spdlog::set_level(spdlog::level::warn);
  } else if (verbosity == 1) {
    spdlog::set_level(spdlog::level::debug);
  } else {
    spdlog::set_level(spdlog::level::trace);
  }
}

bool OutputFile::open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  created_ = fd_ >= 0;
  if (fd_ < 0 && errno == EEXIST) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  }
  if (fd_ < 0) {
    print_error("cannot write {}: {}", path, std::strerror(errno));
    return false;
  }
  g_unfinished_output = fd_;
  return true;
}

bool OutputFile::write(std::string_view text) {
  // A regular file is emptied first (it may hold an earlier run's report);
  // anything else (/dev/null, a pipe, a terminal) is written as it is.
  struct stat status = {};
  const bool regular = ::fstat(fd_, &status) == 0 && S_ISREG(status.st_mode);
  bool written = !regular || (::ftruncate(fd_, 0) == 0 && ::lseek(fd_, 0, SEEK_SET) == 0);
  while (written && !text.empty()) {
    const ssize_t count = ::write(fd_, text.data(), text.size());
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count <= 0) {
      written = false;
      break;
    }
    text.remove_prefix(static_cast<std::size_t>(count));
  }
  g_unfinished_output = -1;
  const bool closed = ::close(fd_) == 0;
  fd_ = -1;
  created_ = false;
  if (!written || !closed) {
    print_error("cannot write {}", path_);
    return false;
  }
  return true;
}

void OutputFile::close() {
  if (fd_ < 0) {
    return;
  }
  g_unfinished_output = -1;
  ::close(fd_);
  fd_ = -1;
  if (created_) {
    ::unlink(path_.c_str());
  }
}

bool write_output(const std::string& path, OutputFile& output, const std::string& text) {
  if (path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
  }
  return output.write(text);
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat first = {};
  struct stat second = {};
  return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 &&
         first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

std::optional<Facts> gather_live(ConnectionFlags& connection, const TargetFlags& target,
                                 const AwsFlags& aws, const std::string& output_path,
                                 OutputFile& output) {
  try {
    check_connect_options(connection.connect);
  } catch (const InvalidConninfo& error) {
    print_error("{}", error.what());
    return std::nullopt;
  }
  if (connection.prompt_password) {
    auto password = prompt_password("Password: ");
    if (!password) {
      print_error("-W needs a terminal to prompt on; use PGPASSWORD or ~/.pgpass instead");
      return std::nullopt;
    }
    connection.connect.password = std::move(*password);
  }
  // Refuse an unwritable -o before touching the network.
  if (!output_path.empty() && !output.open(output_path)) {
    return std::nullopt;
  }
  // The control plane is read while the database is: --aws adds the time of
  // its slowest chain of calls, not their sum.
  std::future<AwsFacts> control_plane;
  if (aws.enabled) {
    control_plane =
        std::async(std::launch::async, gather_aws, aws.options, requested_host(connection.connect));
  }
  std::optional<Facts> facts;
  try {
    facts = gather(connection.connect, gather_options(connection, target));
    if (server_asked_for_a_password(connection, *facts)) {
      // Without a terminal there is no prompt: the report says the password is missing.
      if (auto password = prompt_password(
              fmt::format("Password for user {}: ", printable(facts->connection.connected_as)))) {
        connection.connect.password = std::move(*password);
        facts = gather(connection.connect, gather_options(connection, target));
      }
    }
  } catch (const InvalidConninfo& error) {
    print_error("{}", error.what());
    return std::nullopt;
  }
  if (control_plane.valid()) {
    facts->aws = control_plane.get();
  }
  return facts;
}

void discard_unfinished_output() noexcept {
  if (const int file = g_unfinished_output.load(); file >= 0) {
    [[maybe_unused]] const int ignored = ::ftruncate(file, 0);
  }
}

}  // namespace cdcpreflight::cli
