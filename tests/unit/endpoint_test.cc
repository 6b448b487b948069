// classify_host: the kind of Aurora/RDS endpoint a host name is, and the
// identifier and region it reveals.
#include <gtest/gtest.h>

#include "cdcpreflight/endpoint.h"
#include "unit/printers.h"

namespace cdcpreflight {
namespace {

TEST(ClassifyHost, ClusterWriterWithIdentifierAndRegion) {
  const Endpoint endpoint = classify_host("mydb.cluster-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::cluster_writer);
  EXPECT_EQ(endpoint.identifier, "mydb");
  EXPECT_EQ(endpoint.region, "us-east-1");
}

// Only host-name characters make an Amazon endpoint, so that no identifier or
// region the fixes paste into AWS CLI commands can carry shell syntax.
TEST(ClassifyHost, LabelsWithOtherCharactersAreNoAmazonEndpoint) {
  for (const char* host :
       {"x;touch${IFS}/tmp/pwn;#.cluster-abc.us-east-1.rds.amazonaws.com",
        "db.cluster-abc.us-east-1$(id).rds.amazonaws.com",
        "db.cluster-a_b.us-east-1.rds.amazonaws.com", "db`id`.abc.us-east-1.rds.amazonaws.com",
        "db.global-a b.global.rds.amazonaws.com"}) {
    const Endpoint endpoint = classify_host(host);
    EXPECT_EQ(endpoint.kind, EndpointKind::other) << host;
    EXPECT_EQ(endpoint.identifier, "") << host;
    EXPECT_EQ(endpoint.region, "") << host;
  }
}

TEST(ClassifyHost, ClusterReader) {
  const Endpoint endpoint = classify_host("mydb.cluster-ro-abc123.eu-west-1.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::cluster_reader);
  EXPECT_EQ(endpoint.identifier, "mydb");
  EXPECT_EQ(endpoint.region, "eu-west-1");
}

TEST(ClassifyHost, ClusterCustom) {
  const Endpoint endpoint =
      classify_host("reporting.cluster-custom-abc123.us-west-2.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::cluster_custom);
  EXPECT_EQ(endpoint.identifier, "reporting");
  EXPECT_EQ(endpoint.region, "us-west-2");
}

TEST(ClassifyHost, Instance) {
  const Endpoint endpoint = classify_host("mydb-instance-1.abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::instance);
  EXPECT_EQ(endpoint.identifier, "mydb-instance-1");
  EXPECT_EQ(endpoint.region, "us-east-1");
}

TEST(ClassifyHost, RdsProxy) {
  const Endpoint endpoint = classify_host("myproxy.proxy-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::proxy);
  EXPECT_EQ(endpoint.region, "us-east-1");
}

TEST(ClassifyHost, RdsProxyCustomEndpoint) {
  const Endpoint endpoint = classify_host("x.endpoint.proxy-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::proxy);
  EXPECT_EQ(endpoint.region, "us-east-1");
}

TEST(ClassifyHost, LimitlessShardGroup) {
  const Endpoint endpoint = classify_host("mydb.shardgrp-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::shard_group);
}

TEST(ClassifyHost, GlobalWriter) {
  const Endpoint endpoint = classify_host("myglobal.global-abc123.global.rds.amazonaws.com");
  EXPECT_EQ(endpoint.kind, EndpointKind::global_writer);
  EXPECT_EQ(endpoint.identifier, "myglobal");
  EXPECT_EQ(endpoint.region, "");
}

TEST(ClassifyHost, ChinaRegions) {
  const Endpoint writer = classify_host("mydb.cluster-abc123.rds.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(writer.kind, EndpointKind::cluster_writer);
  EXPECT_EQ(writer.identifier, "mydb");
  EXPECT_EQ(writer.region, "cn-north-1");
  EXPECT_EQ(classify_host("mydb.cluster-ro-abc123.rds.cn-northwest-1.amazonaws.com.cn").kind,
            EndpointKind::cluster_reader);
  EXPECT_EQ(classify_host("mydb-1.abc123.rds.cn-north-1.amazonaws.com.cn").kind,
            EndpointKind::instance);
}

TEST(ClassifyHost, IgnoresCase) {
  const Endpoint endpoint = classify_host("MyDB.Cluster-RO-ABC123.US-EAST-1.RDS.AMAZONAWS.COM");
  EXPECT_EQ(endpoint.kind, EndpointKind::cluster_reader);
  EXPECT_EQ(endpoint.region, "us-east-1");
}

TEST(ClassifyHost, IgnoresATrailingDot) {
  const Endpoint endpoint = classify_host("mydb.cluster-abc123.us-east-1.rds.amazonaws.com.");
  EXPECT_EQ(endpoint.kind, EndpointKind::cluster_writer);
  EXPECT_EQ(endpoint.identifier, "mydb");
}

TEST(ClassifyHost, IpLiterals) {
  EXPECT_EQ(classify_host("10.0.12.34").kind, EndpointKind::ip_literal);
  EXPECT_EQ(classify_host("::1").kind, EndpointKind::ip_literal);
  EXPECT_EQ(classify_host("[::1]").kind, EndpointKind::ip_literal);
  EXPECT_EQ(classify_host("2001:db8::5").kind, EndpointKind::ip_literal);
  EXPECT_EQ(classify_host("fe80::1%eth0").kind, EndpointKind::ip_literal);
}

TEST(ClassifyHost, UnixSockets) {
  EXPECT_EQ(classify_host("/var/run/postgresql").kind, EndpointKind::unix_socket);
  EXPECT_EQ(classify_host("@abstract").kind, EndpointKind::unix_socket);
  EXPECT_EQ(classify_host("").kind, EndpointKind::unix_socket);
}

TEST(ClassifyHost, OtherNames) {
  EXPECT_EQ(classify_host("localhost").kind, EndpointKind::other);
  EXPECT_EQ(classify_host("db.example.com").kind, EndpointKind::other);
  EXPECT_EQ(classify_host("999.1.1.1").kind, EndpointKind::other);
}

TEST(ClassifyHost, LookalikesAreOther) {
  const Endpoint suffixed =
      classify_host("mydb.cluster-abc123.us-east-1.rds.amazonaws.com.evil.example");
  EXPECT_EQ(suffixed.kind, EndpointKind::other);
  EXPECT_EQ(suffixed.identifier, "");
  EXPECT_EQ(classify_host("cluster-abc123.us-east-1.rds.amazonaws.com").kind, EndpointKind::other);
  EXPECT_EQ(classify_host("mydb..us-east-1.rds.amazonaws.com").kind, EndpointKind::other);
}

// Found by fuzz/endpoint_fuzzer.cc: an empty region label made an instance endpoint
// without a region.
TEST(ClassifyHost, AnEmptyLabelAnywhereIsOther) {
  EXPECT_EQ(classify_host("mydb.abc123..rds.amazonaws.com").kind, EndpointKind::other);
  EXPECT_EQ(classify_host("mydb.cluster-abc123.rds..amazonaws.com.cn").kind, EndpointKind::other);
  EXPECT_EQ(classify_host(".global-abc123.global.rds.amazonaws.com").kind, EndpointKind::other);
  EXPECT_EQ(classify_host("mydb.abc123.us-east-1.rds.amazonaws.com.").kind, EndpointKind::instance);
}

TEST(EndpointKindNames, AreTheStableJsonNames) {
  EXPECT_STREQ(to_string(EndpointKind::cluster_writer), "cluster-writer");
  EXPECT_STREQ(to_string(EndpointKind::cluster_reader), "cluster-reader");
  EXPECT_STREQ(to_string(EndpointKind::cluster_custom), "cluster-custom");
  EXPECT_STREQ(to_string(EndpointKind::proxy), "proxy");
  EXPECT_STREQ(to_string(EndpointKind::shard_group), "shard-group");
  EXPECT_STREQ(to_string(EndpointKind::instance), "instance");
  EXPECT_STREQ(to_string(EndpointKind::global_writer), "global-writer");
  EXPECT_STREQ(to_string(EndpointKind::ip_literal), "ip-literal");
  EXPECT_STREQ(to_string(EndpointKind::unix_socket), "unix-socket");
  EXPECT_STREQ(to_string(EndpointKind::other), "other");
}

}  // namespace
}  // namespace cdcpreflight
