// cdcpreflight/settings.h: the settings gather recorded as text, typed once.
#include <gtest/gtest.h>

#include "cdcpreflight/settings.h"

namespace cdcpreflight {
namespace {

ServerFacts with(const std::string& name, Setting setting) {
  ServerFacts server;
  server.settings[name] = std::move(setting);
  return server;
}

TEST(TypedSettings, DurationsAreReadInTheirUnit) {
  using std::chrono::milliseconds;
  EXPECT_EQ(
      settings_of(with("wal_sender_timeout", {"60000", "ms", false})).wal_sender_timeout.value,
      milliseconds(60000));
  EXPECT_EQ(settings_of(with("wal_sender_timeout", {"60", "s", false})).wal_sender_timeout.value,
            milliseconds(60000));
  EXPECT_EQ(settings_of(with("wal_sender_timeout", {"5", "min", false})).wal_sender_timeout.value,
            milliseconds(300000));
}

TEST(TypedSettings, TextThatDoesNotParseIsPresentWithoutAValue) {
  const auto timeout =
      settings_of(with("wal_sender_timeout", {"soon", "ms", false})).wal_sender_timeout;
  EXPECT_TRUE(timeout.present);
  EXPECT_FALSE(timeout.value.has_value());
  EXPECT_EQ(timeout.text, "soon");
  const auto slots =
      settings_of(with("max_replication_slots", {"", "", false})).max_replication_slots;
  EXPECT_TRUE(slots.present);
  EXPECT_FALSE(slots.value.has_value());
}

TEST(TypedSettings, AnAbsentSettingIsNotPresent) {
  const ServerSettings settings = settings_of(ServerFacts{});
  EXPECT_FALSE(settings.wal_level.present);
  EXPECT_FALSE(settings.rds_logical_replication.present);
  EXPECT_FALSE(settings.max_slot_wal_keep_size_mb.value.has_value());
}

TEST(TypedSettings, RdsLogicalReplicationIsOnAsPostgresqlReadsABoolean) {
  for (const char* on : {"on", "1", "true", "yes"}) {
    EXPECT_EQ(
        settings_of(with("rds.logical_replication", {on, "", false})).rds_logical_replication.value,
        true)
        << on;
  }
  EXPECT_EQ(settings_of(with("rds.logical_replication", {"off", "", false}))
                .rds_logical_replication.value,
            false);
}

TEST(TypedSettings, PendingRestartIsKept) {
  EXPECT_TRUE(settings_of(with("wal_level", {"replica", "", true})).wal_level.pending_restart);
}

TEST(Capabilities, PartitionedPublicationsAndSlotWalLimitsFrom13) {
  ServerFacts server;
  server.version_num = 120017;
  EXPECT_FALSE(capabilities_of(server).publishes_partitioned_tables);
  EXPECT_FALSE(capabilities_of(server).limits_slot_wal);
  server.version_num = 130000;
  EXPECT_TRUE(capabilities_of(server).publishes_partitioned_tables);
  EXPECT_TRUE(capabilities_of(server).limits_slot_wal);
}

}  // namespace
}  // namespace cdcpreflight
