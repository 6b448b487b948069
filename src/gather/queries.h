// Every SQL statement gather sends, in one place. Each returns what its comment
// says and runs on PostgreSQL 10 and later; version differences are chosen
// here from server_version_num. Parameters of the catalog queries: $1 the role
// to evaluate (NULL: the login role), $2 the publication name.
//
// The database may belong to someone else (an admin checks a customer's
// database): every function, relation and type is qualified with pg_catalog,
// and each session first pins search_path to pg_catalog, pg_temp (what pg_dump
// does since CVE-2018-1058), so that operators, which are not qualified, and
// anything left unqualified resolve from pg_catalog only, never from a schema
// the database's owner controls.
#pragma once

#include <string>

namespace cdcpreflight::queries {

// Session statements, sent as SQL (not as startup options) so that poolers
// accept them. The search_path goes first; inside the read-only transaction it
// is pinned again (SET LOCAL), so that no catalog query runs unless it holds,
// even behind a pooler that hands each transaction a server connection of its
// own.
inline constexpr const char* kSafeSearchPath = "SET search_path = pg_catalog, pg_temp";
inline constexpr const char* kSafeSearchPathInTransaction =
    "SET LOCAL search_path = pg_catalog, pg_temp";
// The same as a startup option, for the replication connection, which no pooler
// carries and which must not cost a round trip of its own.
inline constexpr const char* kSafeSearchPathOption = "-c search_path=pg_catalog,pg_temp";
inline constexpr const char* kReadOnlySession = "SET default_transaction_read_only = on";
// Compiling the catalog queries costs more than it saves (up to 0.17 s on
// 100,000 tables).
inline constexpr const char* kJitOff = "SET jit = off";
// PostgreSQL 14 and later: a query waiting on a lock does not read its socket;
// without this, the session of a tool stopped by SIGINT would stay in the lock
// queue until the statement timeout, and then run the next pipelined query.
inline constexpr const char* kClientConnectionCheck = "SET client_connection_check_interval = 1000";
inline constexpr int kClientConnectionCheckFrom = 140000;
inline constexpr const char* kBeginReadOnly = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
inline constexpr const char* kSavepoint = "SAVEPOINT gather";
inline constexpr const char* kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT gather";
inline constexpr const char* kCommit = "COMMIT";

// SET statement_timeout to `seconds`.
[[nodiscard]] std::string statement_timeout(int seconds);

// One row: version_num, version, version_string (version()), in_recovery,
// has_aurora_version, rds, rds_logical_replication and
// aurora_enhanced_logical_replication (NULL unless the server defines them),
// wal_bytes_since_reset and seconds_since_wal_reset (pg_stat_wal, 14+; NULL
// before).
[[nodiscard]] std::string server(int server_version_num);

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
// has_toastable_columns (see TableFacts), row_security, force_row_security, owned_by_role (for $1),
// policy_reads_all (a SELECT policy lets $1 read every row).
[[nodiscard]] std::string tables(int server_version_num);

// Zero or one row for publication $2: name, owner, all_tables, insert, update,
// delete, truncate, via_root, schemas (a JSON array).
[[nodiscard]] std::string publication(int server_version_num);

// One row: names, a JSON array of the publications ClickPipes created itself
// (peerflow_pub_*).
[[nodiscard]] std::string clickpipes_publications();

// Default privileges on tables: owner, schema ('' for all schemas),
// grants_select (to $1, a role it belongs to, or PUBLIC).
[[nodiscard]] std::string default_privileges();

// One row: can_read_all_stats (of the login role), hidden_transactions (other
// sessions holding a transaction id whose details are hidden from it), wal_senders (running, but
// the tool's own: $1 the backend pid of its replication connection, 0 when it
// has none, and the replication connections of other cdc-preflight runs, which
// hold a WAL sender for a moment only).
[[nodiscard]] std::string stats_visibility();

// Open transactions, oldest first (at most 1000), ours excluded: pid, user,
// backend_type, state, age_seconds, query_start. Other roles' sessions show
// only with pg_read_all_stats.
[[nodiscard]] std::string open_transactions();

// Prepared transactions: gid, owner, database, age_seconds.
[[nodiscard]] std::string prepared_transactions();

// Replication slots: name, plugin, slot_type, database, active, temporary,
// wal_status ('' before 13), safe_wal_bytes (NULL before 13 or when unlimited),
// retained_bytes.
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
