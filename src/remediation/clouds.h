// Fixes for server parameters on the platforms other than AWS and
// self-managed PostgreSQL, where ALTER SYSTEM is not the user's: Cloud SQL and
// AlloyDB database flags (gcloud), Azure server parameters (az), and the
// consoles of Supabase, Neon, Crunchy Bridge, Timescale and PlanetScale.
#pragma once

#include <span>
#include <vector>

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

// The parameters the platform sets for one: on Cloud SQL and AlloyDB wal_level
// is not settable, and the flag cloudsql.logical_decoding (AlloyDB's guide:
// alloydb.logical_decoding and alloydb.enable_pglogical) sets it.
[[nodiscard]] std::vector<ParameterChange> platform_parameters(Platform platform,
                                                               const ParameterChange& change);

// Timescale Cloud (its host name or its tsdbadmin role), not a self-hosted
// TimescaleDB: logical replication cannot be turned on there.
[[nodiscard]] bool timescale_cloud(const Facts& facts);

// Azure: the server's name, from <server>.postgres.database.azure.com, else <server>.
[[nodiscard]] std::string azure_server_name(const Facts& facts);

}  // namespace cdcpreflight
