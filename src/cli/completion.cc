// `cdc-preflight completion bash|zsh|fish`: a completion script made from the
// command line's own definition (every command's options as CLI11 holds them,
// the value lists of cli/flags.h, the check ids of the catalogue), so it
// cannot drift from the tool.
#include <fmt/format.h>

#include "cdcpreflight/check.h"
#include "cli/commands.h"

namespace cdcpreflight::cli {

namespace {

struct OptionShape {
  std::vector<std::string> names;  // -h, --host
  bool takes_value = false;
  std::string description;
};

struct CommandShape {
  std::string name;
  std::string help;
  std::vector<OptionShape> options;
};

std::vector<CommandShape> shapes(const CLI::App& root) {
  std::vector<CommandShape> all;
  for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) {
      continue;  // not listed (manpage)
    }
    CommandShape shape{sub->get_name(), sub->get_description(), {}};
    for (const CLI::Option* option : sub->get_options()) {
      OptionShape entry;
      for (const std::string& name : option->get_snames()) entry.names.push_back("-" + name);
      for (const std::string& name : option->get_lnames()) entry.names.push_back("--" + name);
      entry.takes_value = option->get_expected_max() != 0;  // a flag expects none
      entry.description = option->get_description();
      if (!entry.names.empty()) shape.options.push_back(std::move(entry));
    }
    all.push_back(std::move(shape));
  }
  return all;
}

std::string check_ids() {
  std::string ids;
  for (const CheckDefinition& check : catalogue()) {
    ids += (ids.empty() ? "" : " ") + std::string(check.id);
  }
  return ids;
}

std::string words(std::span<const std::string_view> choices) {
  std::string text;
  for (const std::string_view choice : choices) {
    text += (text.empty() ? "" : " ") + std::string(choice);
  }
  return text;
}

// The values an option takes, for a command: a word list, "FILE" for a path,
// or empty for free text.
std::string values_of(const std::string& command, const std::string& option) {
  if (option == "--format") {
    return command == "checks" ? words(kCatalogueFormats) : words(kReportFormats);
  }
  if (option == "--color") return words(kColorChoices);
  if (option == "--skip") return check_ids();
  if (option == "-o" || option == "--output" || option == "--from" ||
      option == "--clickpipes-ips") {
    return "FILE";
  }
  return "";
}

std::string bash(const std::vector<CommandShape>& commands) {
  std::string names;         // check collect …
  std::string alternatives;  // check|collect|…
  for (const CommandShape& command : commands) {
    names += (names.empty() ? "" : " ") + command.name;
    alternatives += (alternatives.empty() ? "" : "|") + command.name;
  }
  std::string out = fmt::format(
      "# bash completion for cdc-preflight (cdc-preflight completion bash)\n"
      "_cdc_preflight() {{\n"
      "  local cur=\"${{COMP_WORDS[COMP_CWORD]}}\" prev=\"${{COMP_WORDS[COMP_CWORD-1]}}\"\n"
      "  local command=check word i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    word=\"${{COMP_WORDS[i]}}\"\n"
      "    case \"$word\" in {}) command=\"$word\"; break ;; esac\n"
      "  done\n"
      "  local options values\n"
      "  case \"$command\" in\n",
      alternatives);
  for (const CommandShape& command : commands) {
    std::string options;
    std::string value_cases;
    for (const OptionShape& option : command.options) {
      for (const std::string& name : option.names) {
        options += (options.empty() ? "" : " ") + name;
        if (option.takes_value) {
          const std::string values = values_of(command.name, name);
          value_cases += fmt::format("        {}) values={} ;;\n", name,
                                     values.empty() ? "''" : "'" + values + "'");
        }
      }
    }
    out += fmt::format(
        "    {})\n"
        "      options='{}'\n"
        "      case \"$prev\" in\n"
        "{}"
        "        *) values=- ;;\n"
        "      esac ;;\n",
        command.name, options, value_cases);
  }
  out += fmt::format(
      "  esac\n"
      // No mapfile (zsh runs this through bashcompinit, and has none): compgen's
      // lines, split on newlines only, so that a file name may hold spaces.
      "  local IFS=$'\\n'\n"
      "  if [[ \"$values\" == FILE ]]; then\n"
      "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "  elif [[ \"$values\" != - ]]; then\n"
      "    COMPREPLY=($(IFS=' '; compgen -W \"$values\" -- \"$cur\"))\n"
      "  elif [[ \"$cur\" == -* ]]; then\n"
      "    COMPREPLY=($(IFS=' '; compgen -W \"$options\" -- \"$cur\"))\n"
      "  elif (( COMP_CWORD == 1 )); then\n"
      "    COMPREPLY=($(IFS=' '; compgen -W \"{} $options\" -- \"$cur\"))\n"
      "  fi\n"
      "}}\n"
      "complete -o default -F _cdc_preflight cdc-preflight\n",
      names);
  return out;
}

// zsh runs the bash completion through bashcompinit.
std::string zsh(const std::vector<CommandShape>& commands) {
  return "#compdef cdc-preflight\n"
         "# zsh completion for cdc-preflight (cdc-preflight completion zsh)\n"
         "# Either sourced (from ~/.zshrc: `source <(cdc-preflight completion zsh)`) or found\n"
         "# in $fpath by compinit (the package's vendor-completions/_cdc-preflight).\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         bash(commands) +
         // Autoloaded from $fpath, this file is the completion function compinit calls for the
         // first Tab: it must complete too, not only register the function for the next Tab.
         "if [[ \"${zsh_eval_context[-1]}\" == loadautofunc ]]; then\n"
         "  _bash_complete -o default -F _cdc_preflight \"$@\"\n"
         "fi\n";
}

std::string fish_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string fish(const std::vector<CommandShape>& commands) {
  std::string names;
  for (const CommandShape& command : commands) names += (names.empty() ? "" : " ") + command.name;
  std::string out =
      "# fish completion for cdc-preflight (cdc-preflight completion fish)\n"
      "complete -c cdc-preflight -f\n";
  for (const CommandShape& command : commands) {
    out += fmt::format(
        "complete -c cdc-preflight -n 'not __fish_seen_subcommand_from {}' -a {} -d {}\n", names,
        command.name, fish_quote(command.help));
  }
  for (const CommandShape& command : commands) {
    // check is the default command: its options complete before any command too.
    const std::string condition =
        command.name == "check"
            ? fmt::format(
                  "not __fish_seen_subcommand_from {}; or __fish_seen_subcommand_from check", names)
            : "__fish_seen_subcommand_from " + command.name;
    for (const OptionShape& option : command.options) {
      std::string flags;
      for (const std::string& name : option.names) {
        flags += name.starts_with("--") ? " -l " + name.substr(2) : " -s " + name.substr(1);
      }
      std::string value;
      if (option.takes_value) {
        const std::string values = values_of(command.name, option.names.back());
        value = values == "FILE" ? " -r -F"
                : values.empty() ? " -x"
                                 : " -x -a " + fish_quote(values);
      }
      out += fmt::format("complete -c cdc-preflight -n {}{}{} -d {}\n", fish_quote(condition),
                         flags, value, fish_quote(option.description));
    }
  }
  return out;
}

class CompletionCommand : public Command {
 public:
  void add_flags(CLI::App& app) override {
    app.add_option("shell", shell_, "The shell: " + choices_text(kCompletionShells))
        ->check(CLI::IsMember(choices_list(kCompletionShells)))
        ->type_name("SHELL")
        ->required();
    app.footer(
        "bash: cdc-preflight completion bash > /etc/bash_completion.d/cdc-preflight (or source "
        "it); zsh: into a directory of $fpath as _cdc-preflight; fish: into "
        "~/.config/fish/completions/cdc-preflight.fish.");
  }

  [[nodiscard]] ExitCode run(const CLI::App& app) override {
    const std::vector<CommandShape> commands = shapes(*app.get_parent());
    const std::string script = shell_ == "zsh"    ? zsh(commands)
                               : shell_ == "fish" ? fish(commands)
                                                  : bash(commands);
    fmt::print("{}", script);
    return ExitCode::ready;
  }

 private:
  std::string shell_;
};

}  // namespace

std::unique_ptr<Command> make_completion_command() { return std::make_unique<CompletionCommand>(); }

}  // namespace cdcpreflight::cli
