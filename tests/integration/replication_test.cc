// The verdicts that predict replication, proven by replicating: on a ready
// Aurora-shaped cluster, each test runs the tool as clickpipes_user and a
// ReplicationConsumer (replication_consumer.h) on the same database, then
// asserts that the verdict agrees with what the initial load copied and what
// the stream delivered (SPEC.md, "Agrees with ClickPipes").
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cdcpreflight/sql_quote.h"
#include "pgoutput.h"
#include "ready_suite.h"
#include "replication_consumer.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

// publish_via_partition_root and partitioned tables in publications: 13+.
constexpr int kPartitionRootMajor = 13;
// Stored generated columns: 12+; publish_generated_columns: 18+.
constexpr int kPublishGeneratedColumnsMajor = 18;

// Every relation that arrived, with its columns and changes, for failure messages.
std::string describe(const DecodedStream& stream) {
  std::ostringstream text;
  text << stream.commits << " commits\n";
  for (const auto& [name, relation] : stream.relations) {
    text << name << " (";
    for (const std::string& column : relation.columns) text << ' ' << column;
    text << " ): " << relation.count(ChangeKind::insert) << " inserts, "
         << relation.count(ChangeKind::update) << " updates, "
         << relation.count(ChangeKind::delete_row) << " deletes, " << relation.truncates
         << " truncates\n";
    for (const RowChange& change : relation.changes) {
      text << "  old tuple '" << (change.old_tuple == '\0' ? '-' : change.old_tuple) << "', u:";
      for (const std::string& column : change.unchanged_toast) text << ' ' << column;
      text << ", without value:";
      for (const std::string& column : change.toast_without_value) text << ' ' << column;
      text << ", n:";
      for (const std::string& column : change.nulls) text << ' ' << column;
      text << '\n';
    }
  }
  return text.str();
}

// The relations changes arrived under. (A Relation message alone is no change:
// through a partition's root, pgoutput announces the leaf too.)
std::set<std::string> changed_relations(const DecodedStream& stream) {
  std::set<std::string> names;
  for (const auto& [name, relation] : stream.relations) {
    if (!relation.changes.empty() || relation.truncates > 0) names.insert(name);
  }
  return names;
}

// What arrived under `name`; fails the test (and returns nothing) when nothing did.
const RelationStream& arrived(const DecodedStream& stream, const std::string& name) {
  static const RelationStream nothing;
  const auto found = stream.relations.find(name);
  if (found == stream.relations.end()) {
    ADD_FAILURE() << "nothing arrived under " << name << "; the stream:\n" << describe(stream);
    return nothing;
  }
  return found->second;
}

// The tables whose changes reach the destination with a column empty: an
// UPDATE's unchanged TOAST value that neither its new nor its old row carries.
std::vector<std::string> tables_with_empty_toast(const DecodedStream& stream) {
  std::vector<std::string> tables;
  for (const auto& [name, relation] : stream.relations) {
    if (!relation.all_toast_without_value().empty()) tables.push_back(name);
  }
  return tables;
}

class Replication : public ReadyAuroraSuite {
 protected:
  // Rows in the table as the admin (a superuser, whom no policy filters) counts them.
  [[nodiscard]] static long admin_count(const Login& login, const std::string& table) {
    return std::stol(server().sql("SELECT count(*) FROM " + table + ";", login.dbname));
  }

  // The tool's statuses are those of a ready database but `expected`; exit code
  // 1 when one of them fails.
  static void expect_verdict(const ToolReport& result,
                             const std::map<std::string, std::string>& expected) {
    const std::map<std::string, std::string> all = all_pass_except(result.report, expected);
    bool fails = false;
    for (const auto& [id, status] : all) fails = fails || status == "fail";
    EXPECT_EQ(result.run.exit_code, fails ? 1 : 0) << describe_result(result.run);
    EXPECT_EQ(statuses(result.report), all);
    for (const auto& [id, status] : expected) {
      EXPECT_EQ(status_of(result.report, id), status) << id;
    }
  }
};

// --- tables.toast ----------------------------------------------------------

// Four tables, one UPDATE each that leaves the text columns alone: only the
// table that both can and does store a value out of line, with a key as its
// replica identity, delivers that value as 'u' with no old row to fill it from.
// numeric(10,2) and varchar(20) cannot reach TOAST's threshold; a text column
// holding short values has stored nothing out of line; under REPLICA IDENTITY
// FULL the new row says 'u' too, but the old row is logged whole, value
// included, and ClickPipes fills the column from it. The tool warns naming
// exactly the first (SPEC: a table that could but holds no out-of-line value
// is a detail, not a warning).
TEST_F(Replication, ToastWarnsNamingExactlyTheTableWhoseUpdateArrivesWithoutItsValue) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE TABLE app.documents (id bigint PRIMARY KEY, title text, body text);\n"
      "CREATE TABLE app.prices (id bigint PRIMARY KEY, amount numeric(10, 2), code varchar(20));\n"
      "CREATE TABLE app.notes (id bigint PRIMARY KEY, note text);\n"
      "CREATE TABLE app.archive (id bigint PRIMARY KEY, title text, body text);\n"
      "ALTER TABLE app.archive REPLICA IDENTITY FULL;\n"
      // 6,400 hexadecimal digits of md5 chains: pglz finds nothing to compress,
      // so the value is stored out of line.
      "INSERT INTO app.documents SELECT 1, 'draft', string_agg(md5(i::text), '')\n"
      "  FROM generate_series(1, 200) i;\n"
      "INSERT INTO app.archive SELECT 1, 'kept', string_agg(md5(i::text), '')\n"
      "  FROM generate_series(1, 200) i;\n"
      "INSERT INTO app.prices VALUES (1, 9.99, 'SKU-1');\n"
      "INSERT INTO app.notes VALUES (1, 'short');\n"
      // The catalogs as (auto)vacuum leaves them on a live database.
      "VACUUM app.documents, app.archive, app.prices, app.notes;\n",
      login.dbname);
  const std::string out_of_line = server().sql(
      "SELECT c.relname, pg_relation_size(c.reltoastrelid) > 0 FROM pg_class c\n"
      "  WHERE c.oid IN ('app.documents'::regclass, 'app.archive'::regclass,\n"
      "                  'app.notes'::regclass)\n"
      "  ORDER BY 1;",
      login.dbname);
  ASSERT_EQ(out_of_line, "archive|t\ndocuments|t\nnotes|f\n") << "which tables store out of line";

  const ToolReport result = check_as(login);
  expect_verdict(result, {{"tables.toast", "warn"}});
  const nlohmann::json& toast = check(result.report, "tables.toast");
  EXPECT_EQ(field(toast, "/details"),
            nlohmann::json::array(
                {"app.documents", "app.notes could store values out of line, but holds none yet"}))
      << toast.dump(2);
  EXPECT_EQ(remediation_sql(toast), "ALTER TABLE \"app\".\"documents\" REPLICA IDENTITY FULL;\n");

  ReplicationConsumer consumer(login);
  (void)server().sql(
      "UPDATE app.documents SET title = 'final';\n"
      "UPDATE app.archive SET title = 'filed';\n"
      "UPDATE app.prices SET amount = 10.49;\n"
      "UPDATE app.notes SET note = 'still short';\n",
      login.dbname);
  const DecodedStream stream = consumer.stream_until_now();

  const RelationStream& documents = arrived(stream, "app.documents");
  ASSERT_EQ(documents.count(ChangeKind::update), 1) << describe(stream);
  EXPECT_EQ(documents.changes[0].unchanged_toast, std::vector<std::string>{"body"});
  EXPECT_EQ(documents.changes[0].toast_without_value, std::vector<std::string>{"body"});
  // FULL: the new row still says 'u', but the old row carries the value.
  const RelationStream& archive = arrived(stream, "app.archive");
  ASSERT_EQ(archive.count(ChangeKind::update), 1) << describe(stream);
  EXPECT_EQ(archive.changes[0].old_tuple, 'O');
  EXPECT_EQ(archive.changes[0].unchanged_toast, std::vector<std::string>{"body"});
  EXPECT_EQ(archive.changes[0].toast_without_value, std::vector<std::string>{});
  for (const std::string name : {"app.prices", "app.notes"}) {
    const RelationStream& small = arrived(stream, name);
    EXPECT_EQ(small.count(ChangeKind::update), 1) << name << "\n" << describe(stream);
    EXPECT_EQ(small.all_unchanged_toast(), std::vector<std::string>{}) << name;
  }
  // The verdict names what the stream shows.
  EXPECT_EQ(tables_with_empty_toast(stream), std::vector<std::string>{"app.documents"})
      << describe(stream);
}

// The tool's fix (REPLICA IDENTITY FULL) makes the same UPDATE arrive with the
// value in its old row, and the tool pass.
TEST_F(Replication, ToastFixedByReplicaIdentityFullDeliversTheValueInTheOldRow) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE TABLE app.documents (id bigint PRIMARY KEY, title text, body text);\n"
      "INSERT INTO app.documents SELECT 1, 'draft', string_agg(md5(i::text), '')\n"
      "  FROM generate_series(1, 200) i;\n"
      "VACUUM app.documents;\n",
      login.dbname);
  const ToolReport before = check_as(login);
  expect_verdict(before, {{"tables.toast", "warn"}});
  apply_remediation(server(), login.dbname, check(before.report, "tables.toast"));
  expect_verdict(check_as(login), {});

  ReplicationConsumer consumer(login);
  (void)server().sql("UPDATE app.documents SET title = 'final';", login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  const RelationStream& documents = arrived(stream, "app.documents");
  ASSERT_EQ(documents.count(ChangeKind::update), 1) << describe(stream);
  EXPECT_EQ(documents.changes[0].old_tuple, 'O');
  EXPECT_EQ(documents.changes[0].toast_without_value, std::vector<std::string>{});
}

// --- tables.rls ------------------------------------------------------------

// A policy shows clickpipes_user one of the two orders: the tool warns, and the
// initial load copies one row where the admin counts two; the stream (logical
// decoding applies no policy) carries even a hidden row's insert. The tool's
// policy for the role (USING (true)) makes the load whole and the tool pass.
TEST_F(Replication, RowLevelSecurityWarnsAndTheInitialLoadMissesTheHiddenRows) {
  const Login login = ready_login();
  (void)server().sql(
      "ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY first_customer ON app.orders USING (customer_id = 1);\n",
      login.dbname);
  const ToolReport before = check_as(login);
  expect_verdict(before, {{"tables.rls", "warn"}});
  EXPECT_EQ(field(check(before.report, "tables.rls"), "/details"),
            nlohmann::json::array({"app.orders"}));
  {
    ReplicationConsumer consumer(login);
    EXPECT_EQ(admin_count(login, "app.orders"), 2);
    EXPECT_EQ(consumer.snapshot_rows(),
              (std::map<std::string, long>{{"app.customers", 2}, {"app.orders", 1}}));
    (void)server().sql("INSERT INTO app.orders VALUES (12, 2, 5.00);", login.dbname);
    const DecodedStream stream = consumer.stream_until_now();
    EXPECT_EQ(arrived(stream, "app.orders").count(ChangeKind::insert), 1) << describe(stream);
  }

  apply_remediation(server(), login.dbname, check(before.report, "tables.rls"));
  expect_verdict(check_as(login), {});
  ReplicationConsumer consumer(login);
  EXPECT_EQ(consumer.snapshot_rows(),
            (std::map<std::string, long>{{"app.customers", 2},
                                         {"app.orders", admin_count(login, "app.orders")}}));
}

// A role given BYPASSRLS reads every row whatever the policies: a policy that
// hides everything leaves the load empty until then.
TEST_F(Replication, RowLevelSecurityBypassedByTheRolePassesAndTheInitialLoadIsWhole) {
  create_login_role(server(), test_slug(), ReplicationGrant::granted);
  create_ready_database(server(), test_slug(), test_slug());
  const Login login{server(), test_slug(), std::string(kRolePassword), test_slug()};
  (void)server().sql(
      "ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY nobody ON app.orders USING (false);\n",
      login.dbname);
  expect_verdict(check_as(login), {{"tables.rls", "warn"}});
  {
    const ReplicationConsumer consumer(login);
    EXPECT_EQ(consumer.snapshot_rows(),
              (std::map<std::string, long>{{"app.customers", 2}, {"app.orders", 0}}));
  }

  (void)server().sql("ALTER ROLE " + quote_identifier(login.user) + " BYPASSRLS;");
  expect_verdict(check_as(login), {});
  const ReplicationConsumer consumer(login);
  EXPECT_EQ(consumer.snapshot_rows(),
            (std::map<std::string, long>{{"app.customers", 2}, {"app.orders", 2}}));
}

// --- publication.partitions ------------------------------------------------

// The partitioned app.events (two levels) without publish_via_partition_root:
// the tool warns, and the load and the stream both name the leaf partitions,
// never the root. From 13 the tool's fix makes both name the root only, and the
// tool pass. Before 13 the option does not exist: the check skips, and the
// leaves are what arrives.
TEST_F(Replication, PartitionedTableArrivesUnderItsLeavesUnlessPublishedViaItsRoot) {
  const Login login = ready_login();
  create_partitioned_events(server(), login.dbname);
  const std::string changes =
      "INSERT INTO app.events VALUES (4, '2025-07-01', 'd'), (5, '2026-08-01', 'e');\n"
      "UPDATE app.events SET payload = 'B' WHERE id = 2;\n"
      "DELETE FROM app.events WHERE id = 3;\n";
  const std::set<std::string> leaves = {"app.events_2025", "app.events_2026_a",
                                        "app.events_2026_b"};
  const bool via_root_exists = server().major_version() >= kPartitionRootMajor;

  const ToolReport before = check_as(login);
  expect_verdict(before, {{"publication.partitions", via_root_exists ? "warn" : "skip"}});
  {
    ReplicationConsumer consumer(login);
    long copied = 0;
    for (const auto& [table, rows] : consumer.snapshot_rows()) {
      if (table.starts_with("app.events")) {
        EXPECT_TRUE(leaves.contains(table)) << table;
        copied += rows;
      }
    }
    EXPECT_EQ(copied, 3);
    (void)server().sql(changes, login.dbname);
    const DecodedStream stream = consumer.stream_until_now();
    int inserts = 0;
    int updates = 0;
    int deletes = 0;
    for (const auto& [name, relation] : stream.relations) {
      inserts += relation.count(ChangeKind::insert);
      updates += relation.count(ChangeKind::update);
      deletes += relation.count(ChangeKind::delete_row);
    }
    EXPECT_EQ(inserts, 2) << describe(stream);
    EXPECT_EQ(updates, 1) << describe(stream);
    EXPECT_EQ(deletes, 1) << describe(stream);
    const std::set<std::string> changed = changed_relations(stream);
    EXPECT_TRUE(std::includes(leaves.begin(), leaves.end(), changed.begin(), changed.end()))
        << describe(stream);
    EXPECT_TRUE(changed.contains("app.events_2025")) << describe(stream);
  }
  if (!via_root_exists) return;

  apply_remediation(server(), login.dbname, check(before.report, "publication.partitions"));
  expect_verdict(check_as(login), {});
  ReplicationConsumer consumer(login);
  EXPECT_EQ(
      consumer.snapshot_rows(),
      (std::map<std::string, long>{{"app.customers", 2}, {"app.events", 4}, {"app.orders", 2}}));
  (void)server().sql(
      "INSERT INTO app.events VALUES (6, '2025-08-01', 'f'), (7, '2026-09-01', 'g');\n"
      "UPDATE app.events SET payload = 'A' WHERE id = 1;\n"
      "DELETE FROM app.events WHERE id = 2;\n",
      login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  EXPECT_EQ(changed_relations(stream), std::set<std::string>{"app.events"}) << describe(stream);
  const RelationStream& events = arrived(stream, "app.events");
  EXPECT_EQ(events.count(ChangeKind::insert), 2) << describe(stream);
  EXPECT_EQ(events.count(ChangeKind::update), 1) << describe(stream);
  EXPECT_EQ(events.count(ChangeKind::delete_row), 1) << describe(stream);
}

// --- publication.actions ---------------------------------------------------

// publish = 'insert': the tool fails, and of an insert, an update and a delete
// only the insert arrives. The tool's fix publishes every action: the update,
// the delete and a TRUNCATE arrive too, and the tool passes.
TEST_F(Replication, PublicationOfInsertsOnlyFailsAndOnlyItsInsertsArrive) {
  const Login login = ready_login();
  (void)server().sql("ALTER PUBLICATION clickpipes_publication SET (publish = 'insert');",
                     login.dbname);
  const ToolReport before = check_as(login);
  expect_verdict(before, {{"publication.actions", "fail"}});
  {
    ReplicationConsumer consumer(login);
    (void)server().sql(
        "INSERT INTO app.customers VALUES (3, 'Linus');\n"
        "UPDATE app.customers SET name = 'Ada L.' WHERE id = 1;\n"
        "DELETE FROM app.orders WHERE id = 11;\n",
        login.dbname);
    const DecodedStream stream = consumer.stream_until_now();
    EXPECT_EQ(changed_relations(stream), std::set<std::string>{"app.customers"})
        << describe(stream);
    const RelationStream& customers = arrived(stream, "app.customers");
    EXPECT_EQ(customers.count(ChangeKind::insert), 1) << describe(stream);
    EXPECT_EQ(customers.count(ChangeKind::update), 0) << describe(stream);
  }

  apply_remediation(server(), login.dbname, check(before.report, "publication.actions"));
  expect_verdict(check_as(login), {});
  ReplicationConsumer consumer(login);
  (void)server().sql(
      "INSERT INTO app.customers VALUES (4, 'Barbara');\n"
      "UPDATE app.customers SET name = 'Grace H.' WHERE id = 2;\n"
      "DELETE FROM app.orders WHERE id = 10;\n"
      "TRUNCATE app.orders;\n",
      login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  const RelationStream& customers = arrived(stream, "app.customers");
  EXPECT_EQ(customers.count(ChangeKind::insert), 1) << describe(stream);
  EXPECT_EQ(customers.count(ChangeKind::update), 1) << describe(stream);
  const RelationStream& orders = arrived(stream, "app.orders");
  EXPECT_EQ(orders.count(ChangeKind::delete_row), 1) << describe(stream);
  EXPECT_EQ(orders.truncates, 1) << describe(stream);
}

// --- tables.replica_identity -----------------------------------------------

// A published table without a key: the tool fails, and PostgreSQL already
// refuses its UPDATE (and DELETE) on the source; its inserts still arrive.
// After the tool's fix, REPLICA IDENTITY FULL, the tool passes and the update
// and the delete arrive with the whole old row.
TEST_F(Replication, KeylessTableFailsAndItsUpdatesFailOnTheSourceUntilReplicaIdentityFull) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE TABLE app.readings (sensor int, reading int);\n"
      "INSERT INTO app.readings VALUES (1, 10), (2, 20);\n",
      login.dbname);
  const ToolReport before = check_as(login);
  expect_verdict(before, {{"tables.replica_identity", "fail"}});
  {
    ReplicationConsumer consumer(login);
    EXPECT_EQ(consumer.snapshot_rows().at("app.readings"), 2);
    const std::vector<std::pair<std::string, std::string>> refusals = {
        {"UPDATE app.readings SET reading = 11 WHERE sensor = 1;",
         "cannot update table \"readings\" because it does not have a replica identity and "
         "publishes updates"},
        {"DELETE FROM app.readings WHERE sensor = 2;",
         "cannot delete from table \"readings\" because it does not have a replica identity and "
         "publishes deletes"}};
    for (const auto& [statement, error] : refusals) {
      const ProcessResult refused = server().try_sql(statement, login.dbname);
      EXPECT_NE(refused.exit_code, 0) << statement;
      EXPECT_NE(refused.err.find(error), std::string::npos) << describe_result(refused);
    }
    (void)server().sql("INSERT INTO app.readings VALUES (3, 30);", login.dbname);
    const DecodedStream stream = consumer.stream_until_now();
    const RelationStream& readings = arrived(stream, "app.readings");
    EXPECT_EQ(readings.count(ChangeKind::insert), 1) << describe(stream);
    EXPECT_EQ(readings.changes.size(), 1U) << describe(stream);
  }

  apply_remediation(server(), login.dbname, check(before.report, "tables.replica_identity"));
  expect_verdict(check_as(login), {});
  ReplicationConsumer consumer(login);
  (void)server().sql(
      "UPDATE app.readings SET reading = 11 WHERE sensor = 1;\n"
      "DELETE FROM app.readings WHERE sensor = 2;\n",
      login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  const RelationStream& readings = arrived(stream, "app.readings");
  EXPECT_EQ(readings.replica_identity, 'f');
  ASSERT_EQ(readings.changes.size(), 2U) << describe(stream);
  EXPECT_EQ(readings.changes[0].kind, ChangeKind::update);
  EXPECT_EQ(readings.changes[0].old_tuple, 'O');
  EXPECT_EQ(readings.changes[1].kind, ChangeKind::delete_row);
  EXPECT_EQ(readings.changes[1].old_tuple, 'O');
  EXPECT_EQ(readings.changes[1].nulls, std::vector<std::string>{}) << "the whole old row";
}

// --- tables.unlogged -------------------------------------------------------

// An UNLOGGED table: the tool warns; no publication can hold it, the initial
// load does not list it, and none of its changes arrive (a logged table's
// change in the same transaction does).
TEST_F(Replication, UnloggedTableWarnsAndNothingOfItArrives) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE UNLOGGED TABLE app.sessions (id bigint PRIMARY KEY, seen date);\n"
      "INSERT INTO app.sessions VALUES (1, '2026-01-01'), (2, '2026-01-02');\n",
      login.dbname);
  const ProcessResult refused =
      server().try_sql("CREATE PUBLICATION only_sessions FOR TABLE app.sessions;", login.dbname);
  EXPECT_NE(refused.exit_code, 0) << "the server published an unlogged table";
  EXPECT_TRUE(contains_ignoring_case(refused.err, "unlogged")) << describe_result(refused);

  expect_verdict(check_as(login), {{"tables.unlogged", "warn"}});
  ReplicationConsumer consumer(login);
  EXPECT_EQ(consumer.snapshot_rows(),
            (std::map<std::string, long>{{"app.customers", 2}, {"app.orders", 2}}));
  (void)server().sql(
      "BEGIN;\n"
      "INSERT INTO app.sessions VALUES (3, '2026-01-03');\n"
      "INSERT INTO app.customers VALUES (3, 'Linus');\n"
      "COMMIT;\n"
      "UPDATE app.sessions SET seen = '2026-02-01';\n"
      "DELETE FROM app.sessions WHERE id = 1;\n",
      login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  EXPECT_EQ(changed_relations(stream), std::set<std::string>{"app.customers"}) << describe(stream);
}

// --- tables.generated_columns ----------------------------------------------

// A stored generated column: the initial load copies it, but the stream's
// Relation message and tuples leave it out (PostgreSQL 18 too, whose
// publish_generated_columns is 'none' by default): the tool warns. On 18 the
// publication's publish_generated_columns = stored sends it, and the tool passes.
TEST_F(Replication, GeneratedColumnWarnsAndNeverArrivesInTheStream) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE TABLE app.line_items (id bigint PRIMARY KEY, price numeric(10, 2),\n"
      "  quantity int, total numeric(12, 2) GENERATED ALWAYS AS (price * quantity) STORED);\n"
      "INSERT INTO app.line_items (id, price, quantity) VALUES (1, 2.50, 4);\n",
      login.dbname);
  const std::string changes =
      "INSERT INTO app.line_items (id, price, quantity) VALUES (2, 1.00, 3);\n"
      "UPDATE app.line_items SET quantity = 5 WHERE id = 1;\n";

  expect_verdict(check_as(login), {{"tables.generated_columns", "warn"}});
  {
    ReplicationConsumer consumer(login);
    EXPECT_EQ(consumer.snapshot_rows().at("app.line_items"), 1);
    (void)server().sql(changes, login.dbname);
    const DecodedStream stream = consumer.stream_until_now();
    const RelationStream& items = arrived(stream, "app.line_items");
    EXPECT_EQ(items.columns, (std::vector<std::string>{"id", "price", "quantity"}))
        << describe(stream);
    EXPECT_EQ(items.count(ChangeKind::insert), 1) << describe(stream);
    EXPECT_EQ(items.count(ChangeKind::update), 1) << describe(stream);
  }
  if (server().major_version() < kPublishGeneratedColumnsMajor) return;

  (void)server().sql(
      "ALTER PUBLICATION clickpipes_publication SET (publish_generated_columns = stored);",
      login.dbname);
  expect_verdict(check_as(login), {{"tables.generated_columns", "pass"}});
  ReplicationConsumer consumer(login);
  (void)server().sql("UPDATE app.line_items SET quantity = 6 WHERE id = 1;", login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  EXPECT_EQ(arrived(stream, "app.line_items").columns,
            (std::vector<std::string>{"id", "price", "quantity", "total"}))
      << describe(stream);
}

// A generated column as the primary key: the tool fails. The Relation message
// announces no key column at all, and a DELETE arrives with nothing that
// identifies its row: every column of its old row is NULL. PostgreSQL 18
// refuses the DELETE on the source instead, which the check says there.
TEST_F(Replication, GeneratedColumnInThePrimaryKeyFailsAndDeletesArriveWithoutAKey) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE TABLE app.slugs (title text NOT NULL,\n"
      "  slug text GENERATED ALWAYS AS (lower(title)) STORED PRIMARY KEY);\n"
      "INSERT INTO app.slugs (title) VALUES ('Hello'), ('World');\n",
      login.dbname);
  const ToolReport report = check_as(login);
  expect_verdict(report, {{"tables.generated_columns", "fail"}});

  ReplicationConsumer consumer(login);
  if (server().major_version() >= 18) {
    // PostgreSQL 18 refuses the DELETE itself, as the check says.
    EXPECT_NE(check(report.report, "tables.generated_columns")
                  .value("summary", "")
                  .find("UPDATE and DELETE on it already fail on the source"),
              std::string::npos)
        << describe_result(report.run);
    const ProcessResult refused =
        server().try_sql("DELETE FROM app.slugs WHERE slug = 'hello';", login.dbname);
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("Replica identity must not contain unpublished generated columns"),
              std::string::npos)
        << describe_result(refused);
    return;
  }
  EXPECT_NE(check(report.report, "tables.generated_columns")
                .value("summary", "")
                .find("changes arrive without their key"),
            std::string::npos)
      << describe_result(report.run);
  (void)server().sql("DELETE FROM app.slugs WHERE slug = 'hello';", login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  const RelationStream& slugs = arrived(stream, "app.slugs");
  EXPECT_EQ(slugs.columns, std::vector<std::string>{"title"}) << describe(stream);
  EXPECT_EQ(slugs.key_columns, std::vector<std::string>{}) << describe(stream);
  ASSERT_EQ(slugs.count(ChangeKind::delete_row), 1) << describe(stream);
  EXPECT_EQ(slugs.changes[0].old_tuple, 'K');
  EXPECT_EQ(slugs.changes[0].nulls, std::vector<std::string>{"title"}) << describe(stream);
}

// --- ready -----------------------------------------------------------------

// A database set up exactly as the ClickPipes Aurora guide says: the tool says
// ready, the initial load copies every row of every scoped table, and an
// insert, an update and a delete in each arrive, with the columns the tables
// have.
TEST_F(Replication, ReadyDatabaseIsCopiedWholeAndEveryChangeArrives) {
  const Login login = ready_login();
  expect_verdict(check_as(login), {});

  ReplicationConsumer consumer(login);
  EXPECT_FALSE(consumer.system_identifier().empty());
  EXPECT_EQ(consumer.snapshot_rows(),
            (std::map<std::string, long>{{"app.customers", admin_count(login, "app.customers")},
                                         {"app.orders", admin_count(login, "app.orders")}}));
  (void)server().sql(
      "INSERT INTO app.customers VALUES (3, 'Linus');\n"
      "INSERT INTO app.orders VALUES (12, 3, 7.00);\n"
      "UPDATE app.customers SET name = 'Grace H.' WHERE id = 2;\n"
      "UPDATE app.orders SET total = 13.00 WHERE id = 10;\n"
      "DELETE FROM app.orders WHERE id = 12;\n"
      "DELETE FROM app.customers WHERE id = 3;\n",
      login.dbname);
  const DecodedStream stream = consumer.stream_until_now();
  EXPECT_EQ(changed_relations(stream), (std::set<std::string>{"app.customers", "app.orders"}));
  const std::map<std::string, std::vector<std::string>> columns = {
      {"app.customers", {"id", "name"}}, {"app.orders", {"id", "customer_id", "total"}}};
  for (const auto& [name, expected_columns] : columns) {
    const RelationStream& relation = arrived(stream, name);
    EXPECT_EQ(relation.columns, expected_columns) << name;
    EXPECT_EQ(relation.count(ChangeKind::insert), 1) << name << "\n" << describe(stream);
    EXPECT_EQ(relation.count(ChangeKind::update), 1) << name << "\n" << describe(stream);
    EXPECT_EQ(relation.count(ChangeKind::delete_row), 1) << name << "\n" << describe(stream);
    EXPECT_EQ(relation.all_toast_without_value(), std::vector<std::string>{}) << name;
  }
}

}  // namespace
}  // namespace cdcpreflight::integration
