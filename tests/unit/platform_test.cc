// Platform detection (the signal table of cdcpreflight/platform.h) and the
// fixes that differ per platform: server.version, server.platform,
// settings.logical_replication, settings.wal_sender_timeout,
// settings.wal_retention and role.replication.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kLogical = "settings.logical_replication";
constexpr const char* kTimeout = "settings.wal_sender_timeout";
constexpr const char* kRetention = "settings.wal_retention";
constexpr const char* kRole = "role.replication";

// The platform's facts with logical replication off (wal_level replica).
FactsBuilder fresh(Platform platform) {
  FactsBuilder builder;
  builder.platform(platform).setting("wal_level", "replica");
  return builder;
}

// --- detection

TEST(PlatformDetection, EveryPlatformIsDetectedFromItsFirstSignal) {
  for (const PlatformInfo& info : platform_infos()) {
    const Facts facts = FactsBuilder().platform(info.platform).build();
    const PlatformDetection detected = detect_platform(facts);
    EXPECT_EQ(detected.platform, info.platform) << info.id;
    if (info.platform == Platform::postgresql) {
      EXPECT_TRUE(detected.signal.empty()) << detected.signal;
    } else {
      EXPECT_FALSE(detected.signal.empty()) << info.id;
    }
  }
}

TEST(PlatformDetection, EverySignalOfTheTableDecidesAlone) {
  for (const PlatformSignal& signal : platform_signals()) {
    FactsBuilder builder;
    builder.platform(Platform::postgresql).host("db.example.com");
    Facts facts = builder.build();
    switch (signal.kind) {
      case SignalKind::function:
        facts.server.aurora_version = "15.4.1";
        break;
      case SignalKind::setting:
        if (signal.name == "rds.extensions") {
          facts.server.rds = true;
        } else {
          facts.server.settings[std::string(signal.name)] = Setting{"off", "", false};
        }
        break;
      case SignalKind::role:
        facts.server.platform_roles.emplace_back(signal.name);
        break;
      case SignalKind::extension:
        facts.server.extensions[std::string(signal.name)] = "2.14.2";
        break;
      case SignalKind::host:
        facts.connection.host = "x1" + std::string(signal.name);
        break;
    }
    const PlatformDetection detected = detect_platform(facts);
    EXPECT_EQ(detected.platform, signal.platform) << signal.name;
    EXPECT_THAT(detected.signal, HasSubstr(std::string(signal.name)));
  }
}

TEST(PlatformDetection, HostSuffixesMatchWholeLabelsInAnyCase) {
  Facts facts = FactsBuilder().platform(Platform::postgresql).build();
  facts.connection.host = "DB.ABCDEFGHIJKLMNOPQRST.SUPABASE.CO.";
  EXPECT_EQ(platform_of(facts), Platform::supabase);
  facts.connection.host = "notsupabase.co";  // not a label boundary
  EXPECT_EQ(platform_of(facts), Platform::postgresql);
  facts.connection.host = ".neon.tech";  // the suffix alone is no host
  EXPECT_EQ(platform_of(facts), Platform::postgresql);
}

// Server-side signals come first: a Cloud SQL server reached through a name
// that happens to end like another platform's is still Cloud SQL, and the
// timescaledb extension on Azure leaves it Azure (the extension is shown).
TEST(PlatformDetection, ServerSignalsWinOverHostsAndTheExtensionComesLast) {
  Facts facts = FactsBuilder().platform(Platform::cloud_sql).build();
  facts.connection.host = "db.abc.supabase.co";
  EXPECT_EQ(platform_of(facts), Platform::cloud_sql);

  Facts azure = FactsBuilder().platform(Platform::azure).build();
  azure.server.extensions["timescaledb"] = "2.14.2";
  EXPECT_EQ(platform_of(azure), Platform::azure);
  const CheckResult result = evaluate("server.platform", azure);
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("Azure Database for PostgreSQL"));
  EXPECT_THAT(details_text(result), HasSubstr("azure.extensions"));
  EXPECT_THAT(details_text(result), HasSubstr("timescaledb extension is installed (2.14.2)"));
}

TEST(PlatformDetection, ServerPlatformNamesThePlatformAndTheSignal) {
  const CheckResult neon =
      evaluate("server.platform", FactsBuilder().platform(Platform::neon).build());
  EXPECT_EQ(neon.status, Status::pass);
  EXPECT_EQ(neon.summary, "Neon (PostgreSQL 15.4)");
  EXPECT_THAT(details_text(neon), HasSubstr("the setting neon.timeline_id is defined"));

  const CheckResult plain =
      evaluate("server.platform", FactsBuilder().platform(Platform::postgresql).build());
  EXPECT_EQ(plain.summary, "PostgreSQL 15.4");
  EXPECT_THAT(details_text(plain), HasSubstr("no platform signal"));
}

TEST(PlatformDetection, IdsRoundTripAndEveryPlatformHasItsOwnGuide) {
  std::set<std::string> guides;
  for (const PlatformInfo& info : platform_infos()) {
    EXPECT_EQ(platform_from_id(info.id), info.platform);
    EXPECT_STREQ(to_string(info.platform), info.id);
    EXPECT_THAT(info.setup_docs,
                HasSubstr("https://clickhouse.com/docs/integrations/clickpipes/postgres/source/"));
    guides.insert(info.setup_docs);
  }
  EXPECT_EQ(guides.size(), platform_infos().size());
  EXPECT_FALSE(platform_from_id("oracle"));
}

// The snapshot keeps what detection reads, so a snapshot is detected alike.
TEST(PlatformDetection, SnapshotsKeepTheSignals) {
  Facts facts = FactsBuilder().platform(Platform::azure).build();
  facts.server.extensions["timescaledb"] = "2.14.2";
  facts.tables.front().parent_schema = "public";
  facts.tables.front().parent_name = "metrics";
  const nlohmann::json json = facts;
  const Facts back = json.get<Facts>();
  EXPECT_EQ(back.server.platform_roles, facts.server.platform_roles);
  EXPECT_EQ(back.server.extensions, facts.server.extensions);
  EXPECT_EQ(back.tables.front().parent_name, "metrics");
  EXPECT_EQ(platform_of(back), Platform::azure);
}

// --- the table, its documentation and the snapshot schema agree

std::string source_file(const std::string& path) {
  std::ifstream file(std::string(CDCP_SOURCE_DIR) + "/" + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// docs/platforms.md's detection table lists the signals in the table's order.
TEST(PlatformDetection, DocsPlatformsListsTheDetectionTableInItsOrder) {
  std::istringstream doc(source_file("docs/platforms.md"));
  ASSERT_FALSE(doc.str().empty()) << "docs/platforms.md is missing";
  std::vector<std::string> documented;
  for (std::string line; std::getline(doc, line);) {
    // | 12 | Neon | the setting `neon.timeline_id` is defined |
    if (line.size() < 4 || line[0] != '|' || line[2] < '0' || line[2] > '9') {
      continue;
    }
    const std::size_t open = line.find('`');
    const std::size_t close = line.find('`', open + 1);
    ASSERT_NE(close, std::string::npos) << line;
    std::string name = line.substr(open + 1, close - open - 1);
    if (name.ends_with("()")) {
      name.resize(name.size() - 2);
    }
    documented.push_back(name);
  }
  std::vector<std::string> table;
  for (const PlatformSignal& signal : platform_signals()) {
    table.emplace_back(signal.name);
  }
  EXPECT_EQ(documented, table);
}

// Every setting, role and extension the server query reads is one a snapshot may hold.
TEST(PlatformDetection, TheSnapshotSchemaAdmitsEverySignalTheQueryReads) {
  const nlohmann::json schema =
      nlohmann::json::parse(source_file("docs/schema/snapshot.schema.json"));
  const nlohmann::json& server = schema.at("properties").at("server").at("properties");
  const auto admits = [](const nlohmann::json& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const std::string_view name : platform_signal_names(SignalKind::setting)) {
    EXPECT_TRUE(admits(server.at("settings").at("propertyNames").at("enum"), name)) << name;
  }
  for (const std::string_view name : platform_signal_names(SignalKind::role)) {
    EXPECT_TRUE(admits(server.at("platform_roles").at("items").at("enum"), name)) << name;
  }
  for (const std::string_view name : platform_signal_names(SignalKind::extension)) {
    EXPECT_TRUE(admits(server.at("extensions").at("propertyNames").at("enum"), name)) << name;
  }
}

// --- server.version

TEST(PlatformVersion, AlloyDbBelow14FailsAndFrom14Passes) {
  const CheckResult old = evaluate(
      "server.version", FactsBuilder().platform(Platform::alloydb).version(130010).build());
  EXPECT_EQ(old.status, Status::fail);
  EXPECT_THAT(old.summary, HasSubstr("older than 14"));
  EXPECT_THAT(remediation_text(old.remediation), HasSubstr("gcloud alloydb clusters upgrade"));
  const CheckResult current = evaluate(
      "server.version", FactsBuilder().platform(Platform::alloydb).version(140010).build());
  EXPECT_EQ(current.status, Status::pass);
  // 13 elsewhere is fine.
  EXPECT_EQ(evaluate("server.version",
                     FactsBuilder().platform(Platform::cloud_sql).version(130010).build())
                .status,
            Status::pass);
}

TEST(PlatformVersion, TheUpgradeFixIsThePlatforms) {
  const auto fix_of = [](Platform platform) {
    return remediation_text(
        evaluate("server.version", FactsBuilder().platform(platform).version(110010).build())
            .remediation);
  };
  EXPECT_THAT(fix_of(Platform::cloud_sql),
              HasSubstr("gcloud sql instances patch <instance> --database-version"));
  EXPECT_THAT(fix_of(Platform::azure), HasSubstr("az postgres flexible-server upgrade"));
  EXPECT_THAT(fix_of(Platform::neon), HasSubstr("Neon database"));
  EXPECT_THAT(fix_of(Platform::neon), Not(HasSubstr("aws ")));
  EXPECT_THAT(fix_of(Platform::supabase), HasSubstr("/source/supabase"));
}

// --- settings.logical_replication

TEST(PlatformLogicalReplication, CloudSqlSetsTheFlagWithGcloudNotAlterSystem) {
  const CheckResult result = evaluate(kLogical, fresh(Platform::cloud_sql).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("cloudsql.logical_decoding is off"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("gcloud sql instances patch <instance> "
                             "--database-flags=cloudsql.logical_decoding=on,<flags-already-set>"));
  EXPECT_THAT(fix, HasSubstr("replaces every flag"));
  EXPECT_TRUE(result.remediation.sql.empty());
  EXPECT_EQ(result.remediation.docs,
            "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/google-cloudsql");
}

TEST(PlatformLogicalReplication, AFlagSetButNotInEffectIsARestartPending) {
  const CheckResult cloud_sql = evaluate(
      kLogical, fresh(Platform::cloud_sql).setting("cloudsql.logical_decoding", "on").build());
  EXPECT_EQ(cloud_sql.status, Status::fail);
  EXPECT_THAT(cloud_sql.summary, HasSubstr("restart pending"));
  EXPECT_THAT(remediation_text(cloud_sql.remediation), HasSubstr("gcloud sql instances restart"));

  const CheckResult alloydb = evaluate(
      kLogical, fresh(Platform::alloydb).setting("alloydb.logical_decoding", "on").build());
  EXPECT_EQ(alloydb.status, Status::fail);
  EXPECT_THAT(details_text(alloydb), HasSubstr("15 minutes"));
}

TEST(PlatformLogicalReplication, AlloyDbSetsBothFlagsOfItsGuide) {
  const CheckResult result = evaluate(kLogical, fresh(Platform::alloydb).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(
      remediation_text(result.remediation),
      HasSubstr("--database-flags=alloydb.logical_decoding=on,alloydb.enable_pglogical=on"));
}

TEST(PlatformLogicalReplication, AzureSetsTheServerParameterAndRestarts) {
  Facts facts = fresh(Platform::azure).build();
  facts.connection.host = "mydb.postgres.database.azure.com";
  const CheckResult result = evaluate(kLogical, facts);
  EXPECT_EQ(result.status, Status::fail);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix,
              HasSubstr("az postgres flexible-server parameter set --resource-group "
                        "<resource-group> --server-name mydb --name wal_level --value logical"));
  EXPECT_THAT(fix, HasSubstr("az postgres flexible-server restart --resource-group "
                             "<resource-group> --name mydb"));
  EXPECT_THAT(fix, Not(HasSubstr("ALTER SYSTEM")));
}

TEST(PlatformLogicalReplication, ConsolesWhereThereIsNoCli) {
  const std::string neon =
      remediation_text(evaluate(kLogical, fresh(Platform::neon).build()).remediation);
  EXPECT_THAT(neon, HasSubstr("Settings > Logical Replication > Enable"));
  EXPECT_THAT(neon, HasSubstr("cannot be turned off"));
  const std::string supabase =
      remediation_text(evaluate(kLogical, fresh(Platform::supabase).build()).remediation);
  EXPECT_THAT(supabase, HasSubstr("ask Supabase support"));
  const std::string planetscale =
      remediation_text(evaluate(kLogical, fresh(Platform::planetscale).build()).remediation);
  EXPECT_THAT(planetscale, HasSubstr("Cluster configuration > Parameters"));
  for (const std::string& fix : {neon, supabase, planetscale}) {
    EXPECT_THAT(fix, Not(HasSubstr("ALTER SYSTEM")));
    EXPECT_THAT(fix, Not(HasSubstr("aws ")));
  }
}

TEST(PlatformLogicalReplication, CrunchyBridgeAndSelfHostedTimescaleTakeAlterSystem) {
  for (const Platform platform : {Platform::crunchy_bridge, Platform::timescale}) {
    Facts facts = fresh(platform).build();
    if (platform == Platform::timescale) {  // a self-hosted TimescaleDB
      facts.server.platform_roles.clear();
      facts.server.extensions["timescaledb"] = "2.14.2";
    }
    ASSERT_EQ(platform_of(facts), platform);
    const CheckResult result = evaluate(kLogical, facts);
    EXPECT_EQ(result.status, Status::fail);
    EXPECT_THAT(result.remediation.sql,
                ::testing::Contains("ALTER SYSTEM SET \"wal_level\" = 'logical';"));
    EXPECT_EQ(result.remediation.docs, platform_info(platform).setup_docs);
  }
}

TEST(PlatformLogicalReplication, TimescaleCloudCannotTurnItOn) {
  Facts facts = fresh(Platform::timescale).build();
  facts.connection.host = "abc.def.tsdb.cloud.timescale.com";
  const CheckResult result = evaluate(kLogical, facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Timescale Cloud cannot turn logical replication on"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Initial Load Only"));
  EXPECT_TRUE(result.remediation.sql.empty());
}

TEST(PlatformLogicalReplication, EveryPlatformPassesWithWalLevelLogical) {
  for (const PlatformInfo& info : platform_infos()) {
    const CheckResult result = evaluate(kLogical, FactsBuilder().platform(info.platform).build());
    EXPECT_EQ(result.status, Status::pass) << info.id << ": " << result.summary;
  }
}

// A host name is pasted into az commands only when it is an Azure server name.
TEST(PlatformLogicalReplication, AHostileAzureHostNameIsNotPastedIntoACommand) {
  Facts facts = fresh(Platform::azure).build();
  facts.connection.host = "x;touch /tmp/p`id`.postgres.database.azure.com";
  const std::string fix = remediation_text(evaluate(kLogical, facts).remediation);
  EXPECT_THAT(fix, HasSubstr("--server-name <server>"));
  EXPECT_THAT(fix, Not(HasSubstr("touch")));
}

// --- settings.wal_sender_timeout

TEST(PlatformWalSenderTimeout, AzureAndNeonSetItForTheRole) {
  for (const Platform platform : {Platform::azure, Platform::neon, Platform::planetscale}) {
    const CheckResult result = evaluate(
        kTimeout,
        FactsBuilder().platform(platform).setting("wal_sender_timeout", "60000", "ms").build());
    EXPECT_EQ(result.status, Status::fail) << to_string(platform);
    EXPECT_THAT(
        result.remediation.sql,
        ::testing::ElementsAre("ALTER ROLE \"clickpipes_user\" SET wal_sender_timeout = 0;"));
  }
  const CheckResult tolerated =
      evaluate(kTimeout, FactsBuilder()
                             .platform(Platform::azure)
                             .setting("wal_sender_timeout", "300000", "ms")
                             .build());
  EXPECT_EQ(tolerated.status, Status::warn);
  EXPECT_THAT(tolerated.summary, HasSubstr("Azure setup guide"));
}

TEST(PlatformWalSenderTimeout, CloudSqlSetsAFlagAndSupabaseUsesItsCli) {
  const auto fix_of = [](Platform platform) {
    return remediation_text(
        evaluate(
            kTimeout,
            FactsBuilder().platform(platform).setting("wal_sender_timeout", "60000", "ms").build())
            .remediation);
  };
  EXPECT_THAT(fix_of(Platform::cloud_sql), HasSubstr("--database-flags=wal_sender_timeout=0"));
  EXPECT_THAT(fix_of(Platform::supabase),
              HasSubstr("postgres-config update --config wal_sender_timeout=0"));
}

// --- settings.wal_retention

TEST(PlatformWalRetention, AzureSaysTheParameterIsReadOnly) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder()
                               .platform(Platform::azure)
                               .setting("max_slot_wal_keep_size", "1024", "MB")
                               .build());
  EXPECT_EQ(result.status, Status::warn);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("read-only"));
  EXPECT_THAT(fix, Not(HasSubstr("az postgres")));
  EXPECT_TRUE(result.remediation.sql.empty());
}

// --- role.replication

TEST(PlatformRole, EveryPlatformButAwsAsksForTheReplicationAttribute) {
  for (const PlatformInfo& info : platform_infos()) {
    Facts facts = FactsBuilder().platform(info.platform).build();
    facts.role.replication = false;
    facts.role.member_of_rds_replication = false;
    const CheckResult result = evaluate(kRole, facts);
    EXPECT_EQ(result.status, Status::fail) << info.id;
    const std::string sql = remediation_text(result.remediation);
    if (is_aws_platform(info.platform)) {
      EXPECT_THAT(sql, HasSubstr("GRANT rds_replication TO \"clickpipes_user\";")) << info.id;
    } else {
      EXPECT_THAT(sql, HasSubstr("ALTER ROLE \"clickpipes_user\" WITH REPLICATION;")) << info.id;
      EXPECT_THAT(sql, Not(HasSubstr("rds_replication"))) << info.id;
    }
    EXPECT_EQ(result.remediation.docs, info.setup_docs) << info.id;
  }
}

TEST(PlatformRole, TheFixSaysWhoMayGrantIt) {
  const auto fix_of = [](Platform platform) {
    Facts facts = FactsBuilder().platform(platform).build();
    facts.role.replication = false;
    return remediation_text(evaluate(kRole, facts).remediation);
  };
  EXPECT_THAT(fix_of(Platform::cloud_sql), HasSubstr("cloudsqlsuperuser"));
  EXPECT_THAT(fix_of(Platform::azure), HasSubstr("azure_pg_admin"));
  EXPECT_THAT(fix_of(Platform::neon), HasSubstr("Neon console"));
  EXPECT_THAT(fix_of(Platform::supabase), HasSubstr("direct connection"));
}

// --- tables.rls

TEST(PlatformRls, SupabaseGivesTheRoleBypassRlsAsItsGuideDoes) {
  const auto rls_of = [](Platform platform) {
    return evaluate("tables.rls",
                    FactsBuilder()
                        .platform(platform)
                        .table("public", "secrets", [](TableFacts& t) { t.row_security = true; })
                        .build());
  };
  const CheckResult supabase = rls_of(Platform::supabase);
  EXPECT_EQ(supabase.status, Status::warn);
  EXPECT_THAT(supabase.remediation.sql,
              ::testing::ElementsAre("ALTER ROLE \"clickpipes_user\" BYPASSRLS;"));
  EXPECT_EQ(supabase.remediation.docs, platform_info(Platform::supabase).setup_docs);
  const CheckResult plain = rls_of(Platform::postgresql);
  EXPECT_EQ(plain.status, Status::warn);
  EXPECT_THAT(remediation_text(plain.remediation), HasSubstr("CREATE POLICY"));
}

}  // namespace
}  // namespace cdcpreflight::testing
