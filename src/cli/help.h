// --help as psql prints it: one line per option (its name, the kind of value
// it takes, what it does and its default), grouped, the environment and the
// exit codes at the end; and the top-level help, which lists the commands.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace cdcpreflight::cli {

// Options as "  -h, --host HOST            Database server host (default: …)":
// no validator text, no "Excludes", each --format value once, the default in
// the description.
class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter();
  [[nodiscard]] std::string make_option_name(const CLI::Option* option,
                                             bool positional) const override;
  [[nodiscard]] std::string make_option_opts(const CLI::Option* option) const override;
  [[nodiscard]] std::string make_option_desc(const CLI::Option* option) const override;
  // CLI11's help with the groups one blank line apart (it puts two).
  [[nodiscard]] std::string make_help(const CLI::App* app, std::string name,
                                      CLI::AppFormatMode mode) const override;
};

// `cdc-preflight --help`: what the tool does, its commands, where the rest is.
[[nodiscard]] std::string overview_help();

}  // namespace cdcpreflight::cli
