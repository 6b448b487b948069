#include <csignal>
#include <exception>

#include <unistd.h>

#include <fmt/format.h>

#include "cdcpreflight/gather.h"
#include "cli/commands.h"
#include "cli/run.h"
#include "util/process.h"

namespace {

// SIGINT / SIGTERM end the run at once with 130 / 143. The report is written
// only at the end, and an -o file still without a whole report is emptied, so
// nothing partial is left behind; the running queries are cancelled, and the
// server ends the session (and whatever temporary object it held) when the
// socket closes.
extern "C" void on_signal(int signal_number) {
  cdcpreflight::cli::discard_unfinished_output();
  cdcpreflight::cancel_running_queries();
  cdcpreflight::kill_running_processes();
  constexpr const char kMessage[] = "cdc-preflight: interrupted\n";
  [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  _exit(128 + signal_number);
}

void install_signal_handlers() {
  struct sigaction action = {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  try {
    return cdcpreflight::cli::cli_main(argc, argv);
  } catch (const std::exception& error) {
    fmt::print(stderr, "cdc-preflight: internal error: {}\n", error.what());
    return 2;
  }
}
