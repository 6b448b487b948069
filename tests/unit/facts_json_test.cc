// Facts <-> JSON (facts_version 1): a snapshot written by `collect` reads back
// as the same facts, so `check --from` gives the same verdicts.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;

// Every field set to something other than its default.
Facts populated() {
  Facts facts = FactsBuilder()
                    .partitioned_table("we\"ird schema", "Ünïcode events")
                    .partition("we\"ird schema", "events_1", "we\"ird schema", "Ünïcode events",
                               [](TableFacts& t) {
                                 t.replica_identity = ReplicaIdentity::index;
                                 t.has_replica_identity_index = true;
                                 t.has_primary_key = false;
                                 t.unlogged = true;
                                 t.select = false;
                                 t.published = false;
                                 t.bytes = 9'000'000'000'000;
                               })
                    .table("public", "log",
                           [](TableFacts& t) { t.replica_identity = ReplicaIdentity::nothing; })
                    .table("public", "audit",
                           [](TableFacts& t) {
                             t.replica_identity = ReplicaIdentity::full;
                             t.has_toastable_columns = true;
                             t.toast_holds_data = true;
                             t.generated_columns = {"total"};
                             t.row_security = true;
                             t.force_row_security = true;
                             t.owned_by_role = true;
                           })
                    .schema("we\"ird schema", false)
                    .setting("wal_level", "replica")
                    .pending_restart("wal_level")
                    .in_recovery()
                    .query_error(FactGroup::role, "42501", "permission denied")
                    .query_error(FactGroup::publication, "57014", "canceling statement")
                    .password_expires_in(-90061)
                    .default_privilege("etl", "we\"ird schema", false)
                    .transaction(4242, 3700,
                                 [](OpenTransaction& t) {
                                   t.user = "Ünïcode";
                                   t.backend_type = "autovacuum worker";
                                   t.state = "active";
                                 })
                    .prepared("it's", 86401)
                    .slot("old_pipe",
                          [](ReplicationSlotFacts& s) {
                            s.active = false;
                            s.temporary = true;
                            s.wal_status = "lost";
                            s.retained_bytes = 9'000'000'000'000;
                          })
                    .slot("standby_1",
                          [](ReplicationSlotFacts& s) {
                            s.plugin.clear();
                            s.slot_type = "physical";
                            s.database.clear();
                            s.wal_status.clear();
                            s.retained_bytes.reset();
                          })
                    .wal_senders(3)
                    .stats_hidden()
                    .replication_connect_failed("28000", "no pg_hba.conf entry")
                    .build();
  facts.connection.failure = ConnectionFailure::lost;
  facts.connection.failure_message = "server closed the connection";
  facts.role.superuser = true;
  facts.role.replication = true;
  facts.role.bypass_rls = true;
  facts.role.member_of_rds_superuser = true;
  facts.role.valid_until = "2027-01-01 00:00:00+00";
  facts.publication_facts.all_tables = false;
  facts.publication_facts.truncate = false;
  facts.publication_facts.via_root = false;
  facts.publication_facts.schemas = {"public", "sales"};
  facts.replication_connect.system_identifier = "7311234567890123456";
  facts.replication_connect.timeline = 3;
  OpenTransaction blocker;
  blocker.pid = 99;
  blocker.user = "etl";
  blocker.backend_type = "client backend";
  blocker.state = "idle in transaction";
  blocker.age_seconds = 600;
  blocker.query_start = "2026-11-25T11:50:00Z";
  facts.deep = true;
  facts.slot_probe.attempted = true;
  facts.slot_probe.sqlstate = "57014";
  facts.slot_probe.message = "canceling statement due to statement timeout";
  facts.slot_probe.timed_out = true;
  facts.slot_probe.blockers = {blocker};
  facts.slot_probe.changes_peeked = 17;
  return facts;
}

Facts round_trip(const Facts& facts) {
  const nlohmann::json written = facts;
  return nlohmann::json::parse(written.dump()).get<Facts>();
}

TEST(FactsJson, WritesFactsVersion1) {
  const nlohmann::json json = FactsBuilder().build();
  EXPECT_EQ(json.at("facts_version"), 1);
}

TEST(FactsJson, TopLevelFieldsSurvive) {
  const Facts facts = populated();
  const Facts read = round_trip(facts);
  EXPECT_EQ(read.tool_version, facts.tool_version);
  EXPECT_EQ(read.gathered_at, facts.gathered_at);
  EXPECT_EQ(read.user, facts.user);
  EXPECT_EQ(read.publication, facts.publication);
}

TEST(FactsJson, ConnectionSurvives) {
  const Facts facts = populated();
  const ConnectionFacts read = round_trip(facts).connection;
  const ConnectionFacts& want = facts.connection;
  EXPECT_EQ(read.connected, want.connected);
  EXPECT_EQ(read.failure, want.failure);
  EXPECT_EQ(read.failure_message, want.failure_message);
  EXPECT_EQ(read.host, want.host);
  EXPECT_EQ(read.port, want.port);
  EXPECT_EQ(read.dbname, want.dbname);
  EXPECT_EQ(read.connected_as, want.connected_as);
  EXPECT_EQ(read.sslmode, want.sslmode);
  EXPECT_EQ(read.ssl_in_use, want.ssl_in_use);
  EXPECT_EQ(read.ssl_protocol, want.ssl_protocol);
  EXPECT_EQ(read.ssl_cipher, want.ssl_cipher);
}

TEST(FactsJson, EveryConnectionFailureSurvives) {
  for (const ConnectionFailure failure :
       {ConnectionFailure::none, ConnectionFailure::dns, ConnectionFailure::refused,
        ConnectionFailure::timeout, ConnectionFailure::authentication, ConnectionFailure::tls,
        ConnectionFailure::database_missing, ConnectionFailure::lost, ConnectionFailure::other}) {
    SCOPED_TRACE(to_string(failure));
    Facts facts = FactsBuilder().build();
    facts.connection.failure = failure;
    EXPECT_EQ(round_trip(facts).connection.failure, failure);
  }
}

TEST(FactsJson, ServerSurvives) {
  const Facts facts = populated();
  const ServerFacts read = round_trip(facts).server;
  const ServerFacts& want = facts.server;
  EXPECT_EQ(read.version_num, want.version_num);
  EXPECT_EQ(read.version, want.version);
  EXPECT_EQ(read.aurora_version, want.aurora_version);
  EXPECT_EQ(read.rds, want.rds);
  EXPECT_EQ(read.in_recovery, want.in_recovery);
  ASSERT_EQ(read.settings.size(), want.settings.size());
  for (const auto& [name, setting] : want.settings) {
    SCOPED_TRACE(name);
    ASSERT_EQ(read.settings.count(name), 1U);
    EXPECT_EQ(read.settings.at(name).value, setting.value);
    EXPECT_EQ(read.settings.at(name).unit, setting.unit);
    EXPECT_EQ(read.settings.at(name).pending_restart, setting.pending_restart);
  }
}

TEST(FactsJson, AbsentAuroraVersionStaysAbsent) {
  const Facts facts = FactsBuilder().platform(Platform::postgresql).build();
  EXPECT_FALSE(round_trip(facts).server.aurora_version.has_value());
}

TEST(FactsJson, RoleSurvives) {
  const Facts facts = populated();
  const RoleFacts read = round_trip(facts).role;
  const RoleFacts& want = facts.role;
  EXPECT_EQ(read.name, want.name);
  EXPECT_EQ(read.exists, want.exists);
  EXPECT_EQ(read.can_login, want.can_login);
  EXPECT_EQ(read.superuser, want.superuser);
  EXPECT_EQ(read.replication, want.replication);
  EXPECT_EQ(read.bypass_rls, want.bypass_rls);
  EXPECT_EQ(read.member_of_rds_replication, want.member_of_rds_replication);
  EXPECT_EQ(read.member_of_rds_superuser, want.member_of_rds_superuser);
  EXPECT_EQ(read.valid_until, want.valid_until);
  ASSERT_TRUE(want.seconds_until_expiry.has_value());
  EXPECT_EQ(read.seconds_until_expiry, want.seconds_until_expiry);
}

TEST(FactsJson, AbsentExpiryStaysAbsent) {
  const RoleFacts read = round_trip(FactsBuilder().build()).role;
  EXPECT_FALSE(read.valid_until.has_value());
  EXPECT_FALSE(read.seconds_until_expiry.has_value());
}

TEST(FactsJson, SchemasSurvive) {
  const Facts facts = populated();
  const std::vector<SchemaFacts> read = round_trip(facts).schemas;
  ASSERT_EQ(read.size(), facts.schemas.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].name, facts.schemas[i].name);
    EXPECT_EQ(read[i].owner, facts.schemas[i].owner);
    EXPECT_EQ(read[i].usage, facts.schemas[i].usage);
  }
}

TEST(FactsJson, TablesSurvive) {
  const Facts facts = populated();
  const std::vector<TableFacts> read = round_trip(facts).tables;
  ASSERT_EQ(read.size(), facts.tables.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    const TableFacts& want = facts.tables[i];
    SCOPED_TRACE(want.name);
    EXPECT_EQ(read[i].schema, want.schema);
    EXPECT_EQ(read[i].name, want.name);
    EXPECT_EQ(read[i].owner, want.owner);
    EXPECT_EQ(read[i].kind, want.kind);
    EXPECT_EQ(read[i].unlogged, want.unlogged);
    EXPECT_EQ(read[i].is_partition, want.is_partition);
    EXPECT_EQ(read[i].root_schema, want.root_schema);
    EXPECT_EQ(read[i].root_name, want.root_name);
    EXPECT_EQ(read[i].replica_identity, want.replica_identity);
    EXPECT_EQ(read[i].has_primary_key, want.has_primary_key);
    EXPECT_EQ(read[i].has_replica_identity_index, want.has_replica_identity_index);
    EXPECT_EQ(read[i].select, want.select);
    EXPECT_EQ(read[i].published, want.published);
    EXPECT_EQ(read[i].bytes, want.bytes);
    EXPECT_EQ(read[i].has_toastable_columns, want.has_toastable_columns);
    EXPECT_EQ(read[i].toast_holds_data, want.toast_holds_data);
    EXPECT_EQ(read[i].generated_columns, want.generated_columns);
    EXPECT_EQ(read[i].generated_in_key, want.generated_in_key);
    EXPECT_EQ(read[i].row_security, want.row_security);
    EXPECT_EQ(read[i].force_row_security, want.force_row_security);
    EXPECT_EQ(read[i].owned_by_role, want.owned_by_role);
  }
}

TEST(FactsJson, DefaultPrivilegesSurvive) {
  const Facts facts = populated();
  const std::vector<DefaultPrivilegeFacts> read = round_trip(facts).default_privileges;
  ASSERT_EQ(read.size(), 2U);
  ASSERT_EQ(read.size(), facts.default_privileges.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].owner, facts.default_privileges[i].owner);
    EXPECT_EQ(read[i].schema, facts.default_privileges[i].schema);
    EXPECT_EQ(read[i].grants_select, facts.default_privileges[i].grants_select);
  }
}

TEST(FactsJson, ActivitySurvives) {
  const Facts facts = populated();
  const ActivityFacts read = round_trip(facts).activity;
  const ActivityFacts& want = facts.activity;
  EXPECT_EQ(read.can_read_all_stats, want.can_read_all_stats);
  EXPECT_EQ(read.wal_senders, want.wal_senders);
  ASSERT_EQ(read.transactions.size(), 1U);
  EXPECT_EQ(read.transactions[0].pid, want.transactions[0].pid);
  EXPECT_EQ(read.transactions[0].user, want.transactions[0].user);
  EXPECT_EQ(read.transactions[0].backend_type, want.transactions[0].backend_type);
  EXPECT_EQ(read.transactions[0].state, want.transactions[0].state);
  EXPECT_EQ(read.transactions[0].age_seconds, want.transactions[0].age_seconds);
  EXPECT_EQ(read.transactions[0].query_start, want.transactions[0].query_start);
  ASSERT_EQ(read.prepared.size(), 1U);
  EXPECT_EQ(read.prepared[0].gid, want.prepared[0].gid);
  EXPECT_EQ(read.prepared[0].owner, want.prepared[0].owner);
  EXPECT_EQ(read.prepared[0].database, want.prepared[0].database);
  EXPECT_EQ(read.prepared[0].age_seconds, want.prepared[0].age_seconds);
  ASSERT_EQ(read.slots.size(), 2U);
  for (std::size_t i = 0; i < read.slots.size(); ++i) {
    const ReplicationSlotFacts& slot = want.slots[i];
    SCOPED_TRACE(slot.name);
    EXPECT_EQ(read.slots[i].name, slot.name);
    EXPECT_EQ(read.slots[i].plugin, slot.plugin);
    EXPECT_EQ(read.slots[i].slot_type, slot.slot_type);
    EXPECT_EQ(read.slots[i].database, slot.database);
    EXPECT_EQ(read.slots[i].active, slot.active);
    EXPECT_EQ(read.slots[i].temporary, slot.temporary);
    EXPECT_EQ(read.slots[i].wal_status, slot.wal_status);
    EXPECT_EQ(read.slots[i].retained_bytes, slot.retained_bytes);
  }
  EXPECT_FALSE(read.slots[1].retained_bytes.has_value());
}

TEST(FactsJson, ReplicationConnectSurvives) {
  const Facts facts = populated();
  const ReplicationConnectFacts read = round_trip(facts).replication_connect;
  const ReplicationConnectFacts& want = facts.replication_connect;
  EXPECT_EQ(read.attempted, want.attempted);
  EXPECT_EQ(read.ok, want.ok);
  EXPECT_EQ(read.system_identifier, want.system_identifier);
  EXPECT_EQ(read.timeline, want.timeline);
  EXPECT_EQ(read.sqlstate, want.sqlstate);
  EXPECT_EQ(read.message, want.message);
}

TEST(FactsJson, SlotProbeSurvives) {
  const Facts facts = populated();
  const SlotProbeFacts read = round_trip(facts).slot_probe;
  const SlotProbeFacts& want = facts.slot_probe;
  EXPECT_EQ(read.attempted, want.attempted);
  EXPECT_EQ(read.ok, want.ok);
  EXPECT_EQ(read.sqlstate, want.sqlstate);
  EXPECT_EQ(read.message, want.message);
  EXPECT_EQ(read.timed_out, want.timed_out);
  EXPECT_EQ(read.changes_peeked, want.changes_peeked);
  ASSERT_EQ(read.blockers.size(), 1U);
  EXPECT_EQ(read.blockers[0].pid, want.blockers[0].pid);
  EXPECT_EQ(read.blockers[0].user, want.blockers[0].user);
  EXPECT_EQ(read.blockers[0].backend_type, want.blockers[0].backend_type);
  EXPECT_EQ(read.blockers[0].state, want.blockers[0].state);
  EXPECT_EQ(read.blockers[0].age_seconds, want.blockers[0].age_seconds);
  EXPECT_EQ(read.blockers[0].query_start, want.blockers[0].query_start);
}

TEST(FactsJson, PublicationSurvives) {
  const Facts facts = populated();
  const PublicationFacts read = round_trip(facts).publication_facts;
  const PublicationFacts& want = facts.publication_facts;
  EXPECT_EQ(read.exists, want.exists);
  EXPECT_EQ(read.name, want.name);
  EXPECT_EQ(read.owner, want.owner);
  EXPECT_EQ(read.all_tables, want.all_tables);
  EXPECT_EQ(read.insert, want.insert);
  EXPECT_EQ(read.update, want.update);
  EXPECT_EQ(read.delete_, want.delete_);
  EXPECT_EQ(read.truncate, want.truncate);
  EXPECT_EQ(read.via_root, want.via_root);
  EXPECT_EQ(read.schemas, want.schemas);
}

TEST(FactsJson, QueryErrorsSurvive) {
  const Facts facts = populated();
  const std::map<FactGroup, QueryError> read = round_trip(facts).errors;
  ASSERT_EQ(read.size(), 2U);
  EXPECT_EQ(read.at(FactGroup::role).sqlstate, "42501");
  EXPECT_EQ(read.at(FactGroup::role).message, "permission denied");
  EXPECT_EQ(read.at(FactGroup::publication).sqlstate, "57014");
  EXPECT_EQ(read.at(FactGroup::publication).message, "canceling statement");
}

TEST(FactsJson, AnErrorOfEveryFactGroupSurvives) {
  for (const FactGroup group :
       {FactGroup::server, FactGroup::role, FactGroup::schemas, FactGroup::tables,
        FactGroup::publication, FactGroup::default_privileges, FactGroup::activity}) {
    SCOPED_TRACE(to_string(group));
    const Facts facts = FactsBuilder().query_error(group, "42501", "denied").build();
    const std::map<FactGroup, QueryError> read = round_trip(facts).errors;
    ASSERT_EQ(read.size(), 1U);
    ASSERT_EQ(read.count(group), 1U);
    EXPECT_EQ(read.at(group).sqlstate, "42501");
    EXPECT_EQ(read.at(group).message, "denied");
  }
}

TEST(FactsJson, RoundTripOfAConnectedServerGivesTheSameVerdicts) {
  Facts facts = populated();
  facts.connection.failure = ConnectionFailure::none;
  facts.connection.failure_message.clear();
  facts.errors.clear();
  ScopeRequest options = default_options();
  options.long_tx_minutes = 1;
  const std::vector<CheckResult> live = run_all(facts, options);
  const std::vector<CheckResult> offline = run_all(round_trip(facts), options);
  ASSERT_EQ(live.size(), offline.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    SCOPED_TRACE(live[i].id);
    EXPECT_EQ(offline[i].status, live[i].status);
    EXPECT_EQ(offline[i].summary, live[i].summary);
    EXPECT_EQ(offline[i].details, live[i].details);
    EXPECT_EQ(offline[i].remediation.sql, live[i].remediation.sql);
    EXPECT_EQ(offline[i].remediation.steps, live[i].remediation.steps);
  }
}

TEST(FactsJson, RoundTripGivesTheSameVerdicts) {
  const Facts facts = populated();
  const std::vector<CheckResult> live = run_all(facts);
  const std::vector<CheckResult> offline = run_all(round_trip(facts));
  ASSERT_EQ(live.size(), offline.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    SCOPED_TRACE(live[i].id);
    EXPECT_EQ(offline[i].status, live[i].status);
    EXPECT_EQ(offline[i].summary, live[i].summary);
  }
}

TEST(FactsJson, AnotherFactsVersionIsRefused) {
  nlohmann::json json = FactsBuilder().build();
  json["facts_version"] = 2;
  try {
    (void)json.get<Facts>();
    FAIL() << "facts_version 2 was accepted";
  } catch (const std::exception& error) {
    EXPECT_THAT(error.what(), HasSubstr("facts_version"));
  }
}

TEST(FactsJson, AnotherFactsVersionIsRefusedBeforeItsValuesAreChecked) {
  nlohmann::json json = FactsBuilder().build();
  json["facts_version"] = 2;
  json["connection"]["port"] = 70000;  // what a later version might mean otherwise
  try {
    (void)json.get<Facts>();
    FAIL() << "facts_version 2 was accepted";
  } catch (const std::exception& error) {
    EXPECT_THAT(error.what(), HasSubstr("unsupported facts_version 2"));
  }
}

// The populated snapshot with the value at `pointer` replaced.
nlohmann::json populated_with(const std::string& pointer, const nlohmann::json& value) {
  nlohmann::json json = populated();
  json[nlohmann::json::json_pointer(pointer)] = value;
  return json;
}

// Why loading the snapshot failed; empty when it loaded.
std::string refusal(const nlohmann::json& json) {
  try {
    (void)json.get<Facts>();
    return "";
  } catch (const std::exception& error) {
    return error.what();
  }
}

const std::string kWithNul("a\0b", 3);

// No name or message PostgreSQL reports can hold a NUL (its text cannot): one
// in a snapshot was put there, and would cut a name short for psql (--format
// sql) or any other reader of the report in C.
TEST(FactsJson, AStringHoldingANulIsRefusedWhereverItIs) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/tables/0/name", "tables[0].name"},
      {"/tables/1/schema", "tables[1].schema"},
      {"/tables/2/owner", "tables[2].owner"},
      {"/user", "user"},
      {"/tool_version", "tool_version"},
      {"/connection/failure_message", "connection.failure_message"},
      {"/server/settings/wal_level/value", "server.settings.wal_level.value"},
      {"/publication_facts/schemas/1", "publication_facts.schemas[1]"},
      {"/activity/transactions/0/user", "activity.transactions[0].user"},
      {"/activity/prepared/0/gid", "activity.prepared[0].gid"},
      {"/slot_probe/blockers/0/state", "slot_probe.blockers[0].state"},
      {"/errors/role/message", "errors.role.message"},
  };
  for (const auto& [pointer, where] : cases) {
    SCOPED_TRACE(pointer);
    const std::string why = refusal(populated_with(pointer, kWithNul));
    EXPECT_THAT(why, HasSubstr("\"" + where + "\" holds a NUL character"));
  }
}

TEST(FactsJson, AKeyHoldingANulIsRefused) {
  nlohmann::json json = populated();
  json["server"]["settings"][std::string("wal_level\0", 10)] =
      json["server"]["settings"]["wal_level"];
  EXPECT_THAT(refusal(json), HasSubstr("is a key that holds a NUL character"));
}

// The message names the key as a single short line, whatever the key holds.
TEST(FactsJson, TheRefusalNamesTheKeyOnOneLine) {
  nlohmann::json json = populated();
  const std::string hostile = "line\nbreak \x1b[31m" + std::string(300, 'k') + kWithNul;
  json["server"]["settings"][hostile] = json["server"]["settings"]["wal_level"];
  const std::string why = refusal(json);
  EXPECT_THAT(why, HasSubstr("server.settings.line\\x0abreak \\x1b[31mkkk"));
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  EXPECT_EQ(why.find('\x1b'), std::string::npos) << why;
  EXPECT_EQ(why.find('\0'), std::string::npos) << why;
  EXPECT_LT(why.size(), 200U) << why;
}

// Every other character is a name PostgreSQL can hold.
TEST(FactsJson, NamesHoldingAnyOtherCharacterLoad) {
  const std::string name = "tab\there\nnewline \x1b[0m \x7f \xc2\x85 \xe2\x80\xae";
  const Facts facts = FactsBuilder().table("public", name).build();
  EXPECT_EQ(round_trip(facts).tables.back().name, name);
}

// 2 * INT32_MAX pages of 32 kB: a table and its TOAST table as large as
// relpages can count.
constexpr std::int64_t kLargestTable = 140'737'488'289'792;
// The span of timestamptz, 4714 BC to 294277 AD, in seconds.
constexpr std::int64_t kTimestampSpan = 9'435'184'819'200;

// Each number no server could report (SPEC: check --from exits 2 on an invalid
// snapshot), and the key it is in.
TEST(FactsJson, NumbersNoServerCanReportAreRefused) {
  struct Case {
    std::string pointer;
    nlohmann::json value;
    std::string where;
  };
  const std::vector<Case> cases = {
      {"/connection/port", -1, "connection.port"},
      {"/connection/port", 70000, "connection.port"},
      {"/server/version_num", -1, "server.version_num"},
      {"/role/seconds_until_expiry", kTimestampSpan + 1, "role.seconds_until_expiry"},
      {"/role/seconds_until_expiry", -kTimestampSpan - 1, "role.seconds_until_expiry"},
      {"/tables/0/bytes", -1, "tables[0].bytes"},
      {"/tables/0/bytes", kLargestTable + 1, "tables[0].bytes"},
      {"/tables/0/bytes", INT64_MAX, "tables[0].bytes"},
      {"/activity/transactions/0/pid", -1, "activity.transactions[0].pid"},
      {"/activity/transactions/0/pid", std::int64_t{INT32_MAX} + 1, "activity.transactions[0].pid"},
      {"/activity/transactions/0/age_seconds", kTimestampSpan + 1,
       "activity.transactions[0].age_seconds"},
      {"/activity/transactions/0/age_seconds", INT64_MIN, "activity.transactions[0].age_seconds"},
      {"/activity/prepared/0/age_seconds", -kTimestampSpan - 1, "activity.prepared[0].age_seconds"},
      {"/activity/wal_senders", INT32_MIN, "activity.wal_senders"},
      {"/activity/wal_senders", 262144, "activity.wal_senders"},
      {"/replication_connect/timeline", -1, "replication_connect.timeline"},
      {"/slot_probe/blockers/0/pid", -1, "slot_probe.blockers[0].pid"},
      {"/slot_probe/changes_peeked", -1, "slot_probe.changes_peeked"},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.pointer + " = " + bad.value.dump());
    EXPECT_THAT(refusal(populated_with(bad.pointer, bad.value)),
                HasSubstr("\"" + bad.where + "\" is " + bad.value.dump() + ", out of range"));
  }
}

// nlohmann reads true as 1 where a number is expected.
TEST(FactsJson, ABooleanWhereANumberIsExpectedIsRefused) {
  EXPECT_THAT(refusal(populated_with("/connection/port", true)),
              HasSubstr("\"connection.port\" is not an integer"));
  EXPECT_THAT(refusal(populated_with("/activity/wal_senders", false)),
              HasSubstr("\"activity.wal_senders\" is not an integer"));
}

// What real servers do report, at the edges of those ranges, loads as it was.
TEST(FactsJson, NumbersAtTheEdgesOfWhatServersReportLoad) {
  struct Case {
    std::string pointer;
    nlohmann::json value;
  };
  const std::vector<Case> cases = {
      {"/connection/port", 0},  // libpq named no port
      {"/connection/port", 65535},
      {"/tables/0/bytes", kLargestTable},
      {"/tables/0/bytes", 0},
      {"/activity/wal_senders", 262143},  // max_wal_senders at its maximum
      // A transaction that began after the gathering one did, before the
      // activity query ran.
      {"/activity/transactions/0/age_seconds", -2},
      // A prepared transaction in the way of the slot: pg_blocking_pids() says 0.
      {"/slot_probe/blockers/0/pid", 0},
      // A standby whose replay is behind a slot's restart_lsn.
      {"/activity/slots/0/retained_bytes", -16'777'216},
      {"/activity/slots/0/retained_bytes", INT64_MIN},
      {"/role/seconds_until_expiry", -kTimestampSpan},  // expired in 4714 BC
      {"/replication_connect/timeline", INT32_MAX},
      {"/slot_probe/changes_peeked", INT64_MAX},
  };
  for (const Case& edge : cases) {
    SCOPED_TRACE(edge.pointer + " = " + edge.value.dump());
    const nlohmann::json json = populated_with(edge.pointer, edge.value);
    ASSERT_EQ(refusal(json), "");
    const nlohmann::json written = json.get<Facts>();
    EXPECT_EQ(written.at(nlohmann::json::json_pointer(edge.pointer)), edge.value);
  }
}

TEST(FactsJson, AMissingSectionIsRefused) {
  nlohmann::json json = FactsBuilder().build();
  json.erase("server");
  EXPECT_THROW((void)json.get<Facts>(), std::exception);
}

}  // namespace
}  // namespace cdcpreflight::testing
