// Every SQL statement gather sends, in one place. Each returns what its comment
// says and runs on PostgreSQL 10 and later; version differences are chosen
// here from server_version_num. Parameters: $1 the role to evaluate (NULL: the
// login role), $2 the publication name.
#pragma once

#include <string>

namespace cdcpreflight::queries {

// One row: version_num, version, in_recovery, has_aurora_version, rds,
// rds_logical_replication (NULL unless the server defines it).
[[nodiscard]] std::string server();

// name, setting, unit, pending_restart of the settings the checks read.
[[nodiscard]] std::string settings();

// One row for $1 (exists false when no such role): name, exists, can_login,
// superuser, replication, bypass_rls, valid_until, seconds_until_expiry,
// member_of_rds_replication, member_of_rds_superuser.
[[nodiscard]] std::string role();

// Every non-system schema: name, owner, usage (for $1).
[[nodiscard]] std::string schemas();

// Every ordinary and partitioned table of a non-system schema, partitions
// included: schema, name, owner, kind, persistence, is_partition, root_schema,
// root_name, replica_identity, has_primary_key, has_replica_identity_index,
// can_select (for $1), published (in publication $2), bytes (from relpages),
// has_toastable_columns, row_security, force_row_security, owned_by_role (for $1),
// policy_reads_all (a SELECT policy lets $1 read every row).
[[nodiscard]] std::string tables(int server_version_num);

// Zero or one row for publication $2: name, owner, all_tables, insert, update,
// delete, truncate, via_root, schemas (a JSON array).
[[nodiscard]] std::string publication(int server_version_num);

// Default privileges on tables: owner, schema ('' for all schemas),
// grants_select (to $1, a role it belongs to, or PUBLIC).
[[nodiscard]] std::string default_privileges();

// One row: can_read_all_stats (of the login role), wal_senders (running).
[[nodiscard]] std::string stats_visibility();

// Open transactions, oldest first (at most 1000), ours excluded: pid, user,
// backend_type, state, age_seconds, query_start. Other roles' sessions show
// only with pg_read_all_stats.
[[nodiscard]] std::string open_transactions();

// Prepared transactions: gid, owner, database, age_seconds.
[[nodiscard]] std::string prepared_transactions();

// Replication slots: name, plugin, slot_type, database, active, temporary,
// wal_status ('' before 13), retained_bytes.
[[nodiscard]] std::string replication_slots(int server_version_num);

// What blocks backend $1: pid, user, backend_type, state, age_seconds, query_start.
[[nodiscard]] std::string blockers();

// --deep, on their own connection: create a temporary pgoutput slot $1, peek
// its changes through publication list $2 (changes), drop it.
[[nodiscard]] std::string create_probe_slot();
[[nodiscard]] std::string peek_probe_slot();
[[nodiscard]] std::string drop_probe_slot();

// Aurora only (the function exists): aurora_version().
[[nodiscard]] std::string aurora_version();

}  // namespace cdcpreflight::queries
