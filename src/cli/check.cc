// `cdc-preflight check`: gather facts from a live server (or read a snapshot
// with --from), evaluate every check, write the report.
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cdcpreflight/report.h"
#include "cli/commands.h"
#include "cli/run.h"
#include "facts/snapshot.h"

namespace cdcpreflight::cli {

namespace {

enum class Format { text, json, junit, markdown, sql, github };
enum class ColorChoice { automatic, always, never };

// The format of each name of kReportFormats (cli/flags.h), in its order.
constexpr std::array<Format, kReportFormats.size()> kFormatOf{
    Format::text, Format::json, Format::junit, Format::markdown, Format::sql, Format::github};

struct CheckOptions {
  ConnectionFlags connection;
  TargetFlags target;
  ScopeRequest scope;
  AwsFlags aws;
  std::string from;  // evaluate this snapshot instead of a live server
  Format format = Format::text;
  std::string output;  // empty: stdout
  ColorChoice color = ColorChoice::automatic;
  bool strict = false;
  int verbosity = 0;
};

bool use_color(const CheckOptions& options) {
  switch (options.color) {
    case ColorChoice::always:
      return true;
    case ColorChoice::never:
      return false;
    case ColorChoice::automatic:
      break;
  }
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return options.output.empty() && isatty(STDOUT_FILENO) == 1 &&
         (no_color == nullptr || *no_color == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

std::string render(const Report& report, const CheckOptions& options) {
  switch (options.format) {
    case Format::json:
      return render_json(report);
    case Format::junit:
      return render_junit(report);
    case Format::markdown:
      return render_markdown(report);
    case Format::sql:
      return render_sql(report);
    case Format::github:
      return render_github(report);
    case Format::text:
      break;
  }
  return render_text(report, use_color(options) ? Color::yes : Color::no);
}

// --format github: GitHub shows the Markdown report on the run's summary page.
void append_step_summary(const Report& report) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') {
    return;
  }
  std::ofstream summary(path, std::ios::out | std::ios::app | std::ios::binary);
  summary << render_markdown(report) << "\n";
  if (!summary) {
    spdlog::warn("could not append the report to GITHUB_STEP_SUMMARY ({})", path);
  }
}

// check --from FILE: a bad file is an input error with one line saying what is
// wrong. The role and the publication were read by collect: naming others is
// an input error too.
std::optional<Facts> read_snapshot(const CheckOptions& options) {
  LoadedSnapshot loaded = load_snapshot_file(options.from);
  if (!loaded.facts) {
    print_error("{}: {}", options.from, loaded.error);
    return std::nullopt;
  }
  const Facts& facts = *loaded.facts;
  const TargetFlags& target = options.target;
  if (!target.user.empty() && target.user != facts.user) {
    print_error("{}: the snapshot was gathered for role {}, not {}", options.from, facts.user,
                target.user);
    return std::nullopt;
  }
  if (target.publication_given && target.publication != facts.publication) {
    print_error("{}: the snapshot was gathered for publication {}, not {}", options.from,
                facts.publication, target.publication);
    return std::nullopt;
  }
  return std::move(loaded.facts);
}

class CheckCommand : public Command {
 public:
  void add_flags(CLI::App& app) override;
  [[nodiscard]] ExitCode run(const CLI::App& app) override;

 private:
  [[nodiscard]] ExitCode report(const Facts& facts, OutputFile& output) const;
  CheckOptions options_;
};

void CheckCommand::add_flags(CLI::App& app) {
  // As in psql, a flag given twice takes its last value.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.footer(kFooter);
  add_connection_flags(app, options_.connection);
  add_scope_flags(app, options_.target, options_.scope);
  add_aws_flags(app, options_.aws, options_.scope);
  const std::string names = choices_text(kReportFormats);
  const std::vector<std::string> members = choices_list(kReportFormats);
  app.add_option_function<std::string>(
         "--format",
         [this](const std::string& value) {
           for (std::size_t i = 0; i < kReportFormats.size(); ++i) {
             options_.format = kReportFormats[i] == value ? kFormatOf[i] : options_.format;
           }
         },
         "Report format: " + names + " (default: text)")
      ->check(CLI::IsMember(members))
      ->type_name("FORMAT")
      ->group(kOutputGroup);
  app.add_option("-o,--output", options_.output, "Write the report to FILE (default: stdout)")
      ->type_name("FILE")
      ->group(kOutputGroup);
  app.add_option_function<std::string>(
         "--color",
         [this](const std::string& value) {
           options_.color = value == "always"  ? ColorChoice::always
                            : value == "never" ? ColorChoice::never
                                               : ColorChoice::automatic;
         },
         "Colour in text output: " + choices_text(kColorChoices) +
             " (default: auto: on a terminal, unless NO_COLOR is set)")
      ->check(CLI::IsMember(choices_list(kColorChoices)))
      ->type_name("WHEN")
      ->group(kOutputGroup);
  app.add_flag("--strict", options_.strict, "Warnings count as failures for the exit code")
      ->group(kOutputGroup);
  add_verbosity_flags(app, options_.verbosity);
  app.add_option("--from", options_.from,
                 "Evaluate a snapshot written by `collect` instead of a live database")
      ->type_name("FILE")
      ->group(kConnectionGroup);
}

// The flags of a live run that --from cannot take (checked here, not by
// CLI11's excludes(), whose help would name them on every line).
constexpr const char* kLiveFlags[] = {"--host",
                                      "--port",
                                      "--username",
                                      "--dbname",
                                      "--password",
                                      "--connect-timeout",
                                      "--statement-timeout",
                                      "--deep",
                                      "--aws",
                                      "--aws-profile",
                                      "--aws-region",
                                      "--aws-cluster",
                                      "--aws-endpoint-url",
                                      "--aws-timeout"};

ExitCode CheckCommand::run(const CLI::App& app) {
  if (const auto error = finish_flags(app, options_.connection, options_.target)) {
    print_usage_error(*error);
    return ExitCode::usage;
  }
  if (app.count("--from") > 0 && options_.from.empty()) {
    print_usage_error("--from: the snapshot file name is empty");
    return ExitCode::usage;
  }
  if (app.count("--from") > 0) {
    for (const char* live : kLiveFlags) {
      if (app.count(live) > 0) {
        print_usage_error(fmt::format(
            "--from evaluates a snapshot: {} is for a live database and cannot go with it", live));
        return ExitCode::usage;
      }
    }
  }
  set_up_logging(options_.verbosity);
  const std::string& output = options_.output;
  if (!options_.from.empty() && !output.empty() && same_file(options_.from, output)) {
    print_error("-o {} is the snapshot being read (--from): write the report elsewhere", output);
    return ExitCode::usage;
  }
  const std::optional<ClickPipesIps> ips = load_clickpipes_ips(options_.aws);
  if (!ips) {
    return ExitCode::usage;
  }
  OutputFile file;
  std::optional<Facts> facts;
  if (!options_.from.empty()) {
    facts = read_snapshot(options_);
    if (!facts || (!output.empty() && !file.open(output))) {
      return ExitCode::usage;
    }
    // The snapshot's list, unless another is named (or it has none).
    if (!options_.aws.clickpipes_ips.empty() || facts->aws.clickpipes_ips.regions.empty()) {
      facts->aws.clickpipes_ips = *ips;
    }
  } else {
    facts = gather_live(options_.connection, options_.target, options_.aws, output, file);
    if (!facts) {
      return ExitCode::usage;
    }
    facts->aws.clickpipes_ips = *ips;
  }
  return report(*facts, file);
}

ExitCode CheckCommand::report(const Facts& facts, OutputFile& output) const {
  const Scope scope = resolve_scope(facts, options_.scope);
  const Report report = build_report(facts, scope, run_checks(facts, scope),
                                     options_.strict ? Strict::yes : Strict::no);
  if (!write_output(options_.output, output, render(report, options_))) {
    return ExitCode::usage;
  }
  if (options_.format == Format::github) {
    append_step_summary(report);
  }
  if (facts.connection.failure != ConnectionFailure::none || !facts.connection.connected) {
    return ExitCode::connection;
  }
  return report.summary.ready ? ExitCode::ready : ExitCode::not_ready;
}

}  // namespace

std::unique_ptr<Command> make_check_command() { return std::make_unique<CheckCommand>(); }

}  // namespace cdcpreflight::cli
