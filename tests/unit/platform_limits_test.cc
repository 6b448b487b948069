// Platform limits as verdicts: the poolers that cannot carry logical
// replication (endpoint.writer), an IP literal and a standby off Aurora, the
// platforms that remove inactive slots (slots.inactive, slots.clickpipes),
// TimescaleDB hypertables whose chunks must be published (publication.tables,
// publication.exists), and platform host names that keep their verdicts
// through --redact.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cdcpreflight/platform.h"
#include "facts/redact.h"
#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kChunkSchema = "_timescaledb_internal";

// A server that shows nothing of a platform (no setting, role or extension of
// one), reached as `host` on `port`: only the host name can tell the platform.
FactsBuilder reached_as(const std::string& host, int port) {
  FactsBuilder builder;
  builder.platform(Platform::postgresql).host(host).port(port);
  return builder;
}

CheckResult writer_check(const std::string& host, int port) {
  return evaluate("endpoint.writer", reached_as(host, port).build());
}

std::string docs_of(Platform platform) { return platform_info(platform).setup_docs; }

// --- endpoint.writer: poolers

TEST(PlatformLimitsPooler, SupabasePoolerHostFailsOnEitherPort) {
  for (const int port : {5432, 6543}) {
    SCOPED_TRACE(port);
    const CheckResult result = writer_check("aws-0-us-east-1.pooler.supabase.com", port);
    EXPECT_EQ(result.status, Status::fail);
    EXPECT_THAT(result.summary, HasSubstr("Supabase connection pooler (Supavisor)"));
    EXPECT_THAT(result.summary, HasSubstr("cannot carry logical replication"));
    EXPECT_THAT(remediation_text(result.remediation),
                HasSubstr("db.<project-ref>.supabase.co port 5432"));
    EXPECT_EQ(result.remediation.docs, docs_of(Platform::supabase));
  }
}

TEST(PlatformLimitsPooler, SupabaseTransactionPortOnTheDirectHostFails) {
  const CheckResult result = writer_check("db.abcdefghijklmnopqrst.supabase.co", 6543);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("port 6543"));
  EXPECT_THAT(result.summary, HasSubstr("Supabase transaction pooler"));
  EXPECT_THAT(remediation_text(result.remediation),
              HasSubstr("direct endpoint instead: db.abcdefghijklmnopqrst.supabase.co port 5432."));
  EXPECT_EQ(result.remediation.docs, docs_of(Platform::supabase));
}

TEST(PlatformLimitsPooler, SupabaseDirectHostOnPort5432Passes) {
  const CheckResult result = writer_check("db.abcdefghijklmnopqrst.supabase.co", 5432);
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("connected to the primary"));
}

TEST(PlatformLimitsPooler, PortOf6543OnAServerDetectedAsSupabaseFails) {
  const Facts facts = FactsBuilder().platform(Platform::supabase).port(6543).build();
  ASSERT_EQ(platform_of(facts), Platform::supabase);
  const CheckResult result = evaluate("endpoint.writer", facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Supabase transaction pooler"));
}

TEST(PlatformLimitsPooler, NeonPoolerHostFailsWithTheHostWithoutPooler) {
  const CheckResult result =
      writer_check("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech", 5432);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Neon pooled connection"));
  EXPECT_THAT(result.summary, HasSubstr("cannot carry logical replication"));
  EXPECT_THAT(result.remediation.steps,
              ElementsAre("Connect ClickPipes to the direct endpoint instead: "
                          "ep-cool-darkness-123456.us-east-2.aws.neon.tech."));
  EXPECT_EQ(result.remediation.docs, docs_of(Platform::neon));
}

TEST(PlatformLimitsPooler, NeonPoolerHostWithACellSegmentFails) {
  const CheckResult result =
      writer_check("ep-autumn-glitter-aqi3gmt4-pooler.c-8.us-east-1.aws.neon.tech", 5432);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.steps,
              ElementsAre("Connect ClickPipes to the direct endpoint instead: "
                          "ep-autumn-glitter-aqi3gmt4.c-8.us-east-1.aws.neon.tech."));
}

TEST(PlatformLimitsPooler, NeonPoolerHostInUpperCaseWithATrailingDotFails) {
  const CheckResult result =
      writer_check("EP-COOL-DARKNESS-123456-POOLER.US-EAST-2.AWS.NEON.TECH.", 5432);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(remediation_text(result.remediation),
              HasSubstr("ep-cool-darkness-123456.us-east-2.aws.neon.tech"));
}

TEST(PlatformLimitsPooler, NeonDirectHostsPass) {
  for (const char* host : {"ep-cool-darkness-123456.us-east-2.aws.neon.tech",
                           "ep-autumn-glitter-aqi3gmt4.c-8.us-east-1.aws.neon.tech"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(writer_check(host, 5432).status, Status::pass);
  }
}

TEST(PlatformLimitsPooler, PlanetScalePsBouncerPortFailsAndTheDirectPortPasses) {
  const std::string host = "xxxxxxxxxx-useast1-1.horizon.psdb.cloud";
  const CheckResult pooled = writer_check(host, 6432);
  EXPECT_EQ(pooled.status, Status::fail);
  EXPECT_THAT(pooled.summary, HasSubstr("PlanetScale's PSBouncer"));
  EXPECT_THAT(remediation_text(pooled.remediation), HasSubstr(host + " port 5432"));
  EXPECT_EQ(pooled.remediation.docs, docs_of(Platform::planetscale));

  EXPECT_EQ(writer_check(host, 5432).status, Status::pass);
}

TEST(PlatformLimitsPooler, AzurePgBouncerPortFails) {
  const std::string host = "myserver.postgres.database.azure.com";
  const CheckResult result = writer_check(host, 6432);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Azure's built-in PgBouncer"));
  EXPECT_THAT(result.summary, HasSubstr("cannot carry logical replication"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr(host + " port 5432"));
  EXPECT_EQ(result.remediation.docs, docs_of(Platform::azure));

  EXPECT_EQ(writer_check(host, 5432).status, Status::pass);
}

TEST(PlatformLimitsPooler, PgBouncerPortOfAServerDetectedAsAzureFails) {
  // Reached through a private DNS name: the server's settings tell Azure.
  const Facts facts =
      FactsBuilder().platform(Platform::azure).host("pg.internal.example").port(6432).build();
  ASSERT_EQ(platform_of(facts), Platform::azure);
  const CheckResult result = evaluate("endpoint.writer", facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Azure's built-in PgBouncer"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("pg.internal.example port 5432"));
}

TEST(PlatformLimitsPooler, CrunchyBridgePgBouncerPortFails) {
  const std::string host = "p.abc123xyz.db.postgresbridge.com";
  const CheckResult result = writer_check(host, 5431);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Crunchy Bridge's PgBouncer"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr(host + " port 5432"));
  EXPECT_EQ(result.remediation.docs, docs_of(Platform::crunchy_bridge));

  EXPECT_EQ(writer_check(host, 5432).status, Status::pass);
}

TEST(PlatformLimitsPooler, PgBouncerPortOnASelfManagedHostDoesNotFail) {
  // PgBouncer 1.23+ passes replication connections through: replication.connect
  // proves whether this one does, not the port number.
  for (const int port : {6432, 6543, 5431}) {
    SCOPED_TRACE(port);
    const CheckResult result = writer_check("pgbouncer.example.com", port);
    EXPECT_EQ(result.status, Status::pass);
    EXPECT_THAT(result.summary, HasSubstr("connected to the primary"));
  }
}

TEST(PlatformLimitsPooler, ThePoolerOfEachPlatformIsRecognisedOnItsOwnPortOnly) {
  EXPECT_FALSE(platform_pooler("myserver.postgres.database.azure.com", 5431, Platform::azure));
  EXPECT_FALSE(platform_pooler("p.abc.db.postgresbridge.com", 6432, Platform::crunchy_bridge));
  EXPECT_FALSE(platform_pooler("x.horizon.psdb.cloud", 6543, Platform::planetscale));
  EXPECT_FALSE(platform_pooler("db.example.com", 6432, Platform::postgresql));
  // A label that is only the mark, or a mark elsewhere than the endpoint's label.
  EXPECT_FALSE(platform_pooler("-pooler.us-east-2.aws.neon.tech", 5432, Platform::neon));
  EXPECT_FALSE(platform_pooler("ep-x.pooler-us.aws.neon.tech", 5432, Platform::neon));
  const std::optional<Pooler> pooler =
      platform_pooler("myserver.postgres.database.azure.com", 6432, Platform::postgresql);
  ASSERT_TRUE(pooler);
  EXPECT_EQ(pooler->platform, Platform::azure);
  EXPECT_EQ(pooler->direct, "myserver.postgres.database.azure.com port 5432");
}

// --- endpoint.writer: IP literals and standbys off Aurora

TEST(PlatformLimitsEndpoint, AnIpLiteralOnAuroraWarnsWithTheClusterEndpointFix) {
  const CheckResult result = evaluate("endpoint.writer", FactsBuilder().host("10.0.12.34").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("IP address"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("aws rds describe-db-clusters"));
}

TEST(PlatformLimitsEndpoint, AnIpLiteralOnRdsWarns) {
  const CheckResult result = evaluate(
      "endpoint.writer", FactsBuilder().platform(Platform::rds).host("10.0.12.34").build());
  EXPECT_EQ(result.status, Status::warn);
}

TEST(PlatformLimitsEndpoint, AnIpLiteralOnCloudSqlAlloyDbOrSelfManagedPasses) {
  for (const Platform platform : {Platform::cloud_sql, Platform::alloydb, Platform::postgresql}) {
    SCOPED_TRACE(to_string(platform));
    const Facts facts = FactsBuilder().platform(platform).host("10.20.30.40").build();
    ASSERT_EQ(platform_of(facts), platform);
    const CheckResult result = evaluate("endpoint.writer", facts);
    EXPECT_EQ(result.status, Status::pass);
    EXPECT_THAT(result.summary, HasSubstr("connected to the primary (10.20.30.40)"));
    EXPECT_THAT(details_text(result), HasSubstr("the host is an IP address"));
  }
}

TEST(PlatformLimitsEndpoint, InRecoveryOnAuroraKeepsTheClusterEndpointFix) {
  const CheckResult result = evaluate("endpoint.writer", FactsBuilder().in_recovery().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Aurora Global Database secondary"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("aws rds"));
}

TEST(PlatformLimitsEndpoint, InRecoveryOffAwsSaysConnectToThePrimaryWithoutAnAwsCommand) {
  const Facts facts =
      FactsBuilder().platform(Platform::cloud_sql).host("10.20.30.40").in_recovery().build();
  const CheckResult result = evaluate("endpoint.writer", facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("in recovery: a standby or read replica"));
  EXPECT_THAT(result.summary, Not(HasSubstr("Aurora")));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Connect to the primary server"));
  EXPECT_THAT(result.remediation.commands, IsEmpty());
  EXPECT_THAT(remediation_text(result.remediation), Not(HasSubstr("aws ")));
  EXPECT_EQ(result.remediation.docs, docs_of(Platform::cloud_sql));
}

TEST(PlatformLimitsEndpoint, InRecoveryOnNeonSupabaseAndPlanetScaleNamesTheirPrimary) {
  const std::vector<std::pair<Platform, std::string>> cases = {
      {Platform::neon, "direct endpoint of the branch's primary (read-write) compute"},
      {Platform::supabase, "db.<project-ref>.supabase.co port 5432"},
      {Platform::planetscale, "does not end in |replica"},
  };
  for (const auto& [platform, words] : cases) {
    SCOPED_TRACE(to_string(platform));
    const Facts facts = FactsBuilder().platform(platform).in_recovery().build();
    ASSERT_EQ(platform_of(facts), platform);
    const CheckResult result = evaluate("endpoint.writer", facts);
    EXPECT_EQ(result.status, Status::fail);
    EXPECT_THAT(remediation_text(result.remediation), HasSubstr(words));
    EXPECT_THAT(result.remediation.commands, IsEmpty());
    EXPECT_EQ(result.remediation.docs, docs_of(platform));
  }
}

// --- slots.inactive and slots.clickpipes: platforms that remove inactive slots

const auto kInactive = [](ReplicationSlotFacts& slot) { slot.active = false; };

Facts with_clickpipes_slot(Platform platform, bool active) {
  return FactsBuilder()
      .platform(platform)
      .slot("peerflow_slot_orders", [&](ReplicationSlotFacts& slot) { slot.active = active; })
      .publication([](PublicationFacts& publication) {
        publication.clickpipes_publications.emplace_back("peerflow_pub_orders");
      })
      .build();
}

TEST(PlatformLimitsSlots, AnInactiveSlotOnNeonSaysNeonRemovesItAfterAbout40Hours) {
  const CheckResult result = evaluate(
      "slots.inactive", FactsBuilder().platform(Platform::neon).slot("etl", kInactive).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 replication slot is inactive"));
  EXPECT_THAT(details_text(result), HasSubstr("Neon removes inactive replication slots after "
                                              "about 40 hours"));
  EXPECT_THAT(details_text(result), HasSubstr("must resync"));
}

TEST(PlatformLimitsSlots, NoNeonCaveatWithoutAnInactiveSlot) {
  const CheckResult result =
      evaluate("slots.inactive", FactsBuilder().platform(Platform::neon).slot("etl").build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(details_text(result), Not(HasSubstr("40 hours")));
}

TEST(PlatformLimitsSlots, NoNeonCaveatForASlotAlreadyInvalidated) {
  const CheckResult result = evaluate("slots.inactive", FactsBuilder()
                                                            .platform(Platform::neon)
                                                            .slot("etl",
                                                                  [](ReplicationSlotFacts& slot) {
                                                                    slot.active = false;
                                                                    slot.wal_status = "lost";
                                                                  })
                                                            .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(details_text(result), Not(HasSubstr("40 hours")));
}

TEST(PlatformLimitsSlots, NoNeonCaveatOffNeon) {
  const CheckResult result =
      evaluate("slots.inactive", FactsBuilder().slot("etl", kInactive).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(details_text(result), Not(HasSubstr("Neon")));
}

TEST(PlatformLimitsSlots, AnInactiveClickPipesSlotOnNeonSaysThePipeMustResyncAfter40Hours) {
  const CheckResult result =
      evaluate("slots.clickpipes", with_clickpipes_slot(Platform::neon, false));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("inactive"));
  EXPECT_THAT(details_text(result), HasSubstr("Neon removes inactive replication slots after "
                                              "about 40 hours"));
}

TEST(PlatformLimitsSlots, AnActiveClickPipesSlotOnNeonHasNoCaveat) {
  const CheckResult result =
      evaluate("slots.clickpipes", with_clickpipes_slot(Platform::neon, true));
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(details_text(result), Not(HasSubstr("40 hours")));
}

TEST(PlatformLimitsSlots, AnInactiveClickPipesSlotOnAzureSaysAzureMayDropIt) {
  const CheckResult result =
      evaluate("slots.clickpipes", with_clickpipes_slot(Platform::azure, false));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(details_text(result),
              HasSubstr("Azure drops an unused logical replication slot when the server's "
                        "storage passes a threshold"));
}

TEST(PlatformLimitsSlots, AnActiveClickPipesSlotOnAzureHasNoCaveat) {
  const CheckResult result =
      evaluate("slots.clickpipes", with_clickpipes_slot(Platform::azure, true));
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(details_text(result), Not(HasSubstr("Azure")));
}

TEST(PlatformLimitsSlots, AnInactiveClickPipesSlotOnAuroraHasNoPlatformCaveat) {
  const CheckResult result =
      evaluate("slots.clickpipes", with_clickpipes_slot(Platform::aurora, false));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(details_text(result), Not(HasSubstr("Neon")));
  EXPECT_THAT(details_text(result), Not(HasSubstr("Azure")));
}

// --- publication.tables and publication.exists: TimescaleDB chunks

// PostgreSQL `version_num` with TimescaleDB installed: the hypertable
// public.metrics (published) with two chunks in _timescaledb_internal,
// published when `chunks_published`, and public.orders; the publication lists
// tables.
FactsBuilder timescale_builder(int version_num, bool chunks_published) {
  FactsBuilder builder;
  builder.platform(Platform::postgresql)
      .host("db.example.com")
      .version(version_num)
      .no_tables()
      .table("public", "orders")
      .table("public", "metrics")
      .publication_lists_tables();
  for (const char* chunk : {"_hyper_1_1_chunk", "_hyper_1_2_chunk"}) {
    builder.table(kChunkSchema, chunk, [&](TableFacts& table) {
      table.parent_schema = "public";
      table.parent_name = "metrics";
      table.has_primary_key = false;
      table.published = chunks_published;
    });
  }
  return builder;
}

Facts with_timescaledb(Facts facts) {
  facts.server.extensions["timescaledb"] = "2.14.2";
  return facts;
}

Facts timescale_facts(int version_num, bool chunks_published) {
  return with_timescaledb(timescale_builder(version_num, chunks_published).build());
}

TEST(PlatformLimitsTimescale, PublishedChunksPass) {
  const CheckResult result = evaluate("publication.tables", timescale_facts(150004, true));
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("publishes all 2 scoped tables and the 2 chunks of 1 "
                                        "hypertable"));
}

TEST(PlatformLimitsTimescale, UnpublishedChunksFailNamingTheHypertable) {
  const CheckResult result = evaluate("publication.tables", timescale_facts(150004, false));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "clickpipes_publication does not publish 2 chunks of hypertable public.metrics");
  // The chunks are judged with their hypertable, not as missing tables of their own.
  EXPECT_THAT(result.details,
              ElementsAre("public.metrics (hypertable): 2 of its 2 chunks in "
                          "_timescaledb_internal are not published: changes to its rows would "
                          "not reach ClickPipes"));
  EXPECT_EQ(result.remediation.docs, docs_of(Platform::timescale));
}

TEST(PlatformLimitsTimescale, FromPostgreSql15TheFixPublishesTheChunkSchema) {
  const CheckResult result = evaluate("publication.tables", timescale_facts(150004, false));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLES IN SCHEMA "
                          "\"_timescaledb_internal\";"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("needs a superuser"));
}

TEST(PlatformLimitsTimescale, BeforePostgreSql15TheFixAddsEachChunkAndSaysNewOnesNeedAddingToo) {
  const CheckResult result = evaluate("publication.tables", timescale_facts(140011, false));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE "
                          "\"_timescaledb_internal\".\"_hyper_1_1_chunk\", "
                          "\"_timescaledb_internal\".\"_hyper_1_2_chunk\";"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, Not(HasSubstr("IN SCHEMA \"")));
  EXPECT_THAT(fix, HasSubstr("creates new chunks as data arrives"));
  EXPECT_THAT(fix, HasSubstr("needs PostgreSQL 15"));
}

TEST(PlatformLimitsTimescale, ThePublishedChunkSchemaCoversTheChunks) {
  const Facts facts = with_timescaledb(
      timescale_builder(150004, false)
          .publication([](PublicationFacts& publication) { publication.schemas = {kChunkSchema}; })
          .build());
  EXPECT_EQ(evaluate("publication.tables", facts).status, Status::pass);
}

TEST(PlatformLimitsTimescale, ForAllTablesCoversTheChunks) {
  const Facts facts = with_timescaledb(
      timescale_builder(150004, false)
          .publication([](PublicationFacts& publication) { publication.all_tables = true; })
          .build());
  EXPECT_EQ(evaluate("publication.tables", facts).status, Status::pass);
}

TEST(PlatformLimitsTimescale, ChunksOutsideANarrowedScopeAreStillRequired) {
  const CheckResult result =
      evaluate("publication.tables", timescale_facts(150004, false), with_schemas({"public"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("2 chunks of hypertable public.metrics"));
}

TEST(PlatformLimitsTimescale, WithoutTheExtensionInheritanceChildrenAreOrdinaryTables) {
  const Facts facts = timescale_builder(150004, false).build();
  EXPECT_EQ(evaluate("publication.tables", facts, with_schemas({"public"})).status, Status::pass);
  const CheckResult result = evaluate("publication.tables", facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("does not publish 2 tables of 4 scoped tables"));
}

TEST(PlatformLimitsTimescale, AMissingTableAndMissingChunksAreBothNamed) {
  const Facts facts = with_timescaledb(
      timescale_builder(150004, false)
          .change_table("public", "orders", [](TableFacts& table) { table.published = false; })
          .build());
  const CheckResult result = evaluate("publication.tables", facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "clickpipes_publication does not publish 1 table of 2 scoped tables, nor 2 chunks "
            "of hypertable public.metrics");
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE "
                          "\"public\".\"orders\";",
                          "ALTER PUBLICATION \"clickpipes_publication\" ADD TABLES IN SCHEMA "
                          "\"_timescaledb_internal\";"));
}

TEST(PlatformLimitsTimescale, ANewPublicationForANarrowedScopeHoldsTheChunks) {
  const Facts v15 = with_timescaledb(timescale_builder(150004, false).no_publication().build());
  const CheckResult from15 = evaluate("publication.exists", v15, with_schemas({"public"}));
  EXPECT_EQ(from15.status, Status::fail);
  EXPECT_THAT(from15.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR TABLE "
                          "\"public\".\"orders\", \"public\".\"metrics\", TABLES IN SCHEMA "
                          "\"_timescaledb_internal\";"));
  EXPECT_EQ(from15.remediation.docs, docs_of(Platform::timescale));

  const Facts v14 = with_timescaledb(timescale_builder(140011, false).no_publication().build());
  const CheckResult before15 = evaluate("publication.exists", v14, with_schemas({"public"}));
  EXPECT_THAT(before15.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR TABLE "
                          "\"public\".\"orders\", \"public\".\"metrics\", "
                          "\"_timescaledb_internal\".\"_hyper_1_1_chunk\", "
                          "\"_timescaledb_internal\".\"_hyper_1_2_chunk\";"));
  EXPECT_THAT(remediation_text(before15.remediation), HasSubstr("needs PostgreSQL 15"));
}

// --- --redact keeps what the platform verdicts read in a host name

struct PlatformHost {
  std::string host;
  int port;
  std::string redacted;                  // the placeholder of the snapshot's first host
  std::vector<std::string> identifying;  // labels that must not survive
};

std::vector<PlatformHost> platform_hosts() {
  return {
      {"db.abcdefghijklmnopqrst.supabase.co",
       5432,
       "db.redacted-1.supabase.co",
       {"abcdefghijklmnopqrst"}},
      {"db.abcdefghijklmnopqrst.supabase.co",
       6543,
       "db.redacted-1.supabase.co",
       {"abcdefghijklmnopqrst"}},
      {"aws-0-eu-west-2.pooler.supabase.com",
       6543,
       "aws-0-redacted-1.pooler.supabase.com",
       {"eu-west-2"}},
      {"aws-1-eu-west-2.pooler.supabase.com",
       5432,
       "aws-0-redacted-1.pooler.supabase.com",
       {"eu-west-2"}},
      {"ep-cool-darkness-qz7k9w.us-east-2.aws.neon.tech",
       5432,
       "ep-redacted-1.us-east-2.aws.neon.tech",
       {"cool-darkness", "qz7k9w"}},
      {"ep-cool-darkness-qz7k9w-pooler.us-east-2.aws.neon.tech",
       5432,
       "ep-redacted-1-pooler.us-east-2.aws.neon.tech",
       {"cool-darkness", "qz7k9w"}},
      {"EP-Autumn-Glitter-aqi3gmt4-pooler.c-8.us-east-1.aws.neon.tech.",
       5432,
       "ep-redacted-1-pooler.c-8.us-east-1.aws.neon.tech",
       {"glitter", "aqi3gmt4"}},
      {"zebraserver.postgres.database.azure.com",
       6432,
       "redacted-1.postgres.database.azure.com",
       {"zebraserver"}},
      {"zebraserver.postgres.database.azure.com",
       5432,
       "redacted-1.postgres.database.azure.com",
       {"zebraserver"}},
      {"p.qx7k2mzebra.db.postgresbridge.com",
       5431,
       "p.redacted-1.db.postgresbridge.com",
       {"qx7k2mzebra"}},
      {"zebra7k2m-useast1-1.horizon.psdb.cloud",
       6432,
       "redacted-1.horizon.psdb.cloud",
       {"zebra7k2m", "useast1"}},
      {"zebrasvc.quinceproj.tsdb.cloud.timescale.com",
       30477,
       "redacted-1.tsdb.cloud.timescale.com",
       {"zebrasvc", "quinceproj"}},
  };
}

std::string dump(const Facts& facts) { return nlohmann::json(facts).dump(); }

TEST(PlatformLimitsRedact, APlatformHostKeepsItsSuffixAndPoolerMark) {
  for (const PlatformHost& entry : platform_hosts()) {
    SCOPED_TRACE(entry.host);
    const Facts facts = reached_as(entry.host, entry.port).build();
    const Facts redacted = redact(facts);
    EXPECT_EQ(redacted.connection.host, entry.redacted);
    EXPECT_EQ(redacted.connection.port, entry.port);
    const std::string after = dump(redacted);
    for (const std::string& label : entry.identifying) {
      EXPECT_THAT(after, Not(HasSubstr(label)));
    }
  }
}

TEST(PlatformLimitsRedact, APlatformHostKeepsItsDetectionAndPoolerVerdict) {
  for (const PlatformHost& entry : platform_hosts()) {
    SCOPED_TRACE(entry.host);
    const Facts facts = reached_as(entry.host, entry.port).build();
    const Facts redacted = redact(facts);
    const PlatformDetection before = detect_platform(facts);
    const PlatformDetection after = detect_platform(redacted);
    EXPECT_NE(before.platform, Platform::postgresql);
    EXPECT_EQ(after.platform, before.platform);
    EXPECT_EQ(after.signal, before.signal);
    const std::optional<Pooler> pooler_before =
        platform_pooler(facts.connection.host, facts.connection.port, before.platform);
    const std::optional<Pooler> pooler_after =
        platform_pooler(redacted.connection.host, redacted.connection.port, after.platform);
    ASSERT_EQ(pooler_after.has_value(), pooler_before.has_value());
    if (pooler_before) {
      EXPECT_EQ(pooler_after->platform, pooler_before->platform);
    }
    const CheckResult writer_before = evaluate("endpoint.writer", facts);
    const CheckResult writer_after = evaluate("endpoint.writer", redacted);
    EXPECT_EQ(writer_after.status, writer_before.status);
  }
}

TEST(PlatformLimitsRedact, DifferentHostsOfOnePlatformGetDifferentPlaceholders) {
  Facts facts = reached_as("ep-one-111111-pooler.us-east-2.aws.neon.tech", 5432).build();
  facts.connection.failure_message =
      "connection to server at \"ep-two-222222.us-east-2.aws.neon.tech\" (192.0.2.7), port "
      "5432 failed";
  const Facts redacted = redact(facts);
  EXPECT_EQ(redacted.connection.host, "ep-redacted-1-pooler.us-east-2.aws.neon.tech");
  EXPECT_THAT(redacted.connection.failure_message,
              HasSubstr("\"ep-redacted-2.us-east-2.aws.neon.tech\""));
}

TEST(PlatformLimitsRedact, HypertableChunksKeepTheirVerdict) {
  for (const bool published : {true, false}) {
    SCOPED_TRACE(published);
    const Facts facts = timescale_facts(150004, published);
    const Facts redacted = redact(facts);
    const CheckResult before = evaluate("publication.tables", facts);
    const CheckResult after = evaluate("publication.tables", redacted);
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.details.size(), before.details.size());
    const std::string dumped = dump(redacted);
    EXPECT_THAT(dumped, Not(HasSubstr("metrics")));
    EXPECT_THAT(dumped, Not(HasSubstr("_hyper_1_1_chunk")));
  }
}

}  // namespace
}  // namespace cdcpreflight::testing
