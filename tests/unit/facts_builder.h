// Facts for unit tests: a connected Aurora cluster that is ready for ClickPipes,
// and one method per thing a test changes. Tests state only what differs.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cdcpreflight/check.h"
#include "cdcpreflight/facts.h"
#include "cdcpreflight/platform.h"
#include "cdcpreflight/report.h"
#include "unit/printers.h"

namespace cdcpreflight::testing {

inline constexpr const char* kWriterHost = "mydb.cluster-abc123.us-east-1.rds.amazonaws.com";
inline constexpr const char* kUser = "clickpipes_user";
inline constexpr const char* kPublication = "clickpipes_publication";

using TableChange = std::function<void(TableFacts&)>;

// A table that passes every check: primary key, SELECT granted, published,
// logged, no TOAST-able column, no row-level security.
inline TableFacts ready_table(std::string schema, std::string name) {
  TableFacts table;
  table.schema = std::move(schema);
  table.name = std::move(name);
  table.owner = "app_owner";
  table.kind = TableKind::ordinary;
  table.replica_identity = ReplicaIdentity::default_key;
  table.has_primary_key = true;
  table.select = true;
  table.published = true;
  table.bytes = 8192;
  return table;
}

class FactsBuilder {
 public:
  // Aurora PostgreSQL 15.4 reached through its cluster writer endpoint over
  // TLS (sslmode=verify-full), with logical replication on, room for more slots
  // and WAL senders, the user a member of rds_replication whose password never
  // expires, schema public holding public.orders and public.customers (owned by
  // app_owner, whose default privileges grant SELECT to the user), the
  // publication FOR ALL TABLES publishing insert, update, delete and truncate
  // via the partition root, no open transaction or slot (with every session
  // visible), and a replication connection that answered IDENTIFY_SYSTEM.
  // Every check passes but replication.slot_probe, which skips without --deep
  // (slot_probe_ok(), which asks for the probe, makes it pass).
  FactsBuilder() {
    facts_.tool_version = "0.1.0";
    facts_.gathered_at = "2026-11-25T12:00:00Z";
    facts_.user = kUser;
    facts_.publication = kPublication;

    ConnectionFacts& connection = facts_.connection;
    connection.connected = true;
    connection.host = kWriterHost;
    connection.port = 5432;
    connection.dbname = "app";
    connection.connected_as = kUser;
    connection.sslmode = "verify-full";
    connection.ssl_in_use = true;
    connection.ssl_protocol = "TLSv1.3";
    connection.ssl_cipher = "TLS_AES_256_GCM_SHA384";

    ServerFacts& server = facts_.server;
    server.version_num = 150004;
    server.version = "15.4";
    server.aurora_version = "15.4.1";
    server.rds = true;
    server.settings["wal_level"] = Setting{"logical", "", false};
    server.settings["rds.logical_replication"] = Setting{"on", "", false};
    server.settings["wal_sender_timeout"] = Setting{"0", "ms", false};
    server.settings["max_replication_slots"] = Setting{"20", "", false};
    server.settings["max_wal_senders"] = Setting{"10", "", false};
    server.settings["max_slot_wal_keep_size"] = Setting{"-1", "MB", false};

    RoleFacts& role = facts_.role;
    role.name = kUser;
    role.exists = true;
    role.can_login = true;
    role.member_of_rds_replication = true;

    schema("public");
    table("public", "orders");
    table("public", "customers");

    PublicationFacts& publication = facts_.publication_facts;
    publication.exists = true;
    publication.name = kPublication;
    publication.owner = "postgres";
    publication.all_tables = true;
    publication.insert = publication.update = publication.delete_ = publication.truncate = true;
    publication.via_root = true;

    // ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT ON TABLES TO the user.
    default_privilege("app_owner", "", true);

    ActivityFacts& activity = facts_.activity;
    activity.can_read_all_stats = true;
    activity.wal_senders = 0;

    ReplicationConnectFacts& replication = facts_.replication_connect;
    replication.attempted = true;
    replication.ok = true;
    replication.system_identifier = "7311234567890123456";
    replication.timeline = 1;
  }

  // --- connection
  FactsBuilder& host(std::string name) {
    facts_.connection.host = std::move(name);
    return *this;
  }
  // The connection is not encrypted (the server offered no TLS to libpq's
  // default sslmode=prefer).
  FactsBuilder& no_tls() {
    facts_.connection.ssl_in_use = false;
    facts_.connection.ssl_protocol.clear();
    facts_.connection.ssl_cipher.clear();
    facts_.connection.sslmode = "prefer";
    return *this;
  }
  FactsBuilder& sslmode(std::string mode) {
    facts_.connection.sslmode = std::move(mode);
    return *this;
  }
  FactsBuilder& connected_as(std::string login) {
    facts_.connection.connected_as = std::move(login);
    return *this;
  }
  FactsBuilder& connection_failed(ConnectionFailure failure, std::string message) {
    facts_.connection.connected = false;
    facts_.connection.failure = failure;
    facts_.connection.failure_message = std::move(message);
    facts_.connection.ssl_in_use = false;
    return *this;
  }

  // --- server
  // 150004 -> "15.4"
  FactsBuilder& version(int version_num) {
    facts_.server.version_num = version_num;
    facts_.server.version =
        std::to_string(version_num / 10000) + "." + std::to_string(version_num % 100);
    return *this;
  }
  // Aurora: aurora_version() and rds.extensions; RDS: rds.extensions only;
  // PostgreSQL: neither, and no rds.logical_replication setting. Any other
  // platform: its first signal in the detection table (a setting, set to off;
  // a role or extension; a host name, else db.example.com), and the user has the
  // REPLICATION attribute instead of rds_replication.
  FactsBuilder& platform(Platform platform) {
    ServerFacts& server = facts_.server;
    server.aurora_version.reset();
    server.rds = platform == Platform::aurora || platform == Platform::rds;
    if (platform == Platform::aurora) {
      server.aurora_version = "15.4.1";
    }
    if (!server.rds) {
      server.settings.erase("rds.logical_replication");
    }
    if (server.rds || platform == Platform::postgresql) {
      return *this;
    }
    facts_.role.member_of_rds_replication = false;
    facts_.role.replication = true;
    facts_.connection.host = "db.example.com";
    for (const PlatformSignal& signal : platform_signals()) {
      if (signal.platform != platform) {
        continue;
      }
      switch (signal.kind) {
        case SignalKind::setting:
          server.settings[std::string(signal.name)] = Setting{"off", "", false};
          break;
        case SignalKind::role:
          server.platform_roles.emplace_back(signal.name);
          break;
        case SignalKind::extension:
          server.extensions[std::string(signal.name)] = "2.14.2";
          break;
        case SignalKind::host:
          facts_.connection.host = "db.abcdefghijklmnopqrst" + std::string(signal.name);
          break;
        case SignalKind::function:
          break;
      }
      break;
    }
    return *this;
  }
  FactsBuilder& port(int port) {
    facts_.connection.port = port;
    return *this;
  }
  FactsBuilder& in_recovery() {
    facts_.server.in_recovery = true;
    return *this;
  }
  FactsBuilder& setting(const std::string& name, std::string value, std::string unit = "") {
    facts_.server.settings[name] = Setting{std::move(value), std::move(unit), false};
    return *this;
  }
  // pg_stat_wal: `bytes` of WAL written in the `seconds` since its reset.
  FactsBuilder& wal_written(std::int64_t bytes, std::int64_t seconds) {
    facts_.server.wal_bytes_since_reset = bytes;
    facts_.server.seconds_since_wal_reset = seconds;
    return *this;
  }
  FactsBuilder& pending_restart(const std::string& name) {
    facts_.server.settings.at(name).pending_restart = true;
    return *this;
  }

  // --- role
  FactsBuilder& role(std::function<void(RoleFacts&)> change) {
    change(facts_.role);
    return *this;
  }
  FactsBuilder& role_missing() {
    facts_.role = RoleFacts{};
    facts_.role.name = kUser;
    return *this;
  }
  // The password expires `seconds` after gathering (negative: it has expired);
  // valid_until is that moment as PostgreSQL prints it.
  FactsBuilder& password_expires_in(std::int64_t seconds) {
    using namespace std::chrono;
    // gathered_at: 2026-11-25T12:00:00Z
    const sys_seconds gathered = sys_days{year{2026} / 11 / 25} + hours{12};
    const sys_seconds until = gathered + std::chrono::seconds{seconds};
    const sys_days day = floor<days>(until);
    const year_month_day date{day};
    const hh_mm_ss<std::chrono::seconds> time{until - day};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld:%02ld+00",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long>(time.hours().count()),
                  static_cast<long>(time.minutes().count()),
                  static_cast<long>(time.seconds().count()));
    facts_.role.valid_until = text;
    facts_.role.seconds_until_expiry = seconds;
    return *this;
  }

  // --- schemas and tables
  FactsBuilder& schema(std::string name, bool usage = true) {
    const auto found = std::find_if(facts_.schemas.begin(), facts_.schemas.end(),
                                    [&](const SchemaFacts& s) { return s.name == name; });
    if (found != facts_.schemas.end()) {
      found->usage = usage;
      return *this;
    }
    SchemaFacts schema;
    schema.name = std::move(name);
    schema.owner = "app_owner";
    schema.usage = usage;
    facts_.schemas.push_back(std::move(schema));
    return *this;
  }
  FactsBuilder& no_tables() {
    facts_.tables.clear();
    facts_.schemas.clear();
    return *this;
  }
  // Adds a ready table (and its schema, with USAGE, when new), changed by `change`.
  FactsBuilder& table(const std::string& schema_name, const std::string& name,
                      const TableChange& change = {}) {
    TableFacts table = ready_table(schema_name, name);
    if (change) {
      change(table);
    }
    return add(std::move(table));
  }
  FactsBuilder& partitioned_table(const std::string& schema_name, const std::string& name,
                                  const TableChange& change = {}) {
    TableFacts table = ready_table(schema_name, name);
    table.kind = TableKind::partitioned;
    table.bytes = 0;
    if (change) {
      change(table);
    }
    return add(std::move(table));
  }
  FactsBuilder& partition(const std::string& schema_name, const std::string& name,
                          const std::string& root_schema, const std::string& root_name,
                          const TableChange& change = {}) {
    TableFacts table = ready_table(schema_name, name);
    table.is_partition = true;
    table.root_schema = root_schema;
    table.root_name = root_name;
    if (change) {
      change(table);
    }
    return add(std::move(table));
  }
  // Changes a table added before.
  FactsBuilder& change_table(const std::string& schema_name, const std::string& name,
                             const TableChange& change) {
    const auto found = std::find_if(
        facts_.tables.begin(), facts_.tables.end(),
        [&](const TableFacts& t) { return t.schema == schema_name && t.name == name; });
    if (found == facts_.tables.end()) {
      throw std::logic_error("change_table: no table " + schema_name + "." + name);
    }
    change(*found);
    return *this;
  }

  // --- publication
  FactsBuilder& no_publication() {
    facts_.publication_facts = PublicationFacts{};
    facts_.publication_facts.name = kPublication;
    for (TableFacts& table : facts_.tables) {
      table.published = false;
    }
    return *this;
  }
  // The publication lists tables (FOR TABLE …): each table's `published` says
  // whether it is listed.
  FactsBuilder& publication_lists_tables() {
    facts_.publication_facts.all_tables = false;
    return *this;
  }
  FactsBuilder& publication(std::function<void(PublicationFacts&)> change) {
    change(facts_.publication_facts);
    return *this;
  }

  // --- default privileges (ALTER DEFAULT PRIVILEGES … ON TABLES)
  // An entry of `owner` in `schema` ("": all schemas); `grants_select`: it
  // grants SELECT to the user, to a role the user belongs to, or to PUBLIC.
  FactsBuilder& default_privilege(std::string owner, std::string schema,
                                  bool grants_select = true) {
    DefaultPrivilegeFacts entry;
    entry.owner = std::move(owner);
    entry.schema = std::move(schema);
    entry.grants_select = grants_select;
    facts_.default_privileges.push_back(std::move(entry));
    return *this;
  }
  FactsBuilder& no_default_privileges() {
    facts_.default_privileges.clear();
    return *this;
  }

  // --- activity
  // A transaction open for `age_seconds` (idle in transaction, user app),
  // changed by `change`.
  FactsBuilder& transaction(int pid, std::int64_t age_seconds,
                            const std::function<void(OpenTransaction&)>& change = {}) {
    OpenTransaction open_tx;
    open_tx.pid = pid;
    open_tx.user = "app";
    open_tx.backend_type = "client backend";
    open_tx.state = "idle in transaction";
    open_tx.age_seconds = age_seconds;
    open_tx.query_start = "2026-11-25T11:00:00Z";
    if (change) {
      change(open_tx);
    }
    facts_.activity.transactions.push_back(std::move(open_tx));
    return *this;
  }
  // A transaction prepared `age_seconds` ago by app in database app.
  FactsBuilder& prepared(std::string gid, std::int64_t age_seconds) {
    PreparedTransaction entry;
    entry.gid = std::move(gid);
    entry.owner = "app";
    entry.database = "app";
    entry.age_seconds = age_seconds;
    facts_.activity.prepared.push_back(std::move(entry));
    return *this;
  }
  // An active logical pgoutput slot in database app (wal_status reserved,
  // 16 MB retained), changed by `change`.
  FactsBuilder& slot(std::string name,
                     const std::function<void(ReplicationSlotFacts&)>& change = {}) {
    ReplicationSlotFacts made;
    made.name = std::move(name);
    made.plugin = "pgoutput";
    made.slot_type = "logical";
    made.database = "app";
    made.active = true;
    made.wal_status = "reserved";
    made.retained_bytes = 16LL * 1024 * 1024;
    if (change) {
      change(made);
    }
    facts_.activity.slots.push_back(std::move(made));
    return *this;
  }
  FactsBuilder& wal_senders(int running) {
    facts_.activity.wal_senders = running;
    return *this;
  }
  // The login role may not read other roles' sessions (no pg_read_all_stats).
  // Without pg_read_all_stats; `hidden_transactions` other sessions hold a
  // transaction id whose age is hidden (pg_locks shows them).
  FactsBuilder& stats_hidden(int hidden_transactions = 1) {
    facts_.activity.can_read_all_stats = false;
    facts_.activity.hidden_transactions = hidden_transactions;
    return *this;
  }

  // --- replication.connect and replication.slot_probe
  FactsBuilder& replication_connect_not_attempted() {
    facts_.replication_connect = ReplicationConnectFacts{};
    return *this;
  }
  FactsBuilder& replication_connect_failed(std::string sqlstate, std::string message) {
    ReplicationConnectFacts& probe = facts_.replication_connect;
    probe = ReplicationConnectFacts{};
    probe.attempted = true;
    probe.ok = false;
    probe.sqlstate = std::move(sqlstate);
    probe.message = std::move(message);
    return *this;
  }
  // The slot probe asked for (--deep) and not run: a snapshot cannot hold it.
  FactsBuilder& deep() {
    facts_.deep = true;
    return *this;
  }
  FactsBuilder& slot_probe_ok(std::int64_t changes_peeked = 0) {
    SlotProbeFacts& probe = facts_.slot_probe;
    probe = SlotProbeFacts{};
    facts_.deep = true;
    probe.attempted = true;
    probe.ok = true;
    probe.changes_peeked = changes_peeked;
    return *this;
  }
  FactsBuilder& slot_probe_failed(std::string sqlstate, std::string message) {
    SlotProbeFacts& probe = facts_.slot_probe;
    probe = SlotProbeFacts{};
    facts_.deep = true;
    probe.attempted = true;
    probe.sqlstate = std::move(sqlstate);
    probe.message = std::move(message);
    return *this;
  }
  // Creating the slot waited on `blockers` until the statement timeout.
  FactsBuilder& slot_probe_timed_out(std::vector<OpenTransaction> blockers) {
    slot_probe_failed("57014", "canceling statement due to statement timeout");
    facts_.slot_probe.timed_out = true;
    facts_.slot_probe.blockers = std::move(blockers);
    return *this;
  }

  // --- gathering
  FactsBuilder& query_error(FactGroup group, std::string sqlstate, std::string message) {
    facts_.errors[group] = QueryError{std::move(sqlstate), std::move(message)};
    return *this;
  }

  [[nodiscard]] Facts build() const { return facts_; }

 private:
  FactsBuilder& add(TableFacts table) {
    const auto known = std::any_of(facts_.schemas.begin(), facts_.schemas.end(),
                                   [&](const SchemaFacts& s) { return s.name == table.schema; });
    if (!known) {
      schema(table.schema);
    }
    facts_.tables.push_back(std::move(table));
    return *this;
  }

  Facts facts_;
};

// Tables app.t0 … app.t<count - 1>, none with a primary key, and no publication:
// long lists (details and fixes) for the reports to cap.
inline Facts keyless_tables_facts(int count) {
  FactsBuilder builder;
  builder.no_tables();
  for (int i = 0; i < count; ++i) {
    builder.table("app", "t" + std::to_string(i), [](TableFacts& t) { t.has_primary_key = false; });
  }
  builder.no_publication();
  return builder.build();
}

// The scope of a plain run: nothing narrowed, nothing skipped.
inline ScopeRequest default_options() { return ScopeRequest{}; }

inline ScopeRequest with_schemas(std::vector<std::string> schemas) {
  ScopeRequest options = default_options();
  options.schemas = std::move(schemas);
  return options;
}

inline ScopeRequest with_tables(std::vector<std::string> tables) {
  ScopeRequest options = default_options();
  options.tables = std::move(tables);
  return options;
}

// Every result of a run over `facts`, as the tool would produce them.
inline std::vector<CheckResult> run_all(const Facts& facts,
                                        const ScopeRequest& options = default_options()) {
  return run_checks(facts, resolve_scope(facts, options));
}

// The result of check `id` in a run over `facts`.
inline CheckResult evaluate(std::string_view id, const Facts& facts,
                            const ScopeRequest& options = default_options()) {
  std::vector<CheckResult> results = run_all(facts, options);
  const auto found = std::find_if(results.begin(), results.end(),
                                  [&](const CheckResult& r) { return r.id == id; });
  if (found == results.end()) {
    throw std::logic_error("no check " + std::string(id) + " in the catalogue");
  }
  return std::move(*found);
}

// The report of a run over `facts`.
inline Report report_of(const Facts& facts, Strict strict = Strict::no,
                        const ScopeRequest& options = default_options()) {
  const Scope scope = resolve_scope(facts, options);
  return build_report(facts, scope, run_checks(facts, scope), strict);
}

// The report as build_report makes it with `strict`: its checks judged again
// (for tests that render one report both ways, or hand-built checks).
inline Report judged(Report report, Strict strict) {
  std::vector<CheckResult> results(report.checks.begin(), report.checks.end());
  report.checks = judge(std::move(results), strict);
  report.summary = summarize(report.checks);
  return report;
}

// All SQL, steps and commands of a remediation as one text, to search in.
inline std::string remediation_text(const Remediation& fix) {
  std::string text;
  for (const auto* list : {&fix.sql, &fix.steps, &fix.commands}) {
    for (const std::string& line : *list) {
      text += line;
      text += '\n';
    }
  }
  return text + fix.docs;
}

inline std::string details_text(const CheckResult& result) {
  std::string text;
  for (const std::string& detail : result.details) {
    text += detail;
    text += '\n';
  }
  return text;
}

}  // namespace cdcpreflight::testing
