#include "cli/help.h"

#include <utility>

#include <fmt/format.h>

#include "cli/commands.h"
#include "version.h"

namespace cdcpreflight::cli {

HelpFormatter::HelpFormatter() {
  column_width(37);
  label("OPTIONS", "OPTION");
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string name,
                                     CLI::AppFormatMode mode) const {
  std::string help = CLI::Formatter::make_help(app, std::move(name), mode);
  for (auto at = help.find("\n\n\n"); at != std::string::npos; at = help.find("\n\n\n", at)) {
    help.erase(at, 1);
  }
  return help;
}

std::string HelpFormatter::make_option_name(const CLI::Option* option, bool positional) const {
  if (positional) {
    return CLI::Formatter::make_option_name(option, positional);
  }
  // "-h, --host" as psql writes it.
  std::string name;
  for (const std::string& short_name : option->get_snames()) {
    name += fmt::format("{}-{}", name.empty() ? "" : ", ", short_name);
  }
  for (const std::string& long_name : option->get_lnames()) {
    name += fmt::format("{}--{}", name.empty() ? "    " : ", ", long_name);
  }
  return name;
}

std::string HelpFormatter::make_option_opts(const CLI::Option* option) const {
  if (option->get_expected_max() == 0) {
    return "";  // a flag
  }
  // CLI11 appends each validator's own words to the type name ("INT:INT in
  // [1 - 3600]", "TEXT:{text,json}"): the name alone.
  std::string type = option->get_type_name();
  type = type.substr(0, type.find(':'));
  return " " + type;
}

std::string HelpFormatter::make_option_desc(const CLI::Option* option) const {
  std::string description = option->get_description();
  const std::string& fallback = option->get_default_str();
  if (!fallback.empty() && description.find("default") == std::string::npos) {
    description += fmt::format(" (default: {})", fallback);
  }
  return description;
}

std::string overview_help() {
  std::string out = fmt::format(
      "{0} checks whether a PostgreSQL database (Amazon Aurora, RDS or self-managed) is ready\n"
      "to be a CDC source for ClickPipes, and prints the exact fix for everything that is not.\n"
      "\n"
      "Usage:\n"
      "  {0} [check] [OPTION]...           check a live database\n"
      "  {0} check --from FILE [OPTION]... check a snapshot offline\n"
      "  {0} collect [OPTION]...           write a snapshot of the facts\n"
      "  {0} checks [--format FORMAT]      list the checks\n"
      "  {0} completion SHELL              print a completion script\n"
      "\n"
      "Commands:\n",
      kToolName);
  for (const CommandEntry& command : commands()) {
    if (command.listed) {
      out += fmt::format("  {:<12}{}\n", command.name, command.help);
    }
  }
  out += fmt::format(
      "\n"
      "General options:\n"
      "  --help     show this help, then exit ({0} COMMAND --help: a command's options)\n"
      "  --version  show the version, then exit\n"
      "\n"
      "{1}\n",
      kToolName, kFooter);
  return out;
}

}  // namespace cdcpreflight::cli
