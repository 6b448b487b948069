// AWS control-plane facts (--aws) for unit tests: the Aurora cluster behind
// FactsBuilder's host, ready for ClickPipes, and one method per thing a test
// changes. Tests state only what differs.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aws/parse.h"
#include "cdcpreflight/aws.h"
#include "cdcpreflight/facts.h"
#include "unit/facts_builder.h"

namespace cdcpreflight::testing {

inline constexpr const char* kClusterId = "mydb";
inline constexpr const char* kClusterArn = "arn:aws:rds:us-east-1:123456789012:cluster:mydb";
inline constexpr const char* kReaderHost = "mydb.cluster-ro-abc123.us-east-1.rds.amazonaws.com";
inline constexpr const char* kWriterInstance = "mydb-instance-1";
inline constexpr const char* kReaderInstance = "mydb-instance-2";
inline constexpr const char* kWriterInstanceHost =
    "mydb-instance-1.abc123.us-east-1.rds.amazonaws.com";
inline constexpr const char* kReaderInstanceHost =
    "mydb-instance-2.abc123.us-east-1.rds.amazonaws.com";
inline constexpr const char* kParameterGroup = "cdc-aurora-pg15";
inline constexpr const char* kSecurityGroup = "sg-0123456789abcdef0";
inline constexpr const char* kVpc = "vpc-0a1b2c3d4e5f67890";

// The ClickPipes egress IPs of `region` in the list shipped with the tool.
inline std::vector<std::string> clickpipes_ips_of(const std::string& region) {
  for (const ClickPipesRegion& entry : builtin_clickpipes_ips().regions) {
    if (entry.region == region) {
      return entry.egress_ips;
    }
  }
  throw std::logic_error("no ClickPipes region " + region + " in the built-in list");
}

// Each address as a /32 range.
inline std::vector<std::string> as_cidrs(const std::vector<std::string>& ips) {
  std::vector<std::string> cidrs;
  for (const std::string& ip : ips) {
    cidrs.push_back(ip + "/32");
  }
  return cidrs;
}

// An inbound rule: `protocol` from `from_port` to `to_port` from the IPv4 `ranges`.
inline AwsIngressRule ingress_rule(std::string protocol, int from_port, int to_port,
                                   std::vector<std::string> ranges) {
  AwsIngressRule rule;
  rule.protocol = std::move(protocol);
  rule.from_port = from_port;
  rule.to_port = to_port;
  rule.ipv4_ranges = std::move(ranges);
  return rule;
}

inline AwsError aws_error(AwsFailure failure, std::string call, std::string message) {
  return AwsError{failure, std::move(call), std::move(message)};
}

class AwsFactsBuilder {
 public:
  // Cluster mydb (found from the host name, in us-east-1): aurora-postgresql
  // 15.4, provisioned, available, port 5432, parameter group cdc-aurora-pg15
  // (rds.logical_replication 1, wal_sender_timeout 0) in-sync on its writer
  // mydb-instance-1 and its reader mydb-instance-2; both instances publicly
  // accessible in security group sg-0123456789abcdef0, which admits TCP 5432
  // from every us-east-1 ClickPipes IP (as /32); not part of a Global
  // Database; the ClickPipes IP list shipped with the tool.
  AwsFactsBuilder() {
    aws_.attempted = true;
    aws_.region = "us-east-1";
    aws_.cluster_id = kClusterId;
    aws_.cluster_from = "host name";

    AwsCluster cluster;
    cluster.identifier = kClusterId;
    cluster.arn = kClusterArn;
    cluster.engine = "aurora-postgresql";
    cluster.engine_version = "15.4";
    cluster.engine_mode = "provisioned";
    cluster.status = "available";
    cluster.endpoint = kWriterHost;
    cluster.reader_endpoint = kReaderHost;
    cluster.port = 5432;
    cluster.parameter_group = kParameterGroup;
    cluster.members = {{kWriterInstance, true, "in-sync"}, {kReaderInstance, false, "in-sync"}};
    aws_.cluster = std::move(cluster);

    aws_.instances = {instance(kWriterInstance, kWriterInstanceHost),
                      instance(kReaderInstance, kReaderInstanceHost)};

    aws_.parameters = {{"rds.logical_replication", "1", "user", "static"},
                       {"wal_sender_timeout", "0", "user", "dynamic"}};

    AwsSecurityGroup group;
    group.id = kSecurityGroup;
    group.name = "clickpipes-postgres";
    group.vpc_id = kVpc;
    group.ingress = {ingress_rule("tcp", 5432, 5432, as_cidrs(clickpipes_ips_of("us-east-1")))};
    aws_.security_groups = {std::move(group)};

    aws_.clickpipes_ips = builtin_clickpipes_ips();
  }

  // --- how the cluster was found
  AwsFactsBuilder& region(std::string name) {
    aws_.region = std::move(name);
    return *this;
  }
  // "--aws-cluster", "host name", "instance", "global database".
  AwsFactsBuilder& found_from(std::string how) {
    aws_.cluster_from = std::move(how);
    return *this;
  }
  AwsFactsBuilder& setup_error(AwsFailure failure, std::string message) {
    aws_.setup_error = aws_error(failure, "", std::move(message));
    return *this;
  }
  // describe-db-clusters failed: no cluster, nor anything read after it.
  AwsFactsBuilder& cluster_error(AwsFailure failure, std::string message) {
    aws_.cluster_error = aws_error(failure, "rds describe-db-clusters", std::move(message));
    aws_.cluster.reset();
    aws_.instances.clear();
    aws_.parameters.clear();
    aws_.security_groups.clear();
    return *this;
  }

  // --- the cluster
  AwsFactsBuilder& cluster(const std::function<void(AwsCluster&)>& change) {
    change(*aws_.cluster);
    return *this;
  }
  AwsFactsBuilder& engine(std::string name) {
    aws_.cluster->engine = std::move(name);
    return *this;
  }
  AwsFactsBuilder& engine_version(std::string version) {
    aws_.cluster->engine_version = std::move(version);
    return *this;
  }
  AwsFactsBuilder& engine_mode(std::string mode) {
    aws_.cluster->engine_mode = std::move(mode);
    return *this;
  }
  AwsFactsBuilder& status(std::string status) {
    aws_.cluster->status = std::move(status);
    return *this;
  }
  AwsFactsBuilder& custom_endpoint(std::string host) {
    aws_.cluster->custom_endpoints.push_back(std::move(host));
    return *this;
  }
  // Aurora Serverless v2 (engine mode provisioned, with a capacity range).
  AwsFactsBuilder& serverless_v2(double min_capacity, std::optional<double> max_capacity) {
    aws_.cluster->serverless_min_capacity = min_capacity;
    aws_.cluster->serverless_max_capacity = max_capacity;
    return *this;
  }
  // The DB cluster parameter group attached.
  AwsFactsBuilder& parameter_group(std::string name) {
    aws_.cluster->parameter_group = std::move(name);
    return *this;
  }
  // The member's DBClusterParameterGroupStatus (in-sync, pending-reboot, applying).
  AwsFactsBuilder& member_status(const std::string& instance, std::string status) {
    member(instance).parameter_group_status = std::move(status);
    return *this;
  }
  // No member has IsClusterWriter (a Global Database secondary, a cluster
  // whose writer is being replaced).
  AwsFactsBuilder& no_writer() {
    for (AwsClusterMember& each : aws_.cluster->members) {
      each.writer = false;
    }
    return *this;
  }
  // The members in this order (the API's order is not the writer's first).
  AwsFactsBuilder& members_order(const std::vector<std::string>& instances) {
    std::vector<AwsClusterMember> ordered;
    for (const std::string& instance : instances) {
      ordered.push_back(member(instance));
    }
    aws_.cluster->members = std::move(ordered);
    return *this;
  }

  // --- Global Database
  // Part of Global Database `identifier`, whose writer (primary) cluster is
  // `writer_arn`; this cluster and the writer are its members.
  AwsFactsBuilder& global_database(std::string identifier, std::string writer_arn) {
    AwsGlobalCluster global;
    global.identifier = std::move(identifier);
    global.writer_arn = writer_arn;
    global.member_arns = {std::move(writer_arn)};
    if (global.member_arns.front() != aws_.cluster->arn) {
      global.member_arns.push_back(aws_.cluster->arn);
    }
    aws_.global_cluster = std::move(global);
    return *this;
  }
  AwsFactsBuilder& global_error(AwsFailure failure, std::string message) {
    aws_.global_error = aws_error(failure, "rds describe-global-clusters", std::move(message));
    return *this;
  }

  // --- instances
  AwsFactsBuilder& instance_facts(const std::string& identifier,
                                  const std::function<void(AwsInstance&)>& change) {
    const auto found =
        std::find_if(aws_.instances.begin(), aws_.instances.end(),
                     [&](const AwsInstance& i) { return i.identifier == identifier; });
    if (found == aws_.instances.end()) {
      throw std::logic_error("instance_facts: no instance " + identifier);
    }
    change(*found);
    return *this;
  }
  AwsFactsBuilder& writer_not_public() {
    return instance_facts(kWriterInstance,
                          [](AwsInstance& instance) { instance.publicly_accessible = false; });
  }
  AwsFactsBuilder& instances_error(AwsFailure failure, std::string message) {
    aws_.instances_error = aws_error(failure, "rds describe-db-instances", std::move(message));
    aws_.instances.clear();
    aws_.security_groups.clear();
    return *this;
  }

  // --- parameters of the group
  // The group's value of `name`; nullopt: the group leaves it unset.
  AwsFactsBuilder& parameter(const std::string& name, std::optional<std::string> value) {
    const auto found = std::find_if(aws_.parameters.begin(), aws_.parameters.end(),
                                    [&](const AwsParameter& p) { return p.name == name; });
    if (found == aws_.parameters.end()) {
      aws_.parameters.push_back({name, std::move(value), "user", "dynamic"});
    } else {
      found->value = std::move(value);
    }
    return *this;
  }
  // The parameter is not in describe-db-cluster-parameters' answer at all.
  AwsFactsBuilder& no_parameter(const std::string& name) {
    std::erase_if(aws_.parameters, [&](const AwsParameter& p) { return p.name == name; });
    return *this;
  }
  // default.aurora-postgresql15, with the engine's defaults.
  AwsFactsBuilder& default_parameter_group() {
    parameter_group("default.aurora-postgresql15");
    for (AwsParameter& each : aws_.parameters) {
      each.source = "engine-default";
    }
    parameter("rds.logical_replication", "0");
    return parameter("wal_sender_timeout", "60000");
  }
  AwsFactsBuilder& parameters_error(AwsFailure failure, std::string message) {
    aws_.parameters_error =
        aws_error(failure, "rds describe-db-cluster-parameters", std::move(message));
    aws_.parameters.clear();
    return *this;
  }

  // --- security groups (those of the writer)
  // The inbound rules of sg-0123456789abcdef0, replacing its own.
  AwsFactsBuilder& ingress(std::vector<AwsIngressRule> rules) {
    aws_.security_groups.front().ingress = std::move(rules);
    return *this;
  }
  AwsFactsBuilder& add_ingress(AwsIngressRule rule) {
    aws_.security_groups.front().ingress.push_back(std::move(rule));
    return *this;
  }
  // The rule on 5432 admits the us-east-1 ClickPipes IPs but `missing`.
  AwsFactsBuilder& admit_us_east_1_but(const std::vector<std::string>& missing) {
    std::vector<std::string> ips = clickpipes_ips_of("us-east-1");
    std::erase_if(ips, [&](const std::string& ip) {
      return std::find(missing.begin(), missing.end(), ip) != missing.end();
    });
    return ingress({ingress_rule("tcp", 5432, 5432, as_cidrs(ips))});
  }
  AwsFactsBuilder& security_groups(std::vector<AwsSecurityGroup> groups) {
    aws_.security_groups = std::move(groups);
    return *this;
  }
  AwsFactsBuilder& security_groups_error(AwsFailure failure, std::string message) {
    aws_.security_groups_error =
        aws_error(failure, "ec2 describe-security-groups", std::move(message));
    aws_.security_groups.clear();
    return *this;
  }

  // --- the ClickPipes IP list
  AwsFactsBuilder& clickpipes_ips(ClickPipesIps ips) {
    aws_.clickpipes_ips = std::move(ips);
    return *this;
  }

  [[nodiscard]] AwsFacts build() const { return aws_; }

  // `facts` (FactsBuilder's ready Aurora by default) with these AWS facts.
  [[nodiscard]] Facts on(Facts facts) const {
    facts.aws = aws_;
    return facts;
  }
  [[nodiscard]] Facts on(const FactsBuilder& builder) const { return on(builder.build()); }
  [[nodiscard]] Facts facts() const { return on(FactsBuilder().build()); }

 private:
  static AwsInstance instance(std::string identifier, std::string address) {
    AwsInstance made;
    made.identifier = std::move(identifier);
    made.status = "available";
    made.instance_class = "db.r6g.large";
    made.address = std::move(address);
    made.port = 5432;
    made.publicly_accessible = true;
    made.vpc_id = kVpc;
    made.security_groups = {kSecurityGroup};
    return made;
  }

  AwsClusterMember& member(const std::string& instance) {
    auto& members = aws_.cluster->members;
    const auto found = std::find_if(members.begin(), members.end(), [&](const AwsClusterMember& m) {
      return m.instance == instance;
    });
    if (found == members.end()) {
      throw std::logic_error("no cluster member " + instance);
    }
    return *found;
  }

  AwsFacts aws_;
};

// The ready Aurora of FactsBuilder, with the ready AWS facts of its cluster.
inline Facts aws_ready() { return AwsFactsBuilder().facts(); }

// A scope request with --clickpipes-region.
inline ScopeRequest with_clickpipes_region(std::string region) {
  ScopeRequest options = default_options();
  options.clickpipes_region = std::move(region);
  return options;
}

}  // namespace cdcpreflight::testing
