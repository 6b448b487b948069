#include "latency_proxy.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace cdcpreflight::integration {

LatencyProxy::LatencyProxy(int target_port, std::chrono::milliseconds delay) {
  char dir_template[] = "/tmp/cdcp-it-proxy-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  dir_ = dir_template;
  stats_file_ = dir_ + "/stats.jsonl";
  const std::vector<std::string> argv = {CDCP_LATENCY_PROXY,
                                         "--target",
                                         std::to_string(target_port),
                                         "--delay-ms",
                                         std::to_string(delay.count()),
                                         "--stats",
                                         stats_file_};
  int out[2];
  if (::pipe(out) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    // Ends with this process, however it ends.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  // Its first line, once it accepts connections: "port N".
  std::string line;
  char c = 0;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  if (line.rfind("port ", 0) == 0) port_ = std::atoi(line.c_str() + 5);
  if (port_ <= 0) {
    stop();
    throw std::runtime_error("cdcp-latency-proxy did not start (" +
                             std::string(CDCP_LATENCY_PROXY) + "): " + line);
  }
}

LatencyProxy::~LatencyProxy() { stop(); }

void LatencyProxy::stop() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::vector<nlohmann::json> LatencyProxy::finished_connections(
    std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<nlohmann::json> lines;
  while (true) {
    lines.clear();
    std::ifstream file(stats_file_);
    std::string line;
    while (std::getline(file, line)) {
      nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
      if (parsed.is_object()) lines.push_back(std::move(parsed));
    }
    if (lines.size() >= count || std::chrono::steady_clock::now() > deadline) return lines;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace cdcpreflight::integration
