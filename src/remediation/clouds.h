// Fixes for server parameters on the platforms other than AWS and
// self-managed PostgreSQL, where ALTER SYSTEM is not the user's: Cloud SQL and
// AlloyDB database flags (gcloud), Azure server parameters (az), and the
// consoles of Supabase, Neon, Crunchy Bridge, Timescale and PlanetScale.
#pragma once

#include <span>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/remediation.h"

namespace cdcpreflight {

// How `changes` are made on `platform` (not aurora, rds or postgresql), with
// the restart a static parameter needs when `restart`.
[[nodiscard]] Remediation cloud_parameter_remediation(const Facts& facts, Platform platform,
                                                      std::span<const ParameterChange> changes,
                                                      bool restart);

// The parameters are set; only the restart is missing.
[[nodiscard]] Remediation cloud_restart_remediation(const Facts& facts, Platform platform);

// The name the platform gives a parameter: on Cloud SQL and AlloyDB wal_level
// is not settable, and the flag cloudsql.logical_decoding (alloydb.…) sets it.
[[nodiscard]] ParameterChange platform_parameter(Platform platform, const ParameterChange& change);

// Azure: the server's name, from <server>.postgres.database.azure.com, else <server>.
[[nodiscard]] std::string azure_server_name(const Facts& facts);

}  // namespace cdcpreflight
