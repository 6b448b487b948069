#include "gather/queries.h"

#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/sql_quote.h"

namespace cdcpreflight::queries {

namespace {

// The schemas whose tables are never replicated.
constexpr const char* kUserSchemaFilter =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

constexpr const char* kRoleName = "coalesce($1::pg_catalog.text, current_user::pg_catalog.text)";

}  // namespace

std::string statement_timeout(int seconds) {
  return fmt::format("SET statement_timeout = {}", 1000LL * seconds);
}

namespace {

// The platform signals' settings, roles and extensions (cdcpreflight/platform.h),
// each read as JSON text: current_setting(name, true) of each setting (null
// where the server does not define it), the roles that exist, the extensions
// installed with their versions.
std::string platform_signal_columns() {
  std::string settings;
  for (const std::string_view name : platform_signal_names(SignalKind::setting)) {
    const std::string literal = quote_literal(name);
    settings += fmt::format("{}{}, pg_catalog.current_setting({}, true)",
                            settings.empty() ? "" : ", ", literal, literal);
  }
  const auto list = [](SignalKind kind) {
    std::string names;
    for (const std::string_view name : platform_signal_names(kind)) {
      names += (names.empty() ? "" : ", ") + quote_literal(name);
    }
    return names;
  };
  return fmt::format(
      ", pg_catalog.json_build_object({})::pg_catalog.text AS platform_settings,"
      " (SELECT coalesce(pg_catalog.json_agg(r.rolname::pg_catalog.text), '[]')::pg_catalog.text"
      "  FROM pg_catalog.pg_roles r WHERE r.rolname IN ({})) AS platform_roles,"
      " (SELECT coalesce(pg_catalog.json_object_agg(e.extname::pg_catalog.text, e.extversion),"
      " '{{}}')::pg_catalog.text"
      "  FROM pg_catalog.pg_extension e WHERE e.extname IN ({})) AS extensions",
      settings, list(SignalKind::role), list(SignalKind::extension));
}

}  // namespace

std::string server(int server_version_num) {
  // pg_stat_wal (14+): what the WAL write rate is measured from.
  const char* wal =
      server_version_num >= 140000
          ? ", (SELECT w.wal_bytes::pg_catalog.int8 FROM pg_catalog.pg_stat_wal w)"
            " AS wal_bytes_since_reset,"
            " (SELECT extract(epoch FROM pg_catalog.now() - w.stats_reset)::pg_catalog.int8"
            " FROM pg_catalog.pg_stat_wal w) AS seconds_since_wal_reset"
          : ", NULL::pg_catalog.int8 AS wal_bytes_since_reset,"
            " NULL::pg_catalog.int8 AS seconds_since_wal_reset";
  return std::string(
             "SELECT pg_catalog.current_setting('server_version_num')::pg_catalog.int4 AS "
             "version_num,"
             " pg_catalog.current_setting('server_version') AS version,"
             " pg_catalog.version() AS version_string,"
             " pg_catalog.pg_is_in_recovery() AS in_recovery,"
             " pg_catalog.to_regproc('pg_catalog.aurora_version') IS NOT NULL AS "
             "has_aurora_version,"
             " pg_catalog.current_setting('rds.extensions', true) IS NOT NULL AS rds,"
             " pg_catalog.current_setting('rds.logical_replication', true) AS "
             "rds_logical_replication,"
             " pg_catalog.current_setting('aurora.enhanced_logical_replication', true)"
             "  AS aurora_enhanced_logical_replication") +
         platform_signal_columns() + wal;
}

std::string settings() {
  return "SELECT name, setting, coalesce(unit, '') AS unit, pending_restart"
         " FROM pg_catalog.pg_settings WHERE name IN ('wal_level', 'wal_sender_timeout',"
         " 'max_replication_slots', 'max_wal_senders', 'max_slot_wal_keep_size')";
}

std::string role() {
  return fmt::format(
      "SELECT q.name, r.oid IS NOT NULL AS exists,"
      " coalesce(r.rolcanlogin, false) AS can_login,"
      " coalesce(r.rolsuper, false) AS superuser,"
      " coalesce(r.rolreplication, false) AS replication,"
      " coalesce(r.rolbypassrls, false) AS bypass_rls,"
      " CASE WHEN r.rolvaliduntil IS NULL THEN NULL"
      "  WHEN pg_catalog.isfinite(r.rolvaliduntil) THEN pg_catalog.to_char(r.rolvaliduntil AT TIME"
      " ZONE 'UTC',"
      "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
      "  ELSE 'infinity' END AS valid_until,"
      " CASE WHEN pg_catalog.isfinite(r.rolvaliduntil)"
      "  THEN extract(epoch FROM r.rolvaliduntil - pg_catalog.now())::pg_catalog.int8 END AS"
      " seconds_until_expiry,"
      " EXISTS (SELECT 1 FROM pg_catalog.pg_roles g WHERE g.rolname = 'rds_replication'"
      "  AND r.oid IS NOT NULL AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER'))"
      "  AS member_of_rds_replication,"
      " EXISTS (SELECT 1 FROM pg_catalog.pg_roles g WHERE g.rolname = 'rds_superuser'"
      "  AND r.oid IS NOT NULL AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER'))"
      "  AS member_of_rds_superuser"
      " FROM (SELECT {} AS name) q LEFT JOIN pg_catalog.pg_roles r ON r.rolname = q.name",
      kRoleName);
}

std::string schemas() {
  return fmt::format(
      "SELECT n.nspname AS name, pg_catalog.pg_get_userbyid(n.nspowner) AS owner,"
      " coalesce(pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE'), false) AS usage"
      " FROM pg_catalog.pg_namespace n LEFT JOIN pg_catalog.pg_roles r ON r.rolname = {}"
      " WHERE {} ORDER BY 1",
      kRoleName, kUserSchemaFilter);
}

namespace {

// From PostgreSQL 12, the generated columns (stored; from 18 virtual ones
// too), found through pg_attrdef, which holds their expressions: pgoutput
// leaves the stored ones out unless the publication says otherwise (18), and
// never sends the virtual ones (`gens`: JSON arrays of names per table);
// `gen_key`: the tables whose primary key or replica identity index holds a
// stored one. pg_attrdef has a row per column with a default, far fewer than
// pg_attribute's, which is read per table only where it must be (below).
std::string generated_ctes(int server_version_num) {
  if (server_version_num < 120000) {
    return " gens AS (SELECT NULL::pg_catalog.oid AS attrelid, '[]'::pg_catalog.text AS generated,"
           "  '[]'::pg_catalog.text AS virtual WHERE false),"
           " gen_key AS (SELECT NULL::pg_catalog.oid AS indrelid WHERE false),";
  }
  return fmt::format(
      " gen AS (SELECT a.attrelid, a.attnum, a.attname, a.attgenerated"
      "  FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a"
      "  ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
      "  WHERE a.attgenerated <> '' AND NOT a.attisdropped),"
      " gens AS (SELECT attrelid,"
      "  coalesce(pg_catalog.json_agg(attname ORDER BY attnum) FILTER (WHERE attgenerated = 's'),"
      "  '[]')::pg_catalog.text AS generated, {} AS virtual FROM gen GROUP BY attrelid),"
      " gen_key AS (SELECT i.indrelid FROM pg_catalog.pg_index i JOIN gen"
      "  ON gen.attrelid = i.indrelid AND gen.attnum = ANY (i.indkey::pg_catalog.int2[])"
      "  WHERE (i.indisprimary OR i.indisreplident) AND gen.attgenerated = 's'"
      "  GROUP BY i.indrelid),",
      server_version_num >= 180000
          ? "coalesce(pg_catalog.json_agg(attname ORDER BY attnum) FILTER (WHERE attgenerated ="
            " 'v'), '[]')::pg_catalog.text"
          : "'[]'::pg_catalog.text");
}

// Whether a value of the table `t.relid` can be stored out of line (TOAST): a
// column of a variable-length type whose storage is not plain, and either of a
// type without a bound (text, bytea, jsonb, an unconstrained numeric or
// varchar, arrays, …) or in a row whose widest possible form reaches the TOAST
// threshold (a quarter of a block, less the headers: varchar(n) and char(n)
// count n characters of the database encoding's longest, numeric(p, s) its
// digits, bit(n) its bits). That is the rule by which PostgreSQL gives a table
// a TOAST relation (needs_toast_table), so a table without one cannot; the
// columns are read only for a table whose TOAST relation holds data, where the
// answer makes a warning (a column dropped or changed since may have left a
// TOAST relation behind).
constexpr const char* kToastableColumns =
    "(SELECT pg_catalog.bool_or(a.attlen = -1 AND a.attstorage <> 'p')"
    "  AND (pg_catalog.bool_or(a.attlen = -1 AND a.attstorage <> 'p' AND NOT ("
    "   (a.atttypid IN (1042, 1043, 1700) AND a.atttypmod > 4)"
    "   OR (a.atttypid IN (1560, 1562) AND a.atttypmod > 0)))"
    "  OR pg_catalog.sum(CASE WHEN a.attlen > 0 THEN a.attlen"
    "   WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4 THEN (a.atttypmod - 4)"
    "    * pg_catalog.pg_encoding_max_length(pg_catalog.pg_char_to_encoding("
    "    pg_catalog.getdatabaseencoding())) + 4"
    "   WHEN a.atttypid = 1700 AND a.atttypmod > 4 THEN ((a.atttypmod - 4) >> 16) / 2 + 12"
    "   WHEN a.atttypid IN (1560, 1562) AND a.atttypmod > 0 THEN a.atttypmod / 8 + 12"
    "   ELSE 0 END) >= pg_catalog.current_setting('block_size')::pg_catalog.int4 / 4 - 64)"
    "  FROM pg_catalog.pg_attribute a"
    "  WHERE a.attrelid = t.relid AND a.attnum > 0 AND NOT a.attisdropped)";

}  // namespace

std::string tables(int server_version_num) {
  // FOR TABLES IN SCHEMA (pg_publication_namespace) exists from PostgreSQL 15.
  const std::string schema_published =
      server_version_num >= 150000
          ? " OR c.relnamespace IN (SELECT pn.pnnspid FROM pg_catalog.pg_publication_namespace pn"
            " WHERE pn.pnpubid = (SELECT oid FROM pub))"
          : "";
  // The partition tree is walked with pg_inherits (pg_partition_root is 12+);
  // indexes are aggregated once, not looked up per table. Sizes are what the
  // initial load reads, the table and its TOAST table, from pg_class.relpages
  // (as of the last VACUUM or ANALYZE): pg_total_relation_size opens every
  // relation and stats its files, which costs seconds on 100,000 tables.
  return fmt::format(
      "WITH RECURSIVE pub AS (SELECT oid FROM pg_catalog.pg_publication WHERE pubname = $2),"
      " tree AS (SELECT c.oid AS relid, c.oid AS root FROM pg_catalog.pg_class c"
      "  WHERE c.relkind = 'p' AND NOT c.relispartition"
      "  UNION ALL SELECT i.inhrelid, t.root FROM pg_catalog.pg_inherits i JOIN tree t ON"
      " i.inhparent = "
      "t.relid),"
      // An inheritance child's first parent (a TimescaleDB chunk's hypertable).
      " inh AS (SELECT DISTINCT ON (i.inhrelid) i.inhrelid, i.inhparent FROM"
      " pg_catalog.pg_inherits i ORDER BY i.inhrelid, i.inhseqno),"
      " idx AS (SELECT indrelid, pg_catalog.bool_or(indisprimary) AS pk,"
      " pg_catalog.bool_or(indisreplident) AS ri"
      "  FROM pg_catalog.pg_index WHERE indisprimary OR indisreplident GROUP BY indrelid),"
      // The TOAST relations, hashed once: looked up one by one (a nested loop
      // over pg_class, which the planner prefers) they cost more than all of
      // pg_class read again. MATERIALIZED is 12+; CTEs always are before.
      " tc AS {5}(SELECT oid, relpages, reltuples FROM pg_catalog.pg_class WHERE relkind = 't'),"
      "{3}"
      // The SELECT policies that apply to the role: one permissive USING (true) lets it
      // read every row, unless a restrictive one narrows them again.
      " policies AS (SELECT p.polrelid,"
      "  pg_catalog.bool_or(p.polpermissive AND pg_catalog.pg_get_expr(p.polqual, p.polrelid) ="
      " 'true') AS reads_all,"
      "  pg_catalog.bool_or(NOT p.polpermissive) AS restricted"
      "  FROM pg_catalog.pg_policy p WHERE p.polcmd IN ('r', '*') AND (0::pg_catalog.oid = ANY"
      " (p.polroles)"
      "   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(p.polroles) AS g(role) WHERE"
      " pg_catalog.pg_has_role("
      "    (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = {1}), g.role, 'USAGE')))"
      "  GROUP BY p.polrelid)"
      " SELECT t.*, CASE WHEN t.toast_holds_data THEN coalesce({4}, false)"
      "  ELSE t.has_toast_relation END AS has_toastable_columns FROM ("
      " SELECT n.nspname AS schema, c.relname AS name, pg_catalog.pg_get_userbyid(c.relowner) AS"
      " owner,"
      " c.relkind::pg_catalog.text AS kind, c.relpersistence::pg_catalog.text AS persistence,"
      " c.relispartition AS is_partition, rn.nspname AS root_schema, rc.relname AS root_name,"
      " c.relreplident::pg_catalog.text AS replica_identity,"
      " coalesce(idx.pk, false) AS has_primary_key,"
      " coalesce(idx.ri, false) AS has_replica_identity_index,"
      " coalesce(pg_catalog.has_table_privilege(r.oid, c.oid, 'SELECT'), false) AS can_select,"
      " (pr.prrelid IS NOT NULL{0}) AS published,"
      // relpages is -1 where it is unknown: on a partitioned table, which has no
      // storage, once ANALYZE has run there (14+). Unknown reads as no pages.
      " (GREATEST(c.relpages, 0) + GREATEST(coalesce(tc.relpages, 0), 0)::pg_catalog.int8)"
      "  * pg_catalog.current_setting('block_size')::pg_catalog.int8 AS bytes,"
      " c.oid AS relid, c.reltoastrelid <> 0 AS has_toast_relation,"
      // Evidence that values are stored out of line: the TOAST relation has
      // pages or tuples as of the last VACUUM, or rows in the statistics. Read
      // from the catalogs and the statistics only: sizing the relation's files
      // would lock it.
      " coalesce(tc.relpages > 0 OR tc.reltuples > 0"
      "  OR pg_catalog.pg_stat_get_live_tuples(tc.oid) > 0"
      "  OR pg_catalog.pg_stat_get_tuples_inserted(tc.oid) > 0, false) AS toast_holds_data,"
      " coalesce(gens.generated, '[]') AS generated_columns,"
      " coalesce(gens.virtual, '[]') AS virtual_generated_columns,"
      " gen_key.indrelid IS NOT NULL AS generated_in_key,"
      " c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,"
      " coalesce(pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE'), false) AS owned_by_role,"
      " coalesce(policies.reads_all AND NOT policies.restricted, false) AS policy_reads_all,"
      " ipn.nspname AS parent_schema, ipc.relname AS parent_name"
      " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_catalog.pg_roles r ON r.rolname = {1}"
      " LEFT JOIN tree ON tree.relid = c.oid AND c.relispartition"
      " LEFT JOIN pg_catalog.pg_class rc ON rc.oid = tree.root"
      " LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
      " LEFT JOIN idx ON idx.indrelid = c.oid"
      " LEFT JOIN tc ON tc.oid = c.reltoastrelid"
      " LEFT JOIN gens ON gens.attrelid = c.oid"
      " LEFT JOIN gen_key ON gen_key.indrelid = c.oid"
      " LEFT JOIN policies ON policies.polrelid = c.oid"
      " LEFT JOIN inh ON inh.inhrelid = c.oid AND NOT c.relispartition"
      " LEFT JOIN pg_catalog.pg_class ipc ON ipc.oid = inh.inhparent"
      " LEFT JOIN pg_catalog.pg_namespace ipn ON ipn.oid = ipc.relnamespace"
      " LEFT JOIN pg_catalog.pg_publication_rel pr ON pr.prrelid = c.oid"
      "  AND pr.prpubid = (SELECT oid FROM pub)"
      " WHERE c.relkind IN ('r', 'p') AND {2}) t ORDER BY 1, 2",
      schema_published, kRoleName, kUserSchemaFilter, generated_ctes(server_version_num),
      kToastableColumns, server_version_num >= 120000 ? "MATERIALIZED " : "");
}

std::string publication(int server_version_num) {
  // pubtruncate is 11+, pubviaroot 13+, pg_publication_namespace 15+.
  const char* truncate = server_version_num >= 110000 ? "p.pubtruncate" : "false";
  const char* via_root = server_version_num >= 130000 ? "p.pubviaroot" : "false";
  // publish_generated_columns (pg_publication.pubgencols: n none, s stored) is 18+.
  const char* generated = server_version_num >= 180000 ? "p.pubgencols = 's'" : "false";
  const char* schemas =
      server_version_num >= 150000
          ? "coalesce((SELECT pg_catalog.json_agg(n.nspname ORDER BY n.nspname)"
            " FROM pg_catalog.pg_publication_namespace pn JOIN pg_catalog.pg_namespace n ON n.oid"
            " = pn.pnnspid"
            " WHERE pn.pnpubid = p.oid), '[]')"
          : "'[]'::pg_catalog.json";
  return fmt::format(
      "SELECT p.pubname AS name, pg_catalog.pg_get_userbyid(p.pubowner) AS owner,"
      " p.puballtables AS all_tables, p.pubinsert AS insert, p.pubupdate AS update,"
      " p.pubdelete AS delete, {} AS truncate, {} AS via_root,"
      " {} AS publishes_generated_columns, {} AS schemas"
      " FROM pg_catalog.pg_publication p WHERE p.pubname = $2",
      truncate, via_root, generated, schemas);
}

std::string clickpipes_publications() {
  return "SELECT coalesce(pg_catalog.json_agg(pubname ORDER BY pubname), '[]') AS names"
         " FROM pg_catalog.pg_publication WHERE pubname LIKE 'peerflow\\_pub\\_%'";
}

std::string default_privileges() {
  // A grant to PUBLIC (grantee 0) or to a role $1 belongs to counts.
  return fmt::format(
      "SELECT pg_catalog.pg_get_userbyid(d.defaclrole) AS owner, coalesce(n.nspname, '') AS schema,"
      " EXISTS (SELECT 1 FROM pg_catalog.aclexplode(d.defaclacl) a WHERE a.privilege_type ="
      " 'SELECT'"
      "  AND (a.grantee = 0 OR (r.oid IS NOT NULL AND pg_catalog.pg_has_role(r.oid, a.grantee,"
      " 'USAGE'))))"
      "  AS grants_select"
      " FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid ="
      " d.defaclnamespace"
      " LEFT JOIN pg_catalog.pg_roles r ON r.rolname = {}"
      " WHERE d.defaclobjtype = 'r' ORDER BY 1, 2",
      kRoleName);
}

std::string stats_visibility() {
  // pg_read_all_stats exists from PostgreSQL 10.
  return "SELECT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)"
         " OR pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS"
         " can_read_all_stats,"
         " (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_replication"
         "  WHERE pid <> $1::pg_catalog.int4"
         "  AND coalesce(application_name, '') <> 'cdc-preflight')::pg_catalog.int4 AS wal_senders,"
         // Sessions holding a transaction id (what creating a slot waits for)
         // whose details pg_stat_activity hides from this role: pg_locks shows
         // every role's locks, and each such transaction holds its own id.
         " (SELECT pg_catalog.count(DISTINCT l.pid) FROM pg_catalog.pg_locks l"
         "  LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
         "  WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted"
         "  AND l.pid IS NOT NULL AND l.pid <> pg_catalog.pg_backend_pid()"
         "  AND a.xact_start IS NULL)::pg_catalog.int4 AS hidden_transactions";
}

std::string open_transactions() {
  return "SELECT pid, coalesce(usename::pg_catalog.text, '') AS user,"
         " coalesce(backend_type, '') AS backend_type, coalesce(state, '') AS state,"
         " extract(epoch FROM pg_catalog.now() - xact_start)::pg_catalog.int8 AS age_seconds,"
         " coalesce(pg_catalog.to_char(query_start AT TIME ZONE 'UTC',"
         " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
         "  '') AS query_start"
         " FROM pg_catalog.pg_stat_activity"
         " WHERE xact_start IS NOT NULL AND pid <> pg_catalog.pg_backend_pid()"
         " ORDER BY xact_start LIMIT 1000";
}

std::string prepared_transactions() {
  return "SELECT gid, owner::pg_catalog.text AS owner, database::pg_catalog.text AS database,"
         " extract(epoch FROM pg_catalog.now() - prepared)::pg_catalog.int8 AS age_seconds"
         " FROM pg_catalog.pg_prepared_xacts ORDER BY prepared";
}

std::string replication_slots(int server_version_num) {
  // wal_status is 13+; on a standby pg_current_wal_lsn() is not allowed.
  // wal_status and safe_wal_size are 13+.
  const bool from_13 = server_version_num >= 130000;
  return fmt::format(
      "SELECT slot_name::pg_catalog.text AS name, coalesce(plugin::pg_catalog.text, '') AS plugin,"
      " slot_type, coalesce(database::pg_catalog.text, '') AS database, active, temporary,"
      " {} AS wal_status, {} AS safe_wal_bytes,"
      " pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery() THEN"
      " pg_catalog.pg_last_wal_replay_lsn()"
      "  ELSE pg_catalog.pg_current_wal_lsn() END, restart_lsn)::pg_catalog.int8 AS retained_bytes"
      " FROM pg_catalog.pg_replication_slots ORDER BY 1",
      from_13 ? "coalesce(wal_status, '')" : "''",
      from_13 ? "safe_wal_size::pg_catalog.int8" : "NULL::pg_catalog.int8");
}

std::string blockers() {
  // pid is visible to every role; the rest only with pg_read_all_stats.
  return "SELECT b.pid, coalesce(a.usename::pg_catalog.text, '') AS user,"
         " coalesce(a.backend_type, '') AS backend_type, coalesce(a.state, '') AS state,"
         " coalesce(extract(epoch FROM pg_catalog.now() - a.xact_start)::pg_catalog.int8, 0) AS"
         " age_seconds,"
         " coalesce(pg_catalog.to_char(a.query_start AT TIME ZONE 'UTC',"
         " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
         "  '') AS query_start"
         " FROM pg_catalog.unnest(pg_catalog.pg_blocking_pids($1::pg_catalog.int4)) AS b(pid)"
         " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = b.pid ORDER BY 1";
}

std::string create_probe_slot() {
  return "SELECT slot_name FROM pg_catalog.pg_create_logical_replication_slot($1, 'pgoutput',"
         " true)";
}

std::string peek_probe_slot() {
  return "SELECT pg_catalog.count(*) AS changes FROM"
         " pg_catalog.pg_logical_slot_peek_binary_changes($1, NULL, 1000,"
         " 'proto_version', '1', 'publication_names', $2)";
}

std::string drop_probe_slot() { return "SELECT pg_catalog.pg_drop_replication_slot($1)"; }

std::string aurora_version() { return "SELECT pg_catalog.aurora_version() AS aurora_version"; }

}  // namespace cdcpreflight::queries
