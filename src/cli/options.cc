#include "cli/options.h"

#include <charconv>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "checks/scope_names.h"
#include "util/printable.h"
#include "util/secrets.h"
#include "version.h"

namespace cdcpreflight {

namespace {

constexpr const char* kDescription =
    "Checks whether a PostgreSQL database (Amazon Aurora, RDS or self-managed) is ready to be "
    "a CDC source for ClickPipes, and prints the exact fix for everything that is not.";

constexpr const char* kFooter =
    "Connection settings not given as flags come from libpq: PGHOST, PGPORT, PGUSER, "
    "PGDATABASE, PGPASSWORD, PGSSLMODE, PGSERVICE, ~/.pgpass. -d also takes a conninfo "
    "string or a postgres:// URI.\n"
    "Exit codes: 0 ready, 1 not ready, 2 usage or input error, 3 could not connect or "
    "connection lost, 130/143 interrupted.";

void add_check_options(CLI::App& app, CheckOptions& options, std::string& port, Command command) {
  const std::string connection = "Connection";
  app.add_option("-h,--host", options.connect.host, "Database server host or socket directory")
      ->group(connection);
  app.add_option("-p,--port", port, "Database server port")->group(connection);
  app.add_option("-U,--username", options.connect.username, "Database user name")
      ->group(connection);
  app.add_option("-d,--dbname", options.connect.dbname,
                 "Database name, conninfo string or postgres:// URI")
      ->group(connection);
  app.add_flag("-w,--no-password")
      ->description("Never prompt for a password (the default)")
      ->group(connection);
  app.add_flag("-W,--password", options.prompt_password, "Prompt for a password (no echo)")
      ->group(connection);
  app.add_option("--connect-timeout", options.connect.connect_timeout_seconds,
                 "Seconds allowed to connect")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str()
      ->group(connection);
  app.add_option("--statement-timeout", options.statement_timeout_seconds,
                 "Seconds allowed for each of the tool's queries")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str()
      ->group(connection);

  const std::string scope = "Scope";
  app.add_option("--user", options.scope.user,
                 "Role ClickPipes will connect as (default: the login role)")
      ->group(scope);
  app.add_option("--publication", options.scope.publication, "Publication ClickPipes will use")
      ->capture_default_str()
      ->group(scope);
  app.add_option("--schema", options.scope.schemas, "Only tables of this schema (repeatable)")
      ->group(scope);
  app.add_option("--table", options.scope.tables, "Only this SCHEMA.TABLE (repeatable)")
      ->check([](const std::string& value) -> std::string {
        return parse_table_name(value) ? "" : "expected SCHEMA.TABLE (quote parts with \"…\")";
      })
      ->group(scope);
  app.add_option("--long-tx-minutes", options.scope.long_tx_minutes,
                 "Age at which an open or prepared transaction is reported")
      ->check(CLI::Range(0, 10080))
      ->capture_default_str()
      ->group(scope);
  app.add_flag("--deep", options.scope.deep,
               "Also create and drop a temporary replication slot (replication.slot_probe)")
      ->group(scope);
  app.add_option("--skip", options.scope.skip, "Do not run this check id (repeatable)")
      ->check([](const std::string& value) -> std::string {
        return find_check(value) != nullptr ? "" : "no such check: " + value;
      })
      ->group(scope);

  const std::string output = "Output";
  if (command == Command::collect) {
    app.add_option("-o,--output", options.output, "Write the snapshot to FILE (default: stdout)")
        ->group(output);
    app.add_flag("--redact", options.redact,
                 "Replace host, database, role, schema and table names by stable placeholders")
        ->group(output);
  } else {
    const std::map<std::string, Format> formats{
        {"text", Format::text},         {"json", Format::json},   {"sql", Format::sql},
        {"markdown", Format::markdown}, {"junit", Format::junit}, {"github", Format::github}};
    app.add_option_function<std::string>(
           "--format",
           [&options, formats](const std::string& value) { options.format = formats.at(value); },
           "Report format (default: text)")
        ->check(CLI::IsMember({"text", "json", "junit", "markdown", "sql", "github"}))
        ->type_name("text|json|junit|markdown|sql|github")
        ->group(output);
    app.add_option("-o,--output", options.output, "Write the report to FILE (default: stdout)")
        ->group(output);
    app.add_option_function<std::string>(
           "--color",
           [&options](const std::string& value) {
             options.color = value == "always"  ? ColorChoice::always
                             : value == "never" ? ColorChoice::never
                                                : ColorChoice::automatic;
           },
           "Colour in text output (default: auto: on a terminal, unless NO_COLOR is set)")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->type_name("auto|always|never")
        ->group(output);
    app.add_flag("--strict", options.strict, "Warnings count as failures for the exit code")
        ->group(output);
  }
  app.add_flag_function(
         "-q,--quiet", [&options](std::int64_t) { options.verbosity = -1; },
         "Only errors on stderr")
      ->group(output);
  app.add_flag_function(
         "-v,--verbose",
         [&options](std::int64_t count) { options.verbosity = static_cast<int>(count); },
         "Diagnostics on stderr (-vv: every query)")
      ->group(output);
  // After every option exists, so that each can be named.
  if (command == Command::check) {
    CLI::Option* from =
        app.add_option("--from", options.from,
                       "Evaluate a snapshot written by `collect` instead of a live database")
            ->group(connection);
    for (const char* live : {"--host", "--port", "--username", "--dbname", "--password",
                             "--connect-timeout", "--statement-timeout", "--deep"}) {
      if (CLI::Option* option = app.get_option_no_throw(live)) {
        from->excludes(option);
      }
    }
  }
}

bool is_subcommand(std::string_view arg) {
  return arg == "check" || arg == "checks" || arg == "collect";
}

// -W/--password prompts and -w/--no-password forbids prompting: neither takes a
// value. One typed after it anyway (`--password Sekr1t`, `--password=Sekr1t`,
// `-WSekr1t`) is most likely a password, so the refusal never echoes it.
bool is_password_flag(std::string_view arg) {
  return arg == "-W" || arg == "--password" || arg == "-w" || arg == "--no-password";
}

bool gives_a_password_flag_a_value(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      return false;
    }
    if (is_password_flag(arg) && i + 1 < args.size() && !args[i + 1].starts_with('-') &&
        !is_subcommand(args[i + 1])) {
      return true;
    }
    if (arg.starts_with("--password=") || arg.starts_with("--no-password=")) {
      return true;
    }
    // Short flags may be stacked (-wq); anything else after -W or -w is a value.
    if ((arg.starts_with("-W") || arg.starts_with("-w")) && arg.size() > 2 &&
        arg.find_first_not_of("wWqv", 1) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

void print_usage_error(std::string_view message) {
  fmt::print(stderr, "{}: error: {} (see --help)\n", kToolName,
             printable(mask_inline_passwords(message)));
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
  // `check` is the default sub-command: insert it unless another is named.
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  if (args.empty() || (!is_subcommand(args.front()) && args.front() != "--version")) {
    args.insert(args.begin(), "check");
  }
  ParsedCommandLine parsed;
  if (gives_a_password_flag_a_value(args)) {
    print_usage_error(
        "-W/--password and -w/--no-password take no value (-W prompts for the password; "
        "PGPASSWORD or ~/.pgpass give it without a prompt); what followed was not used");
    parsed.exit_code = ExitCode::usage;
    return parsed;
  }

  CLI::App app(kDescription, kToolName);
  app.set_help_flag("--help", "Print this help and exit");
  app.set_version_flag("--version", fmt::format("{} {}", kToolName, kToolVersion),
                       "Print the version and exit");
  app.require_subcommand(1);
  app.footer(kFooter);

  CheckOptions options;
  options.scope.publication = "clickpipes_publication";
  std::string port;
  CLI::App* check = app.add_subcommand(
      "check", "Check a live database (`check` may be left out: it is the default command)");
  check->set_help_flag("--help", "Print this help and exit");
  // As in psql, a flag given twice takes its last value.
  check->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  check->footer(kFooter);
  add_check_options(*check, options, port, Command::check);

  CheckOptions collect_options;
  collect_options.command = Command::collect;
  collect_options.scope.publication = options.scope.publication;
  std::string collect_port;
  CLI::App* collect =
      app.add_subcommand("collect",
                         "Write the facts gathered from a live database as a JSON snapshot, for "
                         "`check --from` (e.g. by support)");
  collect->set_help_flag("--help", "Print this help and exit");
  collect->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  collect->footer(kFooter);
  add_check_options(*collect, collect_options, collect_port, Command::collect);

  CatalogueFormat catalogue_format = CatalogueFormat::text;
  CLI::App* checks =
      app.add_subcommand("checks", "List the checks, their ids and what they verify");
  checks->set_help_flag("--help", "Print this help and exit");
  checks
      ->add_option_function<std::string>(
          "--format",
          [&catalogue_format](const std::string& value) {
            catalogue_format = value == "json"       ? CatalogueFormat::json
                               : value == "markdown" ? CatalogueFormat::markdown
                                                     : CatalogueFormat::text;
          },
          "Output format (default: text)")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->type_name("text|json|markdown");

  // Extra arguments are collected, not thrown: CLI11's own message lists them
  // in reverse order.
  for (CLI::App* command : {check, collect, checks}) {
    command->allow_extras();
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes them reversed
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", checks->parsed()    ? checks->help(kToolName)
                     : collect->parsed() ? collect->help(kToolName)
                                         : check->help(kToolName));
    return parsed;
  } catch (const CLI::CallForVersion&) {
    fmt::print("{} {}\n", kToolName, kToolVersion);
    return parsed;
  } catch (const CLI::ParseError& error) {
    print_usage_error(error.what());
    parsed.exit_code = ExitCode::usage;
    return parsed;
  }
  for (CLI::App* command : {check, collect, checks}) {
    const std::vector<std::string> extras = command->remaining();
    if (extras.empty()) {
      continue;
    }
    print_usage_error(fmt::format("the following argument{} not expected: {}",
                                  extras.size() == 1 ? " was" : "s were", fmt::join(extras, " ")));
    parsed.exit_code = ExitCode::usage;
    return parsed;
  }
  if (check->parsed() && check->count("--from") > 0 && options.from.empty()) {
    print_usage_error("--from: the snapshot file name is empty");
    parsed.exit_code = ExitCode::usage;
    return parsed;
  }
  if (checks->parsed()) {
    parsed.catalogue = catalogue_format;
    return parsed;
  }
  if (collect->parsed()) {
    options = std::move(collect_options);
    port = collect_port;
  }
  options.publication_given = (collect->parsed() ? collect : check)->count("--publication") > 0;
  if (!port.empty()) {
    int number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc{} || end != port.data() + port.size() || number < 1 || number > 65535) {
      print_usage_error(fmt::format("--port: not a port number: {}", port));
      parsed.exit_code = ExitCode::usage;
      return parsed;
    }
    options.connect.port = port;
  }
  parsed.check = std::move(options);
  return parsed;
}

}  // namespace cdcpreflight
