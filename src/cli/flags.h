// The flags that check and collect share, each group a struct of its own, and
// the functions that declare them to CLI11 (in help order).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cdcpreflight/check.h"
#include "cdcpreflight/gather.h"

namespace cdcpreflight::cli {

inline constexpr const char* kConnectionGroup = "Connection";
inline constexpr const char* kScopeGroup = "Scope";
inline constexpr const char* kOutputGroup = "Output";
inline constexpr const char* kAwsGroup = "AWS";

// The values of the options that take one of a few: the one list each, for the
// option's check and help and for the shell completions.
inline constexpr std::array<std::string_view, 6> kReportFormats{"text",     "json", "junit",
                                                                "markdown", "sql",  "github"};
inline constexpr std::array<std::string_view, 3> kCatalogueFormats{"text", "json", "markdown"};
inline constexpr std::array<std::string_view, 3> kColorChoices{"auto", "always", "never"};
inline constexpr std::array<std::string_view, 3> kCompletionShells{"bash", "zsh", "fish"};

// "a|b|c", and the members for CLI::IsMember.
[[nodiscard]] std::string choices_text(std::span<const std::string_view> choices);
[[nodiscard]] std::vector<std::string> choices_list(std::span<const std::string_view> choices);

// Exit codes of ../shared/SPEC.md (130/143 come from the signal handler).
enum class ExitCode : int { ready = 0, not_ready = 1, usage = 2, connection = 3 };

// CONNECTION: psql's flags; what is not given comes from libpq.
struct ConnectionFlags {
  ConnectOptions connect;
  std::string port;              // checked once parsed (finish_connection_flags)
  bool prompt_password = false;  // -W: before connecting
  // -w: never. Without either, as psql: a prompt on the terminal when the server
  // asks for a password and none was given, and stdin is a terminal.
  bool no_password = false;
  int statement_timeout_seconds = 30;
};

// What gather is asked for: the role to evaluate, the publication, the probe.
struct TargetFlags {
  std::string user;  // empty: the login role
  std::string publication = "clickpipes_publication";
  bool publication_given = false;
  bool deep = false;
};

// AWS: --aws reads the control plane; the ClickPipes IP list and region are
// read by the checks, with or without --aws (a snapshot may hold its facts).
struct AwsFlags {
  bool enabled = false;
  AwsOptions options;
  std::string clickpipes_ips;  // --clickpipes-ips FILE; empty: the list shipped with the tool
};

void add_connection_flags(CLI::App& app, ConnectionFlags& flags);
// --aws and its options, --clickpipes-region (into `scope`) and --clickpipes-ips.
void add_aws_flags(CLI::App& app, AwsFlags& flags, ScopeRequest& scope);
// The IP list of --clickpipes-ips, or the one shipped with the tool; nullopt,
// with the error printed, when the file cannot be read or is not such a list.
[[nodiscard]] std::optional<ClickPipesIps> load_clickpipes_ips(const AwsFlags& flags);
// --user and --publication, then the scope (--schema, --table,
// --long-tx-minutes), --deep and --skip.
void add_scope_flags(CLI::App& app, TargetFlags& target, ScopeRequest& scope);
// -q and -v: -1 quiet, 0 default, 1+ verbose.
void add_verbosity_flags(CLI::App& app, int& verbosity);

// After parsing: the port checked, whether --publication was named. Returns
// the usage error, if any.
[[nodiscard]] std::optional<std::string> finish_flags(const CLI::App& app, ConnectionFlags& flags,
                                                      TargetFlags& target);

[[nodiscard]] GatherOptions gather_options(const ConnectionFlags& connection,
                                           const TargetFlags& target);

}  // namespace cdcpreflight::cli
