#include "fake_aws.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "pg_server.h"

namespace cdcpreflight::integration {

namespace {

constexpr const char* kPython = "/usr/bin/python3";

std::string server_script() {
  return std::string(CDCP_SOURCE_DIR) + "/tests/integration/fake_aws/server.py";
}

}  // namespace

std::string FakeAws::unavailable_reason() {
  for (const char* program : {kPython, kAwsCli}) {
    if (::access(program, X_OK) != 0) {
      return std::string(program) +
             " is missing: the --aws tests run Debian's AWS CLI (apt-get install awscli)";
    }
  }
  return {};
}

FakeAws::FakeAws(int slow_seconds) {
  char dir_template[] = "/tmp/cdcp-it-aws-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  dir_ = dir_template;
  const std::string port_file = dir_ + "/port";
  const std::vector<std::string> argv = {
      kPython,          server_script(),
      "--port-file",    port_file,
      "--log",          dir_ + "/requests.jsonl",
      "--ips",          std::string(CDCP_SOURCE_DIR) + "/data/clickpipes-static-ips.json",
      "--slow-seconds", std::to_string(slow_seconds)};
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    const std::string log = dir_ + "/server.log";
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  // The port file appears (renamed into place) once it listens.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream file(port_file);
    if (file >> port_ && port_ > 0) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream log(dir_ + "/server.log");
  std::stringstream said;
  said << log.rdbuf();
  stop();
  throw std::runtime_error("the fake AWS endpoint did not start: " + said.str());
}

FakeAws::~FakeAws() { stop(); }

void FakeAws::stop() noexcept {
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

std::string FakeAws::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

EnvChanges FakeAws::env() const {
  return {
      {"PATH", "/usr/bin:/bin"},
      {"HOME", dir_},
      {"AWS_ACCESS_KEY_ID", kFakeAccessKey},
      {"AWS_SECRET_ACCESS_KEY", kFakeSecretKey},
      {"AWS_SESSION_TOKEN", kFakeSessionToken},
      {"AWS_CONFIG_FILE", dir_ + "/no-config"},
      {"AWS_SHARED_CREDENTIALS_FILE", dir_ + "/no-credentials"},
      {"AWS_EC2_METADATA_DISABLED", "true"},
      {"AWS_MAX_ATTEMPTS", "2"},
      {"AWS_RETRY_MODE", "standard"},
      {"AWS_PROFILE", std::nullopt},
      {"AWS_DEFAULT_REGION", std::nullopt},
      {"AWS_REGION", std::nullopt},
  };
}

std::vector<std::string> FakeAws::args() const { return {"--aws", "--aws-endpoint-url", url()}; }

std::vector<nlohmann::json> FakeAws::requests() const {
  std::vector<nlohmann::json> lines;
  std::ifstream file(dir_ + "/requests.jsonl");
  std::string line;
  while (std::getline(file, line)) {
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
    if (!entry.is_discarded()) lines.push_back(std::move(entry));
  }
  return lines;
}

std::string cluster_host(const std::string& id) { return id + "." + kAuroraClusterDomain; }

}  // namespace cdcpreflight::integration
