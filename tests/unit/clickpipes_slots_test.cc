// `slots.clickpipes`: the slots and publications ClickPipes created, for support.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr const char* kPipes = "slots.clickpipes";

FactsBuilder with_pipe_publication(FactsBuilder builder) {
  builder.publication(
      [](PublicationFacts& p) { p.clickpipes_publications = {"peerflow_pub_orders"}; });
  return builder;
}

TEST(ClickPipesSlots, SkipsWhenThereIsNone) {
  const CheckResult result = evaluate(kPipes, FactsBuilder().slot("other_consumer").build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("no ClickPipes slot"));
}

TEST(ClickPipesSlots, AnActivePgoutputSlotHereWithItsPublicationPasses) {
  const CheckResult result =
      evaluate(kPipes, with_pipe_publication(FactsBuilder().slot("peerflow_slot_orders")).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("1 ClickPipes slot is healthy"));
}

TEST(ClickPipesSlots, AnInvalidatedSlotFailsThePipeMustResync) {
  const CheckResult result =
      evaluate(kPipes, with_pipe_publication(FactsBuilder().slot("peerflow_slot_orders",
                                                                 [](ReplicationSlotFacts& s) {
                                                                   s.wal_status = "lost";
                                                                   s.active = false;
                                                                 }))
                           .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("invalidated"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Resync"));
}

TEST(ClickPipesSlots, ASlotInAnotherDatabaseFails) {
  const CheckResult result = evaluate(
      kPipes,
      FactsBuilder()
          .slot("peerflow_slot_orders", [](ReplicationSlotFacts& s) { s.database = "sales"; })
          .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("in database sales, not app"));
}

TEST(ClickPipesSlots, AnInactiveSlotWarnsWithWhatItRetainsAndHowToDropIt) {
  const CheckResult result = evaluate(
      kPipes,
      with_pipe_publication(FactsBuilder().slot("peerflow_slot_orders",
                                                [](ReplicationSlotFacts& s) { s.active = false; }))
          .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("inactive, retains 16.0 MB of WAL"));
  EXPECT_THAT(remediation_text(result.remediation),
              HasSubstr("SELECT pg_drop_replication_slot('peerflow_slot_orders');"));
}

TEST(ClickPipesSlots, ASlotNearInvalidationWarns) {
  const CheckResult result =
      evaluate(kPipes, with_pipe_publication(FactsBuilder()
                                                 .setting("max_slot_wal_keep_size", "1024", "MB")
                                                 .slot("peerflow_slot_orders",
                                                       [](ReplicationSlotFacts& s) {
                                                         s.safe_wal_bytes = 100LL * 1024 * 1024;
                                                       }))
                           .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("near invalidation, 100.0 MB of WAL left"));
}

TEST(ClickPipesSlots, AMissingPublicationWarns) {
  const CheckResult result = evaluate(kPipes, FactsBuilder().slot("peerflow_slot_orders").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("its publication peerflow_pub_orders is missing"));
}

TEST(ClickPipesSlots, ANonPgoutputSlotWarns) {
  const CheckResult result = evaluate(
      kPipes, with_pipe_publication(
                  FactsBuilder().slot("peerflow_slot_orders",
                                      [](ReplicationSlotFacts& s) { s.plugin = "wal2json"; }))
                  .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details, Contains(HasSubstr("plugin wal2json, not pgoutput")));
}

}  // namespace
}  // namespace cdcpreflight::testing
