// `cdc-preflight collect`: the facts gathered from a live server, as a JSON
// snapshot (facts_version 1) for `check --from`, redacted on request.
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/run.h"
#include "facts/redact.h"
#include "util/printable.h"

namespace cdcpreflight::cli {

namespace {

struct CollectOptions {
  ConnectionFlags connection;
  TargetFlags target;
  ScopeRequest scope;  // accepted, as on check; a snapshot holds every table
  AwsFlags aws;
  std::string output;  // empty: stdout
  bool redact = false;
  int verbosity = 0;
};

class CollectCommand : public Command {
 public:
  void add_flags(CLI::App& app) override {
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.footer(kCollectFooter);
    add_connection_flags(app, options_.connection);
    add_scope_flags(app, options_.target, options_.scope);
    add_aws_flags(app, options_.aws, options_.scope);
    app.add_option("-o,--output", options_.output, "Write the snapshot to FILE (default: stdout)")
        ->type_name("FILE")
        ->group(kOutputGroup);
    app.add_flag(
           "--redact", options_.redact,
           "Replace host, database, role, schema and table names (and with --aws the AWS ids, "
           "ARNs and addresses) by stable placeholders")
        ->group(kOutputGroup);
    add_verbosity_flags(app, options_.verbosity);
  }

  [[nodiscard]] ExitCode run(const CLI::App& app) override {
    if (const auto error = finish_flags(app, options_.connection, options_.target)) {
      print_usage_error(*error);
      return ExitCode::usage;
    }
    set_up_logging(options_.verbosity);
    const std::optional<ClickPipesIps> ips = load_clickpipes_ips(options_.aws);
    if (!ips) {
      return ExitCode::usage;
    }
    OutputFile file;
    std::optional<Facts> facts =
        gather_live(options_.connection, options_.target, options_.aws, options_.output, file);
    if (!facts) {
      return ExitCode::usage;
    }
    if (facts->aws.attempted) {
      facts->aws.clickpipes_ips = *ips;
    }
    const Facts snapshot = options_.redact ? redact(*facts) : *facts;
    // DEL, C1 controls and the like written \uXXXX: nothing raw for a terminal
    // or an editor that shows the file.
    std::string written = escape_hidden_in_json(
        nlohmann::json(snapshot).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    written += '\n';
    if (!write_output(options_.output, file, written)) {
      return ExitCode::usage;
    }
    const bool connected =
        facts->connection.connected && facts->connection.failure == ConnectionFailure::none;
    return connected ? ExitCode::ready : ExitCode::connection;
  }

 private:
  CollectOptions options_;
};

}  // namespace

std::unique_ptr<Command> make_collect_command() { return std::make_unique<CollectCommand>(); }

}  // namespace cdcpreflight::cli
