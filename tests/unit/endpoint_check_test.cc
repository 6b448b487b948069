// `endpoint.writer`: connected to the primary through an endpoint that follows it.
#include <algorithm>
#include <cctype>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;

CheckResult writer_check(const std::string& host) {
  return evaluate("endpoint.writer", FactsBuilder().host(host).build());
}

TEST(EndpointWriter, PassesOnTheClusterWriterEndpoint) {
  const CheckResult result = writer_check(kWriterHost);
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("cluster writer endpoint"));
}

TEST(EndpointWriter, FailsInRecoveryWhateverTheHost) {
  const CheckResult result = evaluate("endpoint.writer", FactsBuilder().in_recovery().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("in recovery"));
  EXPECT_THAT(result.summary, HasSubstr("Global Database secondary"));
}

TEST(EndpointWriter, FailsOnAReaderEndpointAndSuggestsTheWriterHost) {
  const CheckResult result = writer_check("mydb.cluster-ro-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("reader endpoint"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("mydb.cluster-abc123.us-east-1.rds.amazonaws.com"));
  EXPECT_THAT(fix, HasSubstr("--db-cluster-identifier mydb"));
  EXPECT_THAT(fix, HasSubstr("--region us-east-1"));
}

TEST(EndpointWriter, ReaderEndpointInUpperCaseStillGetsTheWriterHostSuggested) {
  const CheckResult result = writer_check("MYDB.CLUSTER-RO-ABC123.US-EAST-1.RDS.AMAZONAWS.COM");
  EXPECT_EQ(result.status, Status::fail);
  // Host names are case-insensitive: either spelling of the writer host will do.
  std::string fix = remediation_text(result.remediation);
  std::transform(fix.begin(), fix.end(), fix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_THAT(fix, HasSubstr("mydb.cluster-abc123.us-east-1.rds.amazonaws.com"));
}

TEST(EndpointWriter, WarnsOnACustomEndpoint) {
  const CheckResult result =
      writer_check("analytics.cluster-custom-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("custom endpoint"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("--db-cluster-identifier analytics"));
}

TEST(EndpointWriter, FailsOnAnRdsProxy) {
  const CheckResult result = writer_check("myproxy.proxy-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("RDS Proxy"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("cluster (writer) endpoint"));
}

TEST(EndpointWriter, WarnsOnAnInstanceEndpoint) {
  const CheckResult result = writer_check("mydb-instance-1.abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("instance endpoint"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("<cluster-id>"));
}

TEST(EndpointWriter, WarnsOnAnIpLiteral) {
  const CheckResult result = writer_check("10.0.12.34");
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("IP address"));
}

TEST(EndpointWriter, WarnsOnAShardGroupEndpoint) {
  const CheckResult result = writer_check("mydb.shardgrp-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("Limitless"));
}

TEST(EndpointWriter, PassesOnAGlobalWriterEndpoint) {
  const CheckResult result = writer_check("myglobal.global-abc123.global.rds.amazonaws.com");
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("Global Database writer endpoint"));
}

TEST(EndpointWriter, PassesOnLocalhostAndOtherNames) {
  for (const char* host : {"localhost", "db.example.com"}) {
    SCOPED_TRACE(host);
    const CheckResult result = writer_check(host);
    EXPECT_EQ(result.status, Status::pass);
    EXPECT_THAT(result.summary, HasSubstr("connected to the primary"));
  }
}

TEST(EndpointWriter, PassesOnAUnixSocket) {
  const CheckResult result = writer_check("/var/run/postgresql");
  EXPECT_EQ(result.status, Status::pass);
}

}  // namespace
}  // namespace cdcpreflight::testing
