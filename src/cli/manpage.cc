// `cdc-preflight manpage` (not listed): the man page, in roff, made from the
// command line's own definition (the commands, each one's options as CLI11
// holds them, the catalogue of checks) at build time, so it cannot drift.
#include <fmt/format.h>

#include "cdcpreflight/check.h"
#include "cli/commands.h"
#include "version.h"

namespace cdcpreflight::cli {

namespace {

// Text as roff prints it: backslashes escaped, hyphens as minus signs where
// they are typed (option names), no line that starts a request.
std::string roff(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) {
    out.insert(0, "\\&");
  }
  return out;
}

std::string options_of(const CLI::App& command) {
  std::string out;
  for (const CLI::Option* option : command.get_options()) {
    std::string names;
    for (const std::string& name : option->get_snames()) {
      names += (names.empty() ? "" : ", ") + fmt::format("\\fB\\-{}\\fR", roff(name));
    }
    for (const std::string& name : option->get_lnames()) {
      names += (names.empty() ? "" : ", ") + fmt::format("\\fB\\-\\-{}\\fR", roff(name));
    }
    if (names.empty()) {
      names = fmt::format("\\fI{}\\fR", roff(option->get_name()));  // a positional
    } else if (option->get_expected_max() != 0) {
      std::string type = option->get_type_name();
      names += " \\fI" + roff(type.substr(0, type.find(':'))) + "\\fR";
    }
    std::string description = option->get_description();
    if (!option->get_default_str().empty() && description.find("default") == std::string::npos) {
      description += fmt::format(" (default: {})", option->get_default_str());
    }
    out += fmt::format(".TP\n{}\n{}\n", names, roff(description));
  }
  return out;
}

std::string manpage(const CLI::App& root) {
  std::string out = fmt::format(
      ".TH CDC\\-PREFLIGHT 1 \"\" \"{0} {1}\" \"User Commands\"\n"
      ".SH NAME\n"
      "{0} \\- is this PostgreSQL database ready to be a ClickPipes CDC source?\n"
      ".SH SYNOPSIS\n"
      ".B {0}\n[\\fBcheck\\fR] [\\fIOPTION\\fR]...\n.br\n"
      ".B {0} check \\-\\-from\n\\fIFILE\\fR [\\fIOPTION\\fR]...\n.br\n"
      ".B {0} collect\n[\\fIOPTION\\fR]...\n.br\n"
      ".B {0} checks\n[\\fB\\-\\-format\\fR \\fIFORMAT\\fR]\n.br\n"
      ".B {0} completion\n\\fISHELL\\fR\n"
      ".SH DESCRIPTION\n"
      "\\fB{0}\\fR {2}\n",
      kToolName, kToolVersion,
      roff("checks whether a PostgreSQL database (Amazon Aurora, RDS or self-managed) is ready "
           "to be a CDC (logical replication) source for ClickPipes, and for everything that is "
           "not prints the exact fix: SQL to run, parameter-group steps, AWS CLI commands. It "
           "runs read-only (only --deep creates a temporary replication slot), and its exit "
           "code is the verdict."));
  out += ".SH COMMANDS\n";
  for (const CommandEntry& entry : commands()) {
    if (!entry.listed) continue;
    out += fmt::format(".TP\n\\fB{}\\fR\n{}\n", roff(entry.name), roff(entry.help));
  }
  for (const CommandEntry& entry : commands()) {
    if (!entry.listed) continue;
    const CLI::App* command = root.get_subcommand(std::string(entry.name));
    out += fmt::format(".SH OPTIONS OF {}\n", roff(entry.name));
    out += options_of(*command);
  }
  out += ".SH CHECKS\n";
  for (const CheckDefinition& check : catalogue()) {
    out += fmt::format(".TP\n\\fB{}\\fR\n{}\n", roff(check.id), roff(check.title));
  }
  out += fmt::format(
      ".SH EXIT STATUS\n"
      ".TP\n0\nready: no check failed (and, with \\fB\\-\\-strict\\fR, none warned); for "
      "\\fBcollect\\fR: the snapshot was written\n"
      ".TP\n1\nnot ready\n"
      ".TP\n2\na usage or input error (a bad flag, conninfo, snapshot or IP list)\n"
      ".TP\n3\nthe database could not be reached, or the connection was lost (\\fBcollect\\fR "
      "still writes the snapshot, which records it)\n"
      ".TP\n130, 143\ninterrupted (SIGINT, SIGTERM)\n"
      ".SH ENVIRONMENT\n"
      "{1}\n"
      ".TP\n\\fBNO_COLOR\\fR\nno colour in the text report\n"
      ".TP\n\\fBGITHUB_STEP_SUMMARY\\fR\nwith \\fB\\-\\-format github\\fR, the file the "
      "Markdown report is appended to\n"
      ".TP\n\\fBAWS_PROFILE\\fR, \\fBAWS_REGION\\fR, ...\nwith \\fB\\-\\-aws\\fR, read by the "
      "AWS CLI\n"
      ".SH FILES\n"
      ".TP\n\\fI~/.pgpass\\fR, \\fI~/.pg_service.conf\\fR\nread by libpq\n"
      ".TP\n\\fI/usr/share/doc/cdc\\-preflight/\\fR\nthe documentation\n"
      ".SH EXAMPLES\n"
      ".nf\n"
      "PGPASSWORD=... {0} \\-h mycluster.cluster\\-c1a2b3c4d5e6.us\\-east\\-1.rds.amazonaws.com "
      "\\-U clickpipes_user \\-d app\n"
      "{0} \\-d app \\-\\-user clickpipes_user \\-\\-format sql \\-o fix.sql\n"
      "{0} \\-w \\-\\-format json \\-o preflight.json \\-\\-strict\n"
      "{0} collect \\-\\-redact \\-o snapshot.json && {0} check \\-\\-from snapshot.json\n"
      "{0} \\-d app \\-\\-aws \\-\\-clickpipes\\-region us\\-east\\-1\n"
      ".fi\n",
      kToolName,
      roff("PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT, PGSERVICE "
           "and the other variables of libpq, for what no option gives."));
  return out;
}

class ManpageCommand : public Command {
 public:
  void add_flags(CLI::App& /*app*/) override {}
  [[nodiscard]] ExitCode run(const CLI::App& app) override {
    fmt::print("{}", manpage(*app.get_parent()));
    return ExitCode::ready;
  }
};

}  // namespace

std::unique_ptr<Command> make_manpage_command() { return std::make_unique<ManpageCommand>(); }

}  // namespace cdcpreflight::cli
