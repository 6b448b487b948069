#include <exception>

#include <fmt/format.h>

#include "cli/cli_check.h"

int main(int argc, char** argv) {
  try {
    return cdcpreflight::cli_main(argc, argv);
  } catch (const std::exception& error) {
    fmt::print(stderr, "cdc-preflight: internal error: {}\n", error.what());
    return 2;
  }
}
