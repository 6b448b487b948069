#include <algorithm>

#include <fmt/format.h>

#include "cdcpreflight/check.h"
#include "checks/checks.h"
#include "checks/common.h"

namespace cdcpreflight {

namespace {

using enum FactGroup;

const std::vector<CheckDefinition>& definitions() {
  static const std::vector<CheckDefinition> catalogue{
      {.id = "connection",
       .title = "Connects to the database",
       .why = "Everything else is read through this connection.",
       .warns = "",
       .fails = "it cannot connect, with the cause classified: DNS, refused, timeout (security "
                "group, ClickPipes static IPs, PrivateLink), authentication (with the reason, "
                "each with its own fix: a wrong password, a role without LOGIN, a pg_hba.conf "
                "rejection, a missing role), TLS, database missing, or the connection lost "
                "mid-run",
       .needs = {},
       .evaluate = checks::connection},
      {.id = "connection.tls",
       .title = "The connection is encrypted and verified",
       .why = "Credentials and every replicated row cross the network; libpq's default "
              "sslmode=prefer encrypts without checking who answers.",
       .warns = "the connection is not encrypted, or an AWS endpoint is reached with an sslmode "
                "weaker than verify-full (the fix: the RDS CA bundle and sslrootcert)",
       .fails = "",
       .needs = {},
       .evaluate = checks::connection_tls},
      {.id = "server.version",
       .title = "PostgreSQL 12 or later",
       .why = "ClickPipes reads PostgreSQL 12 and later.",
       .warns = "on 17.5, 16.9, 15.13, 14.18 and 13.21, which have a logical decoding bug "
                "(\"invalid memory alloc request size\") fixed in the next minor release",
       .fails = "the server is older than 12 (AlloyDB: 14), or is an engine ClickPipes refuses "
                "(YugabyteDB, from version())",
       .platforms = "AlloyDB fails below 14, the oldest its ClickPipes guide supports. The upgrade "
                    "follows the platform: aws rds modify-db-cluster (Aurora) or "
                    "modify-db-instance (RDS), gcloud sql instances patch --database-version "
                    "(Cloud SQL), gcloud alloydb clusters upgrade (AlloyDB), az postgres "
                    "flexible-server upgrade (Azure), the dashboard (Supabase, Neon, Crunchy "
                    "Bridge, Timescale, PlanetScale), pg_upgrade or the distribution's packages "
                    "(self-managed)",
       .needs = {server},
       .evaluate = checks::server_version},
      {.id = "server.platform",
       .title = "Platform detected",
       .why = "Fixes differ between platforms: says which this is and the signal that decided, "
              "the first of the detection table (docs/platforms.md) that matches: a function, a "
              "setting, a role or an extension the server shows, or the host name. Every "
              "platform-dependent verdict and fix follows it.",
       .warns = "",
       .fails = "",
       .platforms = "It tells apart, from the first signal that matches: Amazon Aurora "
                    "(aurora_version() exists), Amazon RDS (rds.extensions is set), Google "
                    "AlloyDB (the settings alloydb.logical_decoding, alloydb.iam_authentication, "
                    "the role alloydbsuperuser), Google Cloud SQL (cloudsql.logical_decoding, "
                    "cloudsql.iam_authentication, cloudsqlsuperuser), Azure Database for "
                    "PostgreSQL flexible server (azure.extensions, azure_pg_admin, host names "
                    "ending in .postgres.database.azure.com), Neon (neon.timeline_id, "
                    "neon.tenant_id, neon_superuser, .neon.tech), Supabase (supabase_admin, "
                    ".supabase.co, .supabase.com), Crunchy Bridge (.postgresbridge.com), "
                    "PlanetScale Postgres (.psdb.cloud), Timescale (tsdbadmin, "
                    ".tsdb.cloud.timescale.com, the timescaledb extension); else PostgreSQL "
                    "(self-managed, or any other service)",
       .needs = {server},
       .evaluate = checks::server_platform},
      {.id = "endpoint.writer",
       .title = "Connected to the writer through an endpoint that follows it",
       .why = "Logical replication runs on the writer only, and the slot must be reached again "
              "after a failover.",
       .warns = "the host is an instance endpoint, a custom endpoint, an Aurora Limitless shard "
                "group or (on Aurora and RDS) an IP address, none of which follows the writer on "
                "failover",
       .fails = "the server is in recovery (a reader, a standby or a Global Database secondary), "
                "or the host is a reader endpoint (.cluster-ro-), an RDS Proxy (.proxy-) or a "
                "platform's connection pooler",
       .platforms =
           "A platform's pooler cannot carry replication and fails, with the direct "
           "endpoint to use: Supabase's Supavisor (a host name ending in .pooler.supabase.com, "
           "or port 6543), "
           "Neon's pooled endpoints (-pooler in the endpoint name), PlanetScale's "
           "PSBouncer (port 6432), Azure's built-in PgBouncer (port 6432) and Crunchy "
           "Bridge's PgBouncer (port 5431). An IP address warns on Aurora and RDS only: "
           "elsewhere (Cloud SQL, AlloyDB) it is an ordinary way to reach the primary. "
           "A server in recovery is fixed with the platform's primary endpoint (Aurora "
           "and RDS: the cluster endpoint; PlanetScale: a user name without |replica)",
       .needs = {server},
       .evaluate = checks::endpoint_writer},
      {.id = "settings.logical_replication",
       .title = "Logical replication is enabled (wal_level = logical)",
       .why = "CDC decodes the write-ahead log, which needs wal_level = logical (set through "
              "rds.logical_replication = 1 on Aurora and RDS, the flag cloudsql.logical_decoding "
              "on Cloud SQL, alloydb.logical_decoding on AlloyDB; each read at start).",
       .warns = "wal_level is logical but a changed wal_level waits for a restart",
       .fails = "it is off (the fix: the platform's way to turn it on), or a restart is pending "
                "(the setting or the platform's flag is changed, wal_level not yet logical)",
       .platforms = "Aurora: the DB cluster parameter group (rds.logical_replication = 1) and a "
                    "writer reboot; RDS: the DB parameter group and a reboot; Cloud SQL: the "
                    "flag cloudsql.logical_decoding = on (gcloud sql instances patch "
                    "--database-flags, which replaces every flag the instance has: the fix lists "
                    "them first); AlloyDB: the flags alloydb.logical_decoding and "
                    "alloydb.enable_pglogical (gcloud alloydb instances update, applied at the "
                    "primary's restart, about 15 minutes later under the default policy); Azure: "
                    "the server parameter wal_level (az postgres flexible-server parameter set) "
                    "and a restart; Neon: the console's Settings > Logical Replication > Enable "
                    "(it restarts the computes and cannot be undone); Supabase: on in every "
                    "project (where it is not, the fix says to ask Supabase support); Timescale "
                    "Cloud: cannot be turned on, ClickPipes can only copy the data once (Initial "
                    "Load Only); PlanetScale: the console's Cluster configuration > Parameters, "
                    "which restarts the server; Crunchy Bridge, a self-hosted TimescaleDB and "
                    "self-managed PostgreSQL: ALTER SYSTEM and a restart",
       .needs = {server},
       .evaluate = checks::logical_replication},
      {.id = "settings.wal_sender_timeout",
       .title = "wal_sender_timeout is 0",
       .why = "ClickPipes' Aurora, RDS and Azure setup guides set 0 so that the server does not "
              "end a replication connection that is busy on the ClickPipes side.",
       .warns = "it is 5 minutes or more (tolerated by the ClickPipes FAQ)",
       .fails = "it is shorter",
       .platforms = "Azure: for the ClickPipes role (ALTER ROLE … SET wal_sender_timeout = 0), as "
                    "its setup guide does; Neon, PlanetScale and Timescale Cloud, whose server "
                    "parameters SQL cannot change: for the role too; Cloud SQL and AlloyDB: the "
                    "database flag (gcloud); Supabase: the Supabase CLI (supabase postgres-config "
                    "update, no restart); Aurora and RDS: the parameter group (the fix says "
                    "whether it applies at once); Crunchy Bridge and self-managed PostgreSQL: "
                    "ALTER SYSTEM and a reload",
       .needs = {server},
       .evaluate = checks::wal_sender_timeout},
      {.id = "settings.replication_capacity",
       .title = "A replication slot and a WAL sender are free",
       .why = "ClickPipes needs a slot and a WAL sender of its own (max_replication_slots, "
              "max_wal_senders: static parameters).",
       .warns = "exactly one of either is free",
       .fails = "none is free",
       .platforms = "The fix raises max_replication_slots and max_wal_senders the platform's way, "
                    "with its restart: the parameter group (Aurora, RDS), database flags (Cloud "
                    "SQL, AlloyDB), az postgres flexible-server parameter set (Azure), the "
                    "Supabase CLI, the Timescale Cloud and PlanetScale consoles, ALTER SYSTEM "
                    "(Crunchy Bridge, self-managed); Neon fixes both at 10: its fix says to ask "
                    "Neon support",
       .needs = {server, activity},
       .evaluate = checks::replication_capacity},
      {.id = "settings.wal_retention",
       .title = "max_slot_wal_keep_size holds two days of this server's WAL",
       .why = "A slot that falls further behind is invalidated and ClickPipes must resync from "
              "scratch (PostgreSQL 13 and later; skipped before). The ClickPipes FAQ asks for two "
              "days of WAL: the write rate is measured from pg_stat_wal (14 and later, over at "
              "least an hour since its reset), and the limit must also hold the WAL written "
              "while the initial load copies the scoped tables (at an assumed 20 MB/s). Where "
              "the rate is unknown, the guides' 100 GB.",
       .warns = "it is not -1 and holds less (or, the rate unknown, is below 100 GB)",
       .fails = "",
       .platforms = "The fix raises max_slot_wal_keep_size the platform's way, without a restart "
                    "(the Supabase CLI on Supabase, the console on Timescale Cloud and "
                    "PlanetScale); on Azure the parameter is read-only (-1), and the fix says so "
                    "instead, and that Azure drops an unused logical slot when storage runs low; "
                    "on Neon, which sets it itself, the fix says to ask Neon support",
       .needs = {server},
       .evaluate = checks::wal_retention},
      {.id = "role.login",
       .title = "The user exists and can log in",
       .why = "ClickPipes logs in with this role; an expiring password stops the pipe.",
       .warns = "the password expires within 7 days",
       .fails = "the role does not exist, is NOLOGIN, or its password has expired",
       .needs = {role},
       .evaluate = checks::role_login},
      {.id = "role.replication",
       .title = "The user may stream replication",
       .why = "Creating and streaming a replication slot needs the replication privilege.",
       .warns = "",
       .fails = "the role is not a member of rds_replication (Aurora, RDS), lacks REPLICATION "
                "(elsewhere), or does not exist",
       .platforms =
           "Aurora and RDS: GRANT rds_replication; elsewhere ALTER ROLE … WITH "
           "REPLICATION, run as the platform's admin: postgres or another member of "
           "cloudsqlsuperuser (Cloud SQL) or alloydbsuperuser (AlloyDB), the server's "
           "admin user in azure_pg_admin (Azure), postgres over the direct connection "
           "(Supabase), postgres (Crunchy Bridge), the branch's default postgres.branch_id user "
           "(PlanetScale); Neon may refuse REPLICATION to a role created in SQL: the fix "
           "says to create the role in the Neon console (a member of neon_superuser)",
       .needs = {server, role},
       .evaluate = checks::role_replication},
      {.id = "replication.connect",
       .title = "A replication connection opens and answers IDENTIFY_SYSTEM",
       .why = "Proves at the protocol level what ClickPipes will do: pg_hba.conf, poolers and "
              "the replication privilege (as the login role); writes nothing. Live only.",
       .warns = "",
       .fails = "the connection is refused, classified: a pooler (PgBouncer, RDS Proxy), a "
                "missing privilege, pg_hba.conf, no free connection slot (skipped when every WAL "
                "sender is busy at that moment: settings.replication_capacity decides that)",
       .platforms = "A missing privilege is fixed with GRANT rds_replication on Aurora and RDS, "
                    "ALTER ROLE … WITH REPLICATION elsewhere",
       .needs = {},
       .evaluate = checks::replication_connect},
      {.id = "grants.schema_usage",
       .title = "The user has USAGE on every scoped schema",
       .why = "Reading a table needs USAGE on its schema.",
       .warns = "",
       .fails = "USAGE is missing on a scoped schema, or a --schema does not exist",
       .needs = {role, schemas, tables},
       .evaluate = checks::schema_usage},
      {.id = "grants.table_select",
       .title = "The user can SELECT every scoped table",
       .why = "The initial load reads every table with SELECT.",
       .warns = "",
       .fails = "SELECT is missing on a scoped table, or a --table does not exist",
       .needs = {role, schemas, tables},
       .evaluate = checks::table_select},
      {.id = "grants.default_privileges",
       .title = "Tables created later will be readable by the user",
       .why = "New tables get the default privileges of the role that creates them: for each "
              "role owning tables in a scoped schema, SELECT must be granted by default.",
       .warns = "an owner has no default privileges granting SELECT to the user (the fix names "
                "FOR ROLE owner)",
       .fails = "",
       .needs = {role, schemas, tables, default_privileges},
       .evaluate = checks::default_privileges},
      {.id = "publication.exists",
       .title = "The publication exists",
       .why = "ClickPipes streams the tables of one publication.",
       .warns = "",
       .fails = "it does not exist (the fix creates it for the scope)",
       .platforms = "With the TimescaleDB extension (Timescale, or any server that has it), the "
                    "statement also publishes the hypertables' chunks: TABLES IN SCHEMA "
                    "_timescaledb_internal from PostgreSQL 15 (a superuser's statement), each "
                    "chunk before",
       .needs = {server, publication, tables},
       .evaluate = checks::publication_exists},
      {.id = "publication.tables",
       .title = "Every scoped table is published",
       .why = "A table outside the publication is never replicated.",
       .warns = "",
       .fails = "a scoped table is not in the publication (FOR ALL TABLES, listed, or FOR TABLES "
                "IN SCHEMA; before PostgreSQL 13 a partitioned table through its partitions), or "
                "a scoped hypertable's chunks are not",
       .platforms = "With the TimescaleDB extension (Timescale, or any server that has it), a "
                    "hypertable's rows live in its chunks in _timescaledb_internal, which must be "
                    "published too: the fix is ALTER PUBLICATION … ADD TABLES IN SCHEMA "
                    "_timescaledb_internal from PostgreSQL 15 (a superuser's statement), each "
                    "chunk before",
       .needs = {server, publication, tables},
       .evaluate = checks::publication_tables},
      {.id = "publication.actions",
       .title = "The publication publishes insert, update and delete",
       .why = "Actions left out of the publication never reach ClickPipes.",
       .warns = "",
       .fails = "insert, update or delete is not published (to keep a deliberate publish = "
                "'insert, update', use --skip publication.actions)",
       .needs = {publication},
       .evaluate = checks::publication_actions},
      {.id = "publication.partitions",
       .title = "Partitioned tables are published through their root",
       .why = "Without publish_via_partition_root, changes arrive under each partition's name, "
              "as separate tables (PostgreSQL 13 and later).",
       .warns = "a scoped partitioned table is published without publish_via_partition_root",
       .fails = "",
       .needs = {server, publication, tables},
       .evaluate = checks::publication_partitions},
      {.id = "tables.replica_identity",
       .title = "Every scoped table has a primary key or a replica identity",
       .why = "UPDATE and DELETE are decoded with the row's replica identity; without one they "
              "already fail on the source once the table is published.",
       .warns = "",
       .fails = "a scoped table or partition has no primary key and no REPLICA IDENTITY FULL or "
                "USING INDEX",
       .needs = {tables},
       .evaluate = checks::replica_identity},
      {.id = "tables.toast",
       .title = "Tables that store values out of line (TOAST) use REPLICA IDENTITY FULL",
       .why = "With a key as replica identity, a value stored out of line (TOAST) that an UPDATE "
              "leaves unchanged is not logged and arrives empty. A table can store values out of "
              "line when a column's type has no bound (text, jsonb, bytea, …) or its widest row "
              "reaches the TOAST threshold, and does when its TOAST relation holds data.",
       .warns = "a scoped table with a key as replica identity both can and does store values "
                "out of line (one that could but holds none yet is a detail, not a warning; one "
                "without a usable replica identity is tables.replica_identity's failure, fixed "
                "the same way)",
       .fails = "",
       .needs = {tables},
       .evaluate = checks::toast},
      {.id = "tables.generated_columns",
       .title = "No scoped table has a generated column that pgoutput leaves out",
       .why = "pgoutput does not send generated columns (from PostgreSQL 18 it sends the stored "
              "ones when the publication has publish_generated_columns = stored; virtual ones "
              "never): they arrive empty.",
       .warns = "a scoped table has a generated column that will not be sent",
       .fails = "a generated column is in a table's primary key or replica identity index",
       .needs = {server, tables, publication},
       .evaluate = checks::generated_columns},
      {.id = "tables.names",
       .title = "No scoped schema or table name contains a dot",
       .why = "ClickPipes does not support dots in schema and table names.",
       .warns = "",
       .fails = "a scoped schema or table name contains a dot",
       .needs = {schemas, tables},
       .evaluate = checks::names},
      {.id = "tables.unlogged",
       .title = "No scoped table is UNLOGGED",
       .why = "Unlogged tables write no WAL: their changes are never replicated, and no "
              "publication can hold them.",
       .warns = "a scoped table is UNLOGGED",
       .fails = "",
       .needs = {tables},
       .evaluate = checks::unlogged},
      {.id = "tables.rls",
       .title = "Row-level security hides no rows from the user",
       .why = "Policies filter what the user reads without an error: rows would be silently "
              "missing.",
       .warns = "a scoped table has row-level security the user does not bypass",
       .fails = "",
       .platforms = "On Supabase the fix is its setup guide's: ALTER ROLE … BYPASSRLS, run as "
                    "postgres; elsewhere a policy that lets the user read every row, or "
                    "BYPASSRLS given by a superuser",
       .needs = {role, tables},
       .evaluate = checks::row_security},
      {.id = "activity.long_transactions",
       .title = "No long-running or old prepared transaction",
       .why = "Creating the slot and the initial snapshot wait for every running transaction "
              "to end.",
       .warns = "a transaction has been open, or prepared, for --long-tx-minutes (default 5) or "
                "more; an error (counted as a warning) when sessions of other roles hold a "
                "transaction id whose age the login role cannot see (pg_read_all_stats would "
                "show it; without it, pg_locks shows that none does)",
       .fails = "",
       .needs = {activity},
       .evaluate = checks::long_transactions},
      {.id = "slots.inactive",
       .title = "No inactive or invalidated replication slot",
       .why = "An inactive slot retains WAL (disk) and takes a place ClickPipes may need. "
              "ClickPipes' own slots (peerflow_slot_*) are left to slots.clickpipes.",
       .warns = "a slot other than ClickPipes' is inactive or invalidated (wal_status lost)",
       .fails = "",
       .platforms = "On Neon, which removes inactive replication slots after about 40 hours, the "
                    "warning says so",
       .needs = {activity},
       .evaluate = checks::inactive_slots},
      {.id = "slots.clickpipes",
       .title = "Existing ClickPipes slots are healthy",
       .why = "For support: the slots ClickPipes created (peerflow_slot_*) must be pgoutput, in "
              "this database, active and far from invalidation, with their publications "
              "(peerflow_pub_*); an invalidated slot means the pipe must resync. Skipped when "
              "there is none.",
       .warns = "a ClickPipes slot is inactive, near invalidation (safe_wal_size), not pgoutput, "
                "or its publication is missing",
       .fails = "a ClickPipes slot is invalidated (wal_status lost) or in another database",
       .platforms = "An inactive ClickPipes slot loses more there: Neon removes inactive slots "
                    "after about 40 hours, and Azure drops an unused logical slot when storage "
                    "runs low; the details say so, and the pipe must then resync",
       .needs = {server, publication, activity},
       .evaluate = checks::clickpipes_slots},
      {.id = "replication.slot_probe",
       .title = "A temporary pgoutput slot can be created and read (--deep)",
       .why = "Creates a temporary logical slot with pgoutput, peeks changes through the "
              "publication and drops it: the whole path ClickPipes takes. Only with --deep; "
              "the slot vanishes with the session.",
       .warns = "",
       .fails = "the server refuses (its error is shown), or creation is blocked by a running "
                "transaction past --statement-timeout (its pid is named)",
       .needs = {},
       .evaluate = checks::slot_probe},
      {.id = "aws.cluster",
       .title = "The AWS cluster is Aurora PostgreSQL, available, and the host is its writer "
                "endpoint (--aws)",
       .why = "Read from the control plane (rds describe-db-clusters): the cluster must run "
              "aurora-postgresql 12 or later and be available, and ClickPipes must connect to "
              "its cluster (writer) endpoint, or the global writer endpoint of a Global Database "
              "whose primary it is. Skipped without --aws.",
       .warns = "Aurora Serverless v2 with a minimum capacity of 0 ACU (auto-pause), or a host "
                "that is none of the cluster's endpoints (a DNS alias)",
       .fails = "no such cluster (in that region), another engine, Serverless v1, older than 12, "
                "not available, a Global Database secondary, or the host is its reader, custom "
                "or an instance endpoint; error: the AWS CLI failed (the cause in one line)",
       .needs = {},
       .evaluate = checks::aws_cluster,
       .control_plane = true},
      {.id = "aws.parameter_group",
       .title = "A custom DB cluster parameter group sets rds.logical_replication = 1 and "
                "wal_sender_timeout = 0, in-sync on every member (--aws)",
       .why = "Read from the control plane (rds describe-db-cluster-parameters): the values "
              "ClickPipes' Aurora guide sets, applied (the writer rebooted). Works when the "
              "database cannot be reached. Skipped without --aws.",
       .warns = "the values are right but a member's DBClusterParameterGroupStatus is neither "
                "in-sync nor pending-reboot (applying)",
       .fails = "the attached group is a default.* one, a value is wrong, or a member's "
                "DBClusterParameterGroupStatus is not in-sync (the instances to reboot named)",
       .needs = {},
       .evaluate = checks::aws_parameter_group,
       .control_plane = true},
      {.id = "aws.network",
       .title = "ClickPipes' static IPs reach the writer (--aws)",
       .why = "The most common reason a pipe cannot be created: the writer must be publicly "
              "accessible and its VPC security groups must admit TCP on the cluster port from "
              "every egress IP of the ClickPipes region serving the ClickHouse Cloud service "
              "(--clickpipes-region), or it is private and reached through PrivateLink. Network "
              "ACLs and route tables are not read. Skipped without --aws.",
       .warns = "without --clickpipes-region, no ClickPipes region has all its IPs admitted",
       .fails = "IPs of --clickpipes-region are not admitted (listed, with an "
                "authorize-security-group-ingress command per group and CIDR), or the writer is "
                "not publicly accessible (the fix: PrivateLink)",
       .needs = {},
       .evaluate = checks::aws_network,
       .control_plane = true},
  };
  return catalogue;
}

std::string explain(const QueryError& error, FactGroup group) {
  if (error.sqlstate == kInsufficientPrivilege) {
    return fmt::format("the role may not read the {} catalogs: {}", to_string(group),
                       error.message);
  }
  if (error.sqlstate == kQueryCanceled) {
    return fmt::format(
        "reading the {} catalogs hit the statement timeout (a lock held by "
        "another session?): {}",
        to_string(group), error.message);
  }
  return fmt::format("could not read the {} catalogs: {}", to_string(group), error.message);
}

}  // namespace

std::span<const CheckDefinition> catalogue() { return definitions(); }

const CheckDefinition* find_check(std::string_view id) {
  const auto& all = definitions();
  const auto found = std::find_if(all.begin(), all.end(),
                                  [&](const CheckDefinition& check) { return check.id == id; });
  return found == all.end() ? nullptr : &*found;
}

std::string_view group_of(std::string_view id) { return id.substr(0, id.find('.')); }

const char* to_string(Status status) {
  switch (status) {
    case Status::pass:
      return "pass";
    case Status::warn:
      return "warn";
    case Status::fail:
      return "fail";
    case Status::skip:
      return "skip";
    case Status::error:
      return "error";
  }
  return "error";
}

std::vector<CheckResult> run_checks(const Facts& facts, const Scope& scope) {
  const bool connected =
      facts.connection.connected && facts.connection.failure == ConnectionFailure::none;
  std::vector<CheckResult> results;
  for (const CheckDefinition& check : definitions()) {
    CheckResult result;
    const auto& skip = scope.request.skip;
    const auto missing_group = std::find_if(check.needs.begin(), check.needs.end(),
                                            [&](FactGroup g) { return facts.errors.count(g) > 0; });
    if (std::find(skip.begin(), skip.end(), check.id) != skip.end()) {
      result = make_result(Status::skip, "skipped with --skip");
    } else if (!connected && check.id != "connection" && !check.control_plane) {
      result = make_result(Status::skip, "not checked: no connection to the database");
    } else if (missing_group != check.needs.end()) {
      result = make_result(Status::error, explain(facts.errors.at(*missing_group), *missing_group));
    } else {
      result = check.evaluate(facts, scope);
    }
    result.id = check.id;
    result.title = check.title;
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace cdcpreflight
