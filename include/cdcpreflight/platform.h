// Which Postgres platform a server is, from what it shows: one table of
// signals (a function, a setting the platform defines, a role it creates, an
// extension, a host name), tried in order; the first that matches decides.
// A new platform is a new Platform value, its PlatformInfo and its rows.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cdcpreflight/facts.h"

namespace cdcpreflight {

enum class SignalKind {
  function,   // aurora_version() exists
  setting,    // current_setting(name, true) is not null
  role,       // a role of that name exists
  extension,  // the extension is installed in the database
  host,       // the host name ends so (a suffix starting with a dot)
};

struct PlatformSignal {
  Platform platform;
  SignalKind kind;
  std::string_view name;  // the function, setting, role or extension; the host suffix
};

// The detection table, in the order it is tried.
[[nodiscard]] std::span<const PlatformSignal> platform_signals();

// Its settings, roles and extensions, as the server query reads them.
[[nodiscard]] std::vector<std::string_view> platform_signal_names(SignalKind kind);

struct PlatformInfo {
  Platform platform;
  const char* id;          // as in the JSON report: "cloudsql"
  const char* name;        // for people: "Google Cloud SQL for PostgreSQL"
  const char* setup_docs;  // its ClickPipes setup guide
};

[[nodiscard]] const PlatformInfo& platform_info(Platform platform);
[[nodiscard]] std::span<const PlatformInfo> platform_infos();
[[nodiscard]] std::optional<Platform> platform_from_id(std::string_view id);

struct PlatformDetection {
  Platform platform = Platform::postgresql;
  std::string signal;  // "setting cloudsql.logical_decoding is defined"; empty: none matched
};

[[nodiscard]] PlatformDetection detect_platform(const Facts& facts);
[[nodiscard]] Platform platform_of(const Facts& facts);

// Aurora or RDS: the AWS control plane and its idioms apply.
[[nodiscard]] bool is_aws_platform(Platform platform);

// A connection pooler that cannot carry logical replication, from the host
// name and port: Supabase's pooler (*.pooler.supabase.com, or port 6543),
// Neon's (-pooler in the endpoint name), PlanetScale's PSBouncer and Azure's
// built-in PgBouncer (port 6432 of such a server: elsewhere 6432 is often a
// PgBouncer that may pass replication through), Crunchy Bridge's PgBouncer
// (port 5431).
struct Pooler {
  Platform platform;
  std::string what;    // "the Supabase pooler (Supavisor)"
  std::string direct;  // the direct endpoint to use instead, host[:port], or a description
};

[[nodiscard]] std::optional<Pooler> platform_pooler(std::string_view host, int port,
                                                    Platform platform);

}  // namespace cdcpreflight
