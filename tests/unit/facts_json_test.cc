// Facts <-> JSON (facts_version 1): a snapshot written by `collect` reads back
// as the same facts, so `check --from` gives the same verdicts.
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
                           [](TableFacts& t) { t.replica_identity = ReplicaIdentity::full; })
                    .schema("we\"ird schema", false)
                    .setting("wal_level", "replica")
                    .pending_restart("wal_level")
                    .in_recovery()
                    .query_error(FactGroup::role, "42501", "permission denied")
                    .query_error(FactGroup::publication, "57014", "canceling statement")
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
  }
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

TEST(FactsJson, AMissingSectionIsRefused) {
  nlohmann::json json = FactsBuilder().build();
  json.erase("server");
  EXPECT_THROW((void)json.get<Facts>(), std::exception);
}

}  // namespace
}  // namespace cdcpreflight::testing
