// Snapshot round trip (collect, then check --from): facts -> JSON -> facts gives
// the very same check results, every field of them, and the very same reports
// in every format, for clusters of every shape; a second trip changes nothing.
// facts_json_test.cc covers each field of the facts; this covers the verdicts.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "facts/redact.h"
#include "unit/workflow_facts.h"

namespace cdcpreflight::testing {
namespace {

// As collect writes a snapshot and check --from reads it.
Facts through_snapshot(const Facts& facts) {
  const std::string written =
      nlohmann::json(facts).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return nlohmann::json::parse(written).get<Facts>();
}

struct Shape {
  std::string name;
  Facts facts;
  ScopeRequest options = default_options();
};

std::vector<Shape> shapes() {
  ScopeRequest long_tx = default_options();
  long_tx.long_tx_minutes = 0;
  ScopeRequest narrowed = with_tables({"public.orders", "sales.\"two\nlines\""});
  narrowed.skip = {"tables.toast", "publication.actions"};
  return {
      {"ready", FactsBuilder().build()},
      {"ready deep", FactsBuilder().slot_probe_ok(12).build(), default_options()},
      {"workflow", workflow_facts()},
      {"workflow narrowed", workflow_facts(), narrowed},
      {"fresh aurora",
       FactsBuilder()
           .setting("wal_level", "replica")
           .setting("rds.logical_replication", "off")
           .setting("wal_sender_timeout", "60000", "ms")
           .role([](RoleFacts& r) { r.member_of_rds_replication = false; })
           .schema("public", false)
           .change_table("public", "orders", [](TableFacts& t) { t.select = false; })
           .no_publication()
           .build()},
      {"reboot pending",
       FactsBuilder().setting("wal_level", "replica").pending_restart("wal_level").build()},
      {"rds reader", FactsBuilder()
                         .platform(Platform::rds)
                         .host("mydb.cluster-ro-abc.eu-west-1.rds.amazonaws.com")
                         .in_recovery()
                         .build()},
      {"self-managed", FactsBuilder().platform(Platform::postgresql).host("10.1.2.3").build()},
      {"old server", FactsBuilder().version(110022).build()},
      {"activity",
       FactsBuilder()
           .transaction(101, 7200)
           .prepared("it's", 86400)
           .slot("stale", [](ReplicationSlotFacts& s) { s.active = false; })
           .slot("lost",
                 [](ReplicationSlotFacts& s) {
                   s.active = false;
                   s.wal_status = "lost";
                 })
           .wal_senders(9)
           .build(),
       long_tx},
      {"slot probe blocked",
       FactsBuilder()
           .slot_probe_timed_out({OpenTransaction{
               42, "etl", "client backend", "idle in transaction", 3600, "2026-11-25T11:00:00Z"}})
           .build(),
       default_options()},
      {"partitions", FactsBuilder()
                         .partitioned_table("public", "events")
                         .partition("public", "events_1", "public", "events",
                                    [](TableFacts& t) {
                                      t.has_primary_key = false;
                                      t.bytes = 9'000'000'000'000;
                                    })
                         .publication([](PublicationFacts& p) { p.via_root = false; })
                         .build()},
      {"password expiring", FactsBuilder().password_expires_in(3600).build()},
      {"role missing", FactsBuilder().role_missing().build()},
      {"query errors", FactsBuilder()
                           .query_error(FactGroup::server, "57014", "canceling statement")
                           .query_error(FactGroup::tables, "42501", "permission denied")
                           .build()},
      {"connection failed",
       FactsBuilder()
           .connection_failed(ConnectionFailure::authentication,
                              "FATAL:  password authentication failed for user \"x\"")
           .build()},
      {"replication refused",
       FactsBuilder().replication_connect_failed("28000", "no pg_hba.conf entry").build()},
      {"edges of what servers report",
       FactsBuilder()
           .table("public", "largest",
                  [](TableFacts& t) { t.bytes = 2 * std::int64_t{INT32_MAX} * 32768; })
           .table("public", "empty", [](TableFacts& t) { t.bytes = 0; })
           .transaction(101, -2)  // began after the gathering transaction did
           .slot("on_standby", [](ReplicationSlotFacts& s) { s.retained_bytes = -16'777'216; })
           .wal_senders(262143)
           .password_expires_in(-3600)
           .slot_probe_timed_out({OpenTransaction{0, "", "", "", 0, ""}})  // a prepared one
           .build(),
       default_options()},
      {"several hosts tried",
       FactsBuilder()
           .host("b.example.com")
           .connection_failed(
               ConnectionFailure::refused,
               "connection to server at \"a\" (10.1.2.3), port 5432 failed: Connection refused "
               "connection to server at \"b.example.com\" (10.1.2.4), port 5432 failed: "
               "Connection refused")
           .build()},
      {"password from a file",
       FactsBuilder()
           .connection_failed(ConnectionFailure::authentication,
                              "FATAL:  password authentication failed for user \"x\" password "
                              "retrieved from file \"/home/alice/.pgpass\"")
           .build()},
      {"owners named like Amazon's roles",
       FactsBuilder()
           .table("public", "loaded", [](TableFacts& t) { t.owner = "rds_etl"; })
           .default_privilege("rds_etl", "", false)
           .build()},
      {"hostile names",
       FactsBuilder()
           .table("we\"ird schema", "Ünïcode\x1b[31m", [](TableFacts& t) { t.select = false; })
           .table("public", "invalid \xff utf-8", [](TableFacts& t) { t.unlogged = true; })
           .table("public", "a.b", [](TableFacts& t) { t.has_primary_key = false; })
           .build()},
  };
}

void expect_same_results(const std::vector<CheckResult>& live,
                         const std::vector<CheckResult>& offline) {
  ASSERT_EQ(live.size(), offline.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    SCOPED_TRACE(live[i].id);
    EXPECT_EQ(offline[i].id, live[i].id);
    EXPECT_EQ(offline[i].title, live[i].title);
    EXPECT_EQ(offline[i].status, live[i].status);
    EXPECT_EQ(offline[i].summary, live[i].summary);
    EXPECT_EQ(offline[i].details, live[i].details);
    EXPECT_EQ(offline[i].remediation.sql, live[i].remediation.sql);
    EXPECT_EQ(offline[i].remediation.steps, live[i].remediation.steps);
    EXPECT_EQ(offline[i].remediation.commands, live[i].remediation.commands);
    EXPECT_EQ(offline[i].remediation.docs, live[i].remediation.docs);
  }
}

bool valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

TEST(SnapshotRoundTrip, EveryShapeGivesTheSameResults) {
  for (const Shape& shape : shapes()) {
    SCOPED_TRACE(shape.name);
    bool names_are_utf8 = true;
    for (const TableFacts& table : shape.facts.tables) {
      names_are_utf8 = names_are_utf8 && valid_utf8(table.name);
    }
    if (!names_are_utf8) {
      continue;  // see InvalidUtf8NamesBecomeReplacementCharacters
    }
    expect_same_results(run_all(shape.facts, shape.options),
                        run_all(through_snapshot(shape.facts), shape.options));
  }
}

TEST(SnapshotRoundTrip, EveryShapeGivesTheSameReportsInEveryFormat) {
  for (const Shape& shape : shapes()) {
    SCOPED_TRACE(shape.name);
    if (shape.name == "hostile names") {
      continue;  // invalid UTF-8: see below
    }
    for (const Strict strict : {Strict::no, Strict::yes}) {
      const Report live = report_of(shape.facts, strict, shape.options);
      const Report offline = report_of(through_snapshot(shape.facts), strict, shape.options);
      EXPECT_EQ(render_text(offline, Color::no), render_text(live, Color::no));
      EXPECT_EQ(render_json(offline), render_json(live));
      EXPECT_EQ(render_junit(judged(offline, strict)), render_junit(judged(live, strict)));
      EXPECT_EQ(render_markdown(offline), render_markdown(live));
      EXPECT_EQ(render_sql(offline), render_sql(live));
      EXPECT_EQ(render_github(judged(offline, strict)), render_github(judged(live, strict)));
    }
  }
}

// A name that is not UTF-8 cannot be written as JSON as it is: the snapshot
// holds U+FFFD instead, and the verdicts stay the same.
TEST(SnapshotRoundTrip, InvalidUtf8NamesBecomeReplacementCharacters) {
  const Shape hostile = shapes().back();
  ASSERT_EQ(hostile.name, "hostile names");
  const Facts read = through_snapshot(hostile.facts);
  bool found = false;
  for (const TableFacts& table : read.tables) {
    found = found || table.name == "invalid \xEF\xBF\xBD utf-8";
  }
  EXPECT_TRUE(found);
  const std::vector<CheckResult> live = run_all(hostile.facts);
  const std::vector<CheckResult> offline = run_all(read);
  ASSERT_EQ(live.size(), offline.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    SCOPED_TRACE(live[i].id);
    EXPECT_EQ(offline[i].status, live[i].status);
  }
}

// collect never writes a NUL (no name from PostgreSQL holds one); check --from
// refuses a snapshot that does, rather than cut the name short in a report.
TEST(SnapshotRoundTrip, ANameHoldingANulDoesNotLoad) {
  const Facts facts = FactsBuilder().table("public", std::string("orders\0; DROP", 13)).build();
  EXPECT_THROW((void)through_snapshot(facts), std::exception);
}

// Sizes no relation can have, and counts no server can run, do not load: they
// would overflow the scope's sum, or read as billions of free WAL senders.
TEST(SnapshotRoundTrip, NumbersNoServerCanReportDoNotLoad) {
  EXPECT_THROW((void)through_snapshot(
                   FactsBuilder()
                       .table("public", "huge", [](TableFacts& t) { t.bytes = INT64_MAX; })
                       .build()),
               std::exception);
  EXPECT_THROW((void)through_snapshot(FactsBuilder().wal_senders(INT32_MIN).build()),
               std::exception);
  Facts facts = FactsBuilder().build();
  facts.connection.port = 70000;
  EXPECT_THROW((void)through_snapshot(facts), std::exception);
}

TEST(SnapshotRoundTrip, ASecondTripChangesNothing) {
  for (const Shape& shape : shapes()) {
    SCOPED_TRACE(shape.name);
    const Facts once = through_snapshot(shape.facts);
    const Facts twice = through_snapshot(once);
    EXPECT_EQ(nlohmann::json(twice).dump(), nlohmann::json(once).dump());
  }
}

TEST(SnapshotRoundTrip, ARedactedSnapshotGivesTheSameStatusesAfterTheTrip) {
  for (const Shape& shape : shapes()) {
    SCOPED_TRACE(shape.name);
    if (!shape.options.schemas.empty() || !shape.options.tables.empty()) {
      continue;  // --table names the original tables
    }
    const Facts redacted = through_snapshot(redact(shape.facts));
    const std::vector<CheckResult> live = run_all(shape.facts, shape.options);
    const std::vector<CheckResult> offline = run_all(redacted, shape.options);
    ASSERT_EQ(live.size(), offline.size());
    for (std::size_t i = 0; i < live.size(); ++i) {
      SCOPED_TRACE(live[i].id);
      EXPECT_EQ(offline[i].status, live[i].status);
    }
  }
}

}  // namespace
}  // namespace cdcpreflight::testing
