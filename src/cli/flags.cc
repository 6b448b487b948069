#include "cli/flags.h"

#include <charconv>
#include <fstream>

#include <fmt/format.h>

#include "aws/parse.h"
#include "checks/scope_names.h"
#include "cli/run.h"

namespace cdcpreflight::cli {

std::string choices_text(std::span<const std::string_view> choices) {
  std::string text;
  for (const std::string_view choice : choices) {
    text += (text.empty() ? "" : "|") + std::string(choice);
  }
  return text;
}

std::vector<std::string> choices_list(std::span<const std::string_view> choices) {
  return {choices.begin(), choices.end()};
}

void add_connection_flags(CLI::App& app, ConnectionFlags& flags) {
  app.add_option("-h,--host", flags.connect.host, "Database server host or socket directory")
      ->type_name("HOSTNAME")
      ->group(kConnectionGroup);
  app.add_option("-p,--port", flags.port, "Database server port")
      ->type_name("PORT")
      ->group(kConnectionGroup);
  app.add_option("-U,--username", flags.connect.username, "Database user name")
      ->type_name("USERNAME")
      ->group(kConnectionGroup);
  app.add_option("-d,--dbname", flags.connect.dbname,
                 "Database name, conninfo string or postgres:// URI")
      ->type_name("DBNAME")
      ->group(kConnectionGroup);
  app.add_flag("-w,--no-password", flags.no_password, "Never prompt for a password")
      ->group(kConnectionGroup);
  app.add_flag("-W,--password", flags.prompt_password,
               "Prompt for a password before connecting (no echo)")
      ->group(kConnectionGroup);
  app.add_option("--connect-timeout", flags.connect.connect_timeout_seconds,
                 "Seconds allowed to connect")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str()
      ->type_name("SECONDS")
      ->group(kConnectionGroup);
  app.add_option("--statement-timeout", flags.statement_timeout_seconds,
                 "Seconds allowed for each of the tool's queries")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str()
      ->type_name("SECONDS")
      ->group(kConnectionGroup);
}

void add_scope_flags(CLI::App& app, TargetFlags& target, ScopeRequest& scope) {
  app.add_option("--user", target.user, "Role ClickPipes will connect as (default: the login role)")
      ->type_name("ROLE")
      ->group(kScopeGroup);
  app.add_option("--publication", target.publication, "Publication ClickPipes will use")
      ->capture_default_str()
      ->type_name("NAME")
      ->group(kScopeGroup);
  app.add_option("--schema", scope.schemas, "Only tables of this schema (repeatable)")
      ->type_name("SCHEMA")
      ->group(kScopeGroup);
  app.add_option("--table", scope.tables, "Only this SCHEMA.TABLE (repeatable)")
      ->check([](const std::string& value) -> std::string {
        return parse_table_name(value) ? "" : "expected SCHEMA.TABLE (quote parts with \"…\")";
      })
      ->type_name("SCHEMA.TABLE")
      ->group(kScopeGroup);
  app.add_option("--long-tx-minutes", scope.long_tx_minutes,
                 "Age at which an open or prepared transaction is reported")
      ->check(CLI::Range(0, 10080))
      ->capture_default_str()
      ->type_name("MINUTES")
      ->group(kScopeGroup);
  app.add_flag("--deep", target.deep,
               "Also create and drop a temporary replication slot (replication.slot_probe)")
      ->group(kScopeGroup);
  app.add_option("--skip", scope.skip, "Do not run this check id (repeatable)")
      ->check([](const std::string& value) -> std::string {
        return find_check(value) != nullptr ? "" : "no such check: " + value;
      })
      ->type_name("CHECK_ID")
      ->group(kScopeGroup);
}

void add_aws_flags(CLI::App& app, AwsFlags& flags, ScopeRequest& scope) {
  app.add_flag("--aws", flags.enabled,
               "Also read the AWS control plane (cluster, parameter group, network) with the AWS "
               "CLI's read-only Describe calls")
      ->group(kAwsGroup);
  app.add_option("--aws-profile", flags.options.profile, "AWS CLI profile (default: the CLI's)")
      ->type_name("NAME")
      ->group(kAwsGroup);
  app.add_option("--aws-region", flags.options.region,
                 "AWS region (default: the host name's, else the profile's)")
      ->type_name("REGION")
      ->group(kAwsGroup);
  app.add_option("--aws-cluster", flags.options.cluster,
                 "DB cluster identifier (default: the host name's)")
      ->type_name("ID")
      ->group(kAwsGroup);
  app.add_option("--aws-endpoint-url", flags.options.endpoint_url,
                 "Send the AWS calls to this endpoint (e.g. LocalStack)")
      ->type_name("URL")
      ->group(kAwsGroup);
  app.add_option("--aws-timeout", flags.options.timeout_seconds,
                 "Seconds allowed for each AWS CLI call")
      ->check(CLI::Range(1, 600))
      ->capture_default_str()
      ->type_name("SECONDS")
      ->group(kAwsGroup);
  app.add_option("--clickpipes-region", scope.clickpipes_region,
                 "ClickPipes region serving the ClickHouse Cloud service, whose static IPs must "
                 "be admitted (default: report which regions' are)")
      ->type_name("REGION")
      ->group(kAwsGroup);
  app.add_option("--clickpipes-ips", flags.clickpipes_ips,
                 "ClickPipes static IP list in the shape of static-ips.json (default: the list "
                 "shipped with the tool)")
      ->type_name("FILE")
      ->group(kAwsGroup);
}

std::optional<ClickPipesIps> load_clickpipes_ips(const AwsFlags& flags) {
  if (flags.clickpipes_ips.empty()) {
    return builtin_clickpipes_ips();
  }
  std::ifstream file(flags.clickpipes_ips, std::ios::binary);
  std::string text;
  if (file) {
    constexpr std::size_t kMax = std::size_t{16} << 20;
    text.resize(kMax + 1);
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    if (text.size() > kMax) {
      print_error("--clickpipes-ips {}: larger than 16 MiB", flags.clickpipes_ips);
      return std::nullopt;
    }
  }
  if (!file && !file.eof()) {
    print_error("--clickpipes-ips {}: cannot read it", flags.clickpipes_ips);
    return std::nullopt;
  }
  ClickPipesIps ips;
  if (const auto error = parse_clickpipes_ips(text, ips)) {
    print_error("--clickpipes-ips {}: {}", flags.clickpipes_ips, *error);
    return std::nullopt;
  }
  ips.source = flags.clickpipes_ips;
  return ips;
}

void add_verbosity_flags(CLI::App& app, int& verbosity) {
  app.add_flag_function(
         "-q,--quiet", [&verbosity](std::int64_t) { verbosity = -1; }, "Only errors on stderr")
      ->group(kOutputGroup);
  app.add_flag_function(
         "-v,--verbose", [&verbosity](std::int64_t count) { verbosity = static_cast<int>(count); },
         "Diagnostics on stderr (-vv: every query)")
      ->group(kOutputGroup);
}

std::optional<std::string> finish_flags(const CLI::App& app, ConnectionFlags& flags,
                                        TargetFlags& target) {
  target.publication_given = app.count("--publication") > 0;
  if (flags.port.empty()) {
    return std::nullopt;
  }
  int number = 0;
  const std::string& port = flags.port;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec != std::errc{} || end != port.data() + port.size() || number < 1 || number > 65535) {
    return fmt::format("--port: not a port number: {}", port);
  }
  flags.connect.port = port;
  return std::nullopt;
}

GatherOptions gather_options(const ConnectionFlags& connection, const TargetFlags& target) {
  GatherOptions options;
  options.user = target.user;
  options.publication = target.publication;
  options.statement_timeout_seconds = connection.statement_timeout_seconds;
  options.deep = target.deep;
  return options;
}

}  // namespace cdcpreflight::cli
