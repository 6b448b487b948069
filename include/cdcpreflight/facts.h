// Facts: everything cdc-preflight learns from a server, as plain data.
//
// `gather` fills a Facts from a live server in a fixed number of queries; checks
// are pure functions over it. Facts round-trip through JSON (facts_version 1) so
// a snapshot can be evaluated offline and every check tested without a server.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cdcpreflight/aws.h"

namespace cdcpreflight {

inline constexpr int kFactsVersion = 1;

// Why a connection attempt failed, classified for the `connection` check.
enum class ConnectionFailure {
  none,
  dns,               // the host name does not resolve
  refused,           // nothing listens on host:port
  timeout,           // no answer within --connect-timeout
  authentication,    // password or pg_hba.conf rejected the login
  tls,               // the server or client requires TLS the other side lacks
  database_missing,  // the database does not exist
  lost,              // connected, then the connection broke mid-run
  other,
};

struct ConnectionFacts {
  bool connected = false;
  ConnectionFailure failure = ConnectionFailure::none;
  std::string failure_message;  // libpq's or the server's words, password-free
  std::string host;             // as connected to (PQhost), else as requested
  int port = 0;
  std::string dbname;
  std::string connected_as;  // the login role
  std::string sslmode;       // the effective sslmode (libpq default: prefer)
  bool ssl_in_use = false;
  std::string ssl_protocol;  // e.g. TLSv1.3, when ssl_in_use
  std::string ssl_cipher;
};

// One row of pg_settings, or a placeholder read with current_setting(name, true).
struct Setting {
  std::string value;  // pg_settings.setting (in `unit` units), or the raw text
  std::string unit;   // pg_settings.unit, empty when none
  bool pending_restart = false;
};

struct ServerFacts {
  int version_num = 0;                        // server_version_num, e.g. 150004
  std::string version;                        // server_version, e.g. "15.4"
  std::string version_string;                 // version(): "PostgreSQL 15.4 on x86_64-…"
  std::optional<std::string> aurora_version;  // aurora_version(), Aurora only
  bool rds = false;                           // rds.extensions is set (RDS or Aurora)
  bool in_recovery = false;                   // pg_is_in_recovery()
  // Keyed by name: wal_level, wal_sender_timeout, max_replication_slots,
  // max_wal_senders, max_slot_wal_keep_size, and rds.logical_replication,
  // aurora.enhanced_logical_replication and the platform signals' settings
  // (cdcpreflight/platform.h) when the server defines them.
  std::map<std::string, Setting> settings;
  // The platform signals' roles that exist (platform.h), sorted.
  std::vector<std::string> platform_roles;
  // The platform signals' extensions installed in the database: name, version.
  std::map<std::string, std::string> extensions;
  // pg_stat_wal (PostgreSQL 14+): the WAL written since its statistics were
  // last reset, and the seconds since that reset; none before 14, or when the
  // server has no reset time.
  std::optional<std::int64_t> wal_bytes_since_reset;
  std::optional<std::int64_t> seconds_since_wal_reset;
};

// The role ClickPipes will connect as (--user, default the login role).
struct RoleFacts {
  std::string name;
  bool exists = false;
  bool can_login = false;
  bool superuser = false;
  bool replication = false;  // rolreplication
  bool bypass_rls = false;
  bool member_of_rds_replication = false;  // pg_has_role(…, MEMBER); false if no such role
  bool member_of_rds_superuser = false;
  std::optional<std::string> valid_until;  // rolvaliduntil as text, when set
  // Seconds from gathering until rolvaliduntil (negative: expired), when set and finite.
  std::optional<std::int64_t> seconds_until_expiry;
};

struct SchemaFacts {
  std::string name;
  std::string owner;
  bool usage = false;  // has_schema_privilege(role, schema, 'USAGE')
};

enum class TableKind { ordinary, partitioned };
enum class ReplicaIdentity { default_key, nothing, full, index };

// An ordinary or partitioned table outside the system schemas, partitions included.
struct TableFacts {
  std::string schema;
  std::string name;
  std::string owner;
  TableKind kind = TableKind::ordinary;
  bool unlogged = false;
  bool is_partition = false;
  std::string root_schema;  // the top partitioned ancestor, when is_partition
  std::string root_name;
  ReplicaIdentity replica_identity = ReplicaIdentity::default_key;
  bool has_primary_key = false;
  bool has_replica_identity_index = false;  // an index marked indisreplident exists
  bool select = false;                      // has_table_privilege(role, table, 'SELECT')
  bool published = false;                   // listed in the publication, or its schema is (PG15+)
  std::int64_t bytes = 0;                   // the table and its TOAST table, from relpages
  // A value of it can be stored out of line (TOAST): a column of a variable-length
  // type whose storage is not plain, unbounded or in a row that can reach the
  // TOAST threshold (not numeric(p, s), a short varchar(n), fixed-width types).
  // PostgreSQL gives a table a TOAST relation by that same rule: gather reads
  // the columns where the TOAST relation holds data, and takes the relation's
  // existence elsewhere.
  bool has_toastable_columns = false;
  // Evidence that values are stored out of line: its TOAST relation holds data
  // (pages or tuples as of the last VACUUM, or rows in the statistics).
  bool toast_holds_data = false;
  std::vector<std::string> generated_columns;          // stored generated columns (PostgreSQL 12+)
  std::vector<std::string> virtual_generated_columns;  // virtual ones (PostgreSQL 18+)
  bool generated_in_key = false;    // one is in the primary key or replica identity index
  bool row_security = false;        // relrowsecurity
  bool force_row_security = false;  // relforcerowsecurity
  bool owned_by_role = false;       // the role has the owner's privileges
  bool policy_reads_all =
      false;  // a SELECT policy USING (true) applies to the role, no restrictive one
  // An inheritance child (not a partition): its first parent, e.g. the
  // TimescaleDB hypertable whose chunk this is.
  std::string parent_schema;
  std::string parent_name;
};

// ALTER DEFAULT PRIVILEGES … ON TABLES of one owner, in one schema or (schema
// empty) in all schemas.
struct DefaultPrivilegeFacts {
  std::string owner;
  std::string schema;
  bool grants_select = false;  // SELECT to the role, to a role it belongs to, or to PUBLIC
};

struct OpenTransaction {
  int pid = 0;
  std::string user;
  std::string backend_type;
  std::string state;
  std::int64_t age_seconds = 0;  // since xact_start
  std::string query_start;       // ISO 8601 UTC, empty when unknown
};

struct PreparedTransaction {
  std::string gid;
  std::string owner;
  std::string database;
  std::int64_t age_seconds = 0;
};

// The name of every temporary slot the --deep probe creates starts so.
inline constexpr std::string_view kProbeSlotPrefix = "cdc_preflight_probe_";
// The name of every slot ClickPipes creates starts so (peerflow_slot_<pipe>).
inline constexpr std::string_view kClickPipesSlotPrefix = "peerflow_slot_";

struct ReplicationSlotFacts {
  std::string name;
  std::string plugin;  // empty for a physical slot
  std::string slot_type;
  std::string database;
  bool active = false;
  bool temporary = false;
  std::string wal_status;  // PG13+: reserved, extended, unreserved, lost; empty before
  std::optional<std::int64_t> retained_bytes;  // WAL between restart_lsn and now
  // PG13+: WAL that can still be written before the slot is invalidated (none when
  // max_slot_wal_keep_size is -1).
  std::optional<std::int64_t> safe_wal_bytes;
};

// Sessions, transactions and slots (pg_stat_activity, pg_prepared_xacts,
// pg_replication_slots), as the login role sees them.
struct ActivityFacts {
  // Superuser or member of pg_read_all_stats: other roles' sessions are visible.
  bool can_read_all_stats = false;
  std::vector<OpenTransaction>
      transactions;  // open ones, oldest first (1000 at most), ours excluded
  std::vector<PreparedTransaction> prepared;
  std::vector<ReplicationSlotFacts> slots;
  // WAL sender processes running, but the tool's own replication connection
  // and those of other cdc-preflight runs (application_name cdc-preflight),
  // which hold a sender for a moment only.
  int wal_senders = 0;
  // Without pg_read_all_stats: the other sessions that hold a transaction id
  // (from pg_locks, which every role may read) whose age is hidden.
  int hidden_transactions = 0;
};

// A replication=database connection that ran IDENTIFY_SYSTEM (live only).
struct ReplicationConnectFacts {
  bool attempted = false;
  bool ok = false;
  std::string system_identifier;
  int timeline = 0;
  std::string sqlstate;
  std::string message;  // why it failed
};

// --deep: a temporary pgoutput slot created, peeked through the publication, dropped.
struct SlotProbeFacts {
  bool attempted = false;
  bool ok = false;
  std::string sqlstate;
  std::string message;
  bool timed_out = false;                 // creation waited past the statement timeout
  std::vector<OpenTransaction> blockers;  // what creation waited on
  std::int64_t changes_peeked = 0;
};

struct PublicationFacts {
  bool exists = false;
  std::string name;
  std::string owner;
  bool all_tables = false;
  bool insert = false, update = false, delete_ = false, truncate = false;
  bool via_root = false;                     // publish_via_partition_root (PG13+)
  bool publishes_generated_columns = false;  // publish_generated_columns = stored (PG18+)
  std::vector<std::string> schemas;          // FOR TABLES IN SCHEMA (PG15+)
  // The publications ClickPipes created itself (peerflow_pub_*), in this database.
  std::vector<std::string> clickpipes_publications;
};

// SQLSTATEs the tool tells apart.
inline constexpr std::string_view kQueryCanceled = "57014";  // statement_timeout, a cancel
inline constexpr std::string_view kInsufficientPrivilege = "42501";

// A gathering query that did not complete: the checks that need its facts say
// `error` with this message instead of guessing.
struct QueryError {
  std::string sqlstate;  // e.g. 57014 statement timeout, 42501 insufficient privilege
  std::string message;
};

// The groups of facts, one gathering query each; checks declare which they need.
enum class FactGroup { server, role, schemas, tables, publication, default_privileges, activity };

struct Facts {
  std::string tool_version;
  std::string gathered_at;  // ISO 8601 UTC
  // What the facts were gathered for, resolved once by gather: privileges are
  // evaluated for `user` (the role asked for, else the login role; see
  // resolve_user), `publication` is the publication looked up, and `deep` says
  // whether the slot probe was asked for. A snapshot does not record `deep`:
  // loading it takes whether its slot probe was attempted.
  std::string user;
  std::string publication;
  bool deep = false;

  ConnectionFacts connection;
  ServerFacts server;
  RoleFacts role;
  std::vector<SchemaFacts> schemas;
  std::vector<TableFacts> tables;
  PublicationFacts publication_facts;
  std::vector<DefaultPrivilegeFacts> default_privileges;
  ActivityFacts activity;
  ReplicationConnectFacts replication_connect;
  SlotProbeFacts slot_probe;
  AwsFacts aws;  // --aws: the control plane (aws.attempted false without it)
  std::map<FactGroup, QueryError> errors;  // the groups that could not be read
};

// The platforms ClickPipes documents a setup guide for; detected from the
// signals of cdcpreflight/platform.h.
enum class Platform {
  postgresql,
  rds,
  aurora,
  cloud_sql,
  alloydb,
  azure,
  supabase,
  neon,
  crunchy_bridge,
  timescale,
  planetscale,
};

// `user` defaults to the login role: the one place that rule is applied (by
// gather once it knows the login role, and on loading a snapshot).
void resolve_user(Facts& facts);

[[nodiscard]] const char* to_string(Platform platform);  // the id of platform.h's PlatformInfo
[[nodiscard]] const char* to_string(ConnectionFailure failure);
[[nodiscard]] const char* to_string(FactGroup group);

void to_json(nlohmann::json& json, const Facts& facts);
void from_json(const nlohmann::json& json, Facts& facts);

}  // namespace cdcpreflight
