// --aws: the real AWS CLI (Debian's awscli) against a local endpoint answering
// the RDS and EC2 Query API in the shapes of the AWS API Reference
// (fake_aws/server.py; its README names the documented example of every
// answer), with a real Aurora-shaped PostgreSQL reached through the cluster
// endpoint's name. The AWS calls are read-only (the endpoint logs every
// action), bounded, run while the database is read, and no secret is printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "fake_aws.h"
#include "latency_proxy.h"
#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

// The us-east-1 ClickPipes egress IPs of the list shipped with the tool.
std::vector<std::string> us_east_1_ips() {
  std::ifstream file(std::string(CDCP_SOURCE_DIR) + "/data/clickpipes-static-ips.json");
  const nlohmann::json list = nlohmann::json::parse(file);
  for (const nlohmann::json& region : list.at("aws")) {
    if (region.at("region") == "us-east-1") {
      return region.at("clickpipes_egress_ips").get<std::vector<std::string>>();
    }
  }
  return {};
}

std::vector<std::string> commands_of(const nlohmann::json& check) {
  std::vector<std::string> commands;
  if (check.contains("remediation")) {
    for (const auto& command : check.at("remediation").value("commands", nlohmann::json::array())) {
      commands.push_back(command.get<std::string>());
    }
  }
  return commands;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(part) != std::string::npos; });
}

// One suite's PostgreSQL and one fake AWS endpoint.
class AwsSuite : public ServerSuite {
 protected:
  static void start(const PgServerOptions& options, bool ready) {
    aws_reason_ = FakeAws::unavailable_reason();
    start_server(options, [ready](PgServer& server) {
      create_login_role(server, kClickpipesUser,
                        ready ? ReplicationGrant::granted : ReplicationGrant::missing);
    });
  }
  static void TearDownTestSuite() { stop_server(); }

  void SetUp() override {
    if (!aws_reason_.empty()) {
      if (std::getenv("CI") != nullptr) FAIL() << aws_reason_;
      GTEST_SKIP() << aws_reason_;
    }
    ServerSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    aws_ = std::make_unique<FakeAws>();
  }
  void TearDown() override { aws_.reset(); }

  [[nodiscard]] FakeAws& aws() const { return *aws_; }

  // The tool as `login`, reaching the server through the endpoint name `host`
  // (hostaddr 127.0.0.1, TLS verified against the suite's CA when the name is
  // the certificate's), with --aws on the fake endpoint, --format json.
  [[nodiscard]] ToolReport check_through(const Login& login, const std::string& host,
                                         const std::vector<std::string>& extra = {},
                                         EnvChanges env = {}) const {
    std::vector<std::string> args = {"--dbname", conninfo(login, host), "--format", "json"};
    for (const std::string& arg : aws().args()) args.push_back(arg);
    args.insert(args.end(), extra.begin(), extra.end());
    EnvChanges all = environment(login, host);
    for (auto& [name, value] : env) all[name] = value;
    ToolReport result;
    result.run = run_tool(args, all);
    result.report = parse_report(result.run);
    return result;
  }

  [[nodiscard]] static std::string conninfo(const Login& login, const std::string& host,
                                            int port = 0) {
    return "host=" + host +
           " hostaddr=127.0.0.1 port=" + std::to_string(port > 0 ? port : login.server.port()) +
           " user=" + login.user + " dbname=" + login.dbname;
  }

  [[nodiscard]] EnvChanges environment(const Login& login, const std::string& host) const {
    EnvChanges env = aws().env();
    env["PGPASSWORD"] = login.password;
    const bool covered = host.size() > std::string(kAuroraClusterDomain).size() &&
                         host.ends_with(kAuroraClusterDomain);
    env["PGSSLMODE"] = covered ? "verify-full" : "require";
    env["PGSSLROOTCERT"] = login.server.ca_file();
    return env;
  }

  // Every request was a read-only Describe call.
  void expect_only_describe_calls() const {
    const std::vector<nlohmann::json> requests = aws().requests();
    EXPECT_FALSE(requests.empty());
    for (const nlohmann::json& request : requests) {
      const std::string action = request.value("action", "");
      EXPECT_TRUE(action.starts_with("Describe")) << request.dump();
    }
  }

  [[nodiscard]] std::set<std::string> actions() const {
    std::set<std::string> seen;
    for (const nlohmann::json& request : aws().requests()) seen.insert(request.value("action", ""));
    return seen;
  }

 private:
  static inline std::string aws_reason_;
  std::unique_ptr<FakeAws> aws_;
};

// --- A ready cluster: the database set up by the guide, the control plane too.

class AwsReadyCluster : public AwsSuite {
 protected:
  static void SetUpTestSuite() { start(ready_aurora(), true); }

  [[nodiscard]] static Login ready_login() {
    create_ready_database(server(), test_slug(), kClickpipesUser);
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), test_slug()};
  }
};

TEST_F(AwsReadyCluster, TheThreeAwsChecksPassAndTheClusterIsStrictReady) {
  const Login login = ready_login();
  const ToolReport result = check_through(login, cluster_host("cdc-ready"),
                                          {"--clickpipes-region", "us-east-1", "--strict"});
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {
                                               {"aws.cluster", "pass"},
                                               {"aws.parameter_group", "pass"},
                                               {"aws.network", "pass"},
                                           }));
  EXPECT_NE(
      check_text(check(result.report, "aws.cluster")).find("writer endpoint of cluster cdc-ready"),
      std::string::npos);
  const std::string network = check_text(check(result.report, "aws.network"));
  EXPECT_NE(network.find("all 9 ClickPipes IPs of us-east-1"), std::string::npos) << network;
  EXPECT_NE(network.find("network ACLs and route tables are not read"), std::string::npos);
  EXPECT_NE(network.find("read 2026-"), std::string::npos) << network;
  expect_only_describe_calls();
  EXPECT_EQ(actions(), (std::set<std::string>{
                           "DescribeDBClusters", "DescribeDBInstances", "DescribeGlobalClusters",
                           "DescribeDBClusterParameters", "DescribeSecurityGroups"}));
}

TEST_F(AwsReadyCluster, WithoutAClickPipesRegionTheRegionsWhoseIpsAreAllAdmittedAreNamed) {
  const Login login = ready_login();
  const ToolReport result = check_through(login, cluster_host("cdc-ready"));
  const nlohmann::json& network = check(result.report, "aws.network");
  EXPECT_EQ(network.value("status", ""), "pass") << network.dump(2);
  EXPECT_NE(network.value("summary", "").find("us-east-1"), std::string::npos) << network.dump(2);
  EXPECT_NE(check_text(network).find("--clickpipes-region"), std::string::npos);
}

TEST_F(AwsReadyCluster, APendingRebootAndAPartlyOpenGroupNameTheInstanceAndEachMissingIp) {
  const Login login = ready_login();
  const ToolReport result =
      check_through(login, cluster_host("cdc-pending"), {"--clickpipes-region", "us-east-1"});
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  const nlohmann::json& group = check(result.report, "aws.parameter_group");
  EXPECT_EQ(group.value("status", ""), "fail") << group.dump(2);
  EXPECT_NE(group.value("summary", "").find("cdc-pending-instance-1"), std::string::npos);
  EXPECT_EQ(commands_of(group),
            (std::vector<std::string>{"aws rds reboot-db-instance --region us-east-1 "
                                      "--db-instance-identifier cdc-pending-instance-1"}));
  const nlohmann::json& network = check(result.report, "aws.network");
  EXPECT_EQ(network.value("status", ""), "fail") << network.dump(2);
  // Admitted: the first half by the first group, one more by the second's
  // all-traffic rule; each of the others is one authorize command.
  const std::vector<std::string> ips = us_east_1_ips();
  ASSERT_FALSE(ips.empty());
  const std::vector<std::string> commands = commands_of(network);
  EXPECT_FALSE(commands.empty());
  std::size_t missing = 0;
  for (const std::string& ip : ips) {
    if (any_contains(commands, "--cidr " + ip + "/32")) ++missing;
  }
  EXPECT_EQ(missing, commands.size()) << network.dump(2);
  EXPECT_LT(missing, ips.size());
  for (const std::string& command : commands) {
    EXPECT_TRUE(
        command.starts_with("aws ec2 authorize-security-group-ingress --region us-east-1 "
                            "--group-id sg-"))
        << command;
    EXPECT_NE(command.find("--protocol tcp --port 5432"), std::string::npos) << command;
  }
  EXPECT_EQ(result.report.dump().find("<"), std::string::npos) << "a placeholder is left";
}

TEST_F(AwsReadyCluster, AServerlessV2ClusterThatPausesAtZeroWarns) {
  const Login login = ready_login();
  const ToolReport result = check_through(login, cluster_host("cdc-serverless-zero"),
                                          {"--clickpipes-region", "us-east-1"});
  const nlohmann::json& cluster = check(result.report, "aws.cluster");
  EXPECT_EQ(cluster.value("status", ""), "warn") << cluster.dump(2);
  EXPECT_NE(cluster.value("summary", "").find("0 ACU"), std::string::npos);
  EXPECT_TRUE(any_contains(commands_of(cluster), "MinCapacity=0.5,MaxCapacity=4"))
      << cluster.dump(2);
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);  // a warning is ready
}

TEST_F(AwsReadyCluster, APrivateWriterFailsWithThePrivateLinkGuide) {
  const Login login = ready_login();
  const ToolReport result = check_through(login, cluster_host("cdc-private"));
  const nlohmann::json& network = check(result.report, "aws.network");
  EXPECT_EQ(network.value("status", ""), "fail") << network.dump(2);
  EXPECT_NE(network.value("summary", "").find("not publicly accessible"), std::string::npos);
  EXPECT_NE(network.at("remediation").value("docs", "").find("privatelink"), std::string::npos);
}

TEST_F(AwsReadyCluster, AGlobalDatabaseSecondaryFailsAndItsGlobalWriterEndpointPasses) {
  const Login login = ready_login();
  const ToolReport secondary =
      check_through(login, "cdc-global-secondary.cluster-c9f8e7d6c5b4.us-west-2.rds.amazonaws.com");
  const nlohmann::json& cluster = check(secondary.report, "aws.cluster");
  EXPECT_EQ(cluster.value("status", ""), "fail") << cluster.dump(2);
  EXPECT_NE(cluster.value("summary", "").find("secondary cluster of Global Database cdc-global"),
            std::string::npos);
  EXPECT_NE(check_text(cluster).find("cdc-global-primary"), std::string::npos);

  // The global writer endpoint: the Global Database names its writer cluster.
  // (Its host name names no region: the Global Database is asked for in the
  // one given, its writer cluster in the writer's own.)
  const ToolReport global =
      check_through(login, "cdc-global.global-a1b2c3d4e5f6.global.rds.amazonaws.com",
                    {"--aws-region", "us-west-2"});
  const nlohmann::json& writer = check(global.report, "aws.cluster");
  EXPECT_EQ(writer.value("status", ""), "pass") << writer.dump(2);
  EXPECT_NE(
      writer.value("summary", "").find("global writer endpoint of cluster cdc-global-primary"),
      std::string::npos);
  expect_only_describe_calls();
}

TEST_F(AwsReadyCluster, ASnapshotRecordsTheControlPlaneAndRedactsItsIds) {
  const Login login = ready_login();
  const std::string dir = make_server_dir("cdcp-it-aws-snap");
  const std::string plain = dir + "/plain.json";
  const std::string redacted = dir + "/redacted.json";
  std::vector<std::string> collect = {"collect", "--dbname",
                                      conninfo(login, cluster_host("cdc-pending"))};
  for (const std::string& arg : aws().args()) collect.push_back(arg);
  const EnvChanges env = environment(login, cluster_host("cdc-pending"));
  std::vector<std::string> plain_args = collect;
  plain_args.insert(plain_args.end(), {"-o", plain});
  std::vector<std::string> redacted_args = collect;
  redacted_args.insert(redacted_args.end(), {"--redact", "-o", redacted});
  const ProcessResult first = run_tool(plain_args, env);
  const ProcessResult second = run_tool(redacted_args, env);
  ASSERT_EQ(first.exit_code, 0) << describe_result(first);
  ASSERT_EQ(second.exit_code, 0) << describe_result(second);

  const ToolReport live =
      check_through(login, cluster_host("cdc-pending"), {"--clickpipes-region", "us-east-1"});
  for (const std::string& file : {plain, redacted}) {
    SCOPED_TRACE(file);
    const ProcessResult offline =
        run_tool({"check", "--from", file, "--format", "json", "--clickpipes-region", "us-east-1"});
    const nlohmann::json report = parse_report(offline);
    EXPECT_EQ(offline.exit_code, live.run.exit_code) << describe_result(offline);
    for (const char* id : {"aws.cluster", "aws.parameter_group", "aws.network"}) {
      EXPECT_EQ(status_of(report, id), status_of(live.report, id)) << id;
    }
  }
  std::ifstream in(redacted);
  std::stringstream text;
  text << in.rdbuf();
  for (const char* secret :
       {"123456789012", "cdc-pending", "sg-0", "vpc-0", "203.0.113.", "c1a2b3c4d5e6"}) {
    EXPECT_EQ(text.str().find(secret), std::string::npos)
        << secret << " is in the redacted snapshot";
  }
  EXPECT_NE(text.str().find(us_east_1_ips().front()), std::string::npos)
      << "ClickPipes' public IPs stay";
  std::filesystem::remove_all(dir);
}

TEST_F(AwsReadyCluster, NoSecretKeyOrSessionTokenInAnyFormatOrLogLevel) {
  const Login login = ready_login();
  const std::string host = cluster_host("cdc-ec2-denied");
  for (const char* format : {"text", "json", "junit", "markdown", "sql", "github"}) {
    SCOPED_TRACE(format);
    std::vector<std::string> args = {"--dbname", conninfo(login, host), "--format", format, "-vv"};
    for (const std::string& arg : aws().args()) args.push_back(arg);
    const ProcessResult run = run_tool(args, environment(login, host));
    EXPECT_EQ(run.out.find(kFakeSecretKey), std::string::npos);
    EXPECT_EQ(run.err.find(kFakeSecretKey), std::string::npos);
    EXPECT_EQ(run.out.find(kFakeSessionToken), std::string::npos);
    EXPECT_EQ(run.err.find(kFakeSessionToken), std::string::npos);
    // The report was written (the sql script names only SQL fixes).
    EXPECT_NE(run.out.find(std::string_view(format) == "sql" ? "ON_ERROR_STOP" : "aws.network"),
              std::string::npos)
        << describe_result(run);
  }
  std::vector<std::string> collect = {"collect", "--dbname", conninfo(login, host), "-vv"};
  for (const std::string& arg : aws().args()) collect.push_back(arg);
  const ProcessResult run = run_tool(collect, environment(login, host));
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_EQ((run.out + run.err).find(kFakeSecretKey), std::string::npos);
  EXPECT_EQ((run.out + run.err).find(kFakeSessionToken), std::string::npos);
}

// The database is read while the AWS calls run: through a proxy that delays
// every byte by 700 ms, reading the database takes many seconds, and the
// first AWS call arrives long before the last database connection closes.
// Run one after the other, it would arrive after it (the proxy reports a close
// at most one delay late: the margin is two).
TEST_F(AwsReadyCluster, TheAwsCallsRunWhileTheDatabaseIsRead) {
  const Login login = ready_login();
  constexpr std::chrono::milliseconds kDelay(700);
  // The proxy reports times from its start, which is after this.
  const auto before_proxy = std::chrono::steady_clock::now();
  const LatencyProxy proxy(server().port(), kDelay);
  std::vector<std::string> args = {
      "--dbname",          conninfo(login, cluster_host("cdc-ready"), proxy.port()),
      "--format",          "json",
      "--connect-timeout", "120"};
  for (const std::string& arg : aws().args()) args.push_back(arg);
  const ProcessResult run =
      run_tool(args, environment(login, cluster_host("cdc-ready")), std::chrono::seconds(120));
  const nlohmann::json report = parse_report(run);
  EXPECT_EQ(status_of(report, "aws.cluster"), "pass") << describe_result(run);
  EXPECT_EQ(status_of(report, "connection"), "pass") << describe_result(run);
  const std::vector<nlohmann::json> connections = proxy.finished_connections(1);
  ASSERT_FALSE(connections.empty());
  // The last database connection to close, on the monotonic clock (ms): at
  // least this late, as the proxy started after before_proxy.
  double closed = 0;
  for (const nlohmann::json& connection : connections) {
    closed = std::max(closed, connection.value("closed_ms", 0.0));
  }
  const double proxy_start =
      std::chrono::duration<double, std::milli>(before_proxy.time_since_epoch()).count();
  const std::vector<nlohmann::json> requests = aws().requests();
  ASSERT_FALSE(requests.empty());
  // The endpoint logs CLOCK_MONOTONIC (Python's time.monotonic), as steady_clock reads it.
  const double first_call = requests.front().value("monotonic_ms", 0.0);
  EXPECT_GT(first_call, proxy_start);
  EXPECT_LT(first_call, proxy_start + closed - 2.0 * static_cast<double>(kDelay.count()))
      << "the first AWS call came after the database had been read";
}

// --- A fresh cluster: the default parameter group, a closed security group.

class AwsFreshCluster : public AwsSuite {
 protected:
  static void SetUpTestSuite() { start(fresh_aurora(), false); }

  [[nodiscard]] static Login fresh_login() {
    create_ready_database(server(), test_slug(), kClickpipesUser);
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), test_slug()};
  }
};

TEST_F(AwsFreshCluster, OneCoherentAuroraFixWithRealNames) {
  const Login login = fresh_login();
  const ToolReport result =
      check_through(login, cluster_host("cdc-fresh"), {"--clickpipes-region", "us-east-1"});
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "aws.cluster"), "pass");
  EXPECT_EQ(status_of(result.report, "aws.parameter_group"), "fail");
  EXPECT_EQ(status_of(result.report, "aws.network"), "fail");
  EXPECT_EQ(status_of(result.report, "settings.logical_replication"), "fail");
  EXPECT_EQ(status_of(result.report, "settings.wal_sender_timeout"), "fail");

  // One parameter-group fix for the database's checks and the control plane's.
  const nlohmann::json fix = field(result.report, "/parameter_group");
  ASSERT_TRUE(fix.is_object()) << result.report.dump(2);
  const std::vector<std::string> ids = fix.at("checks").get<std::vector<std::string>>();
  EXPECT_EQ(ids, (std::vector<std::string>{"settings.logical_replication",
                                           "settings.wal_sender_timeout", "aws.parameter_group"}));
  const std::vector<std::string> commands = commands_of(fix);
  ASSERT_EQ(commands.size(), 4U) << fix.dump(2);
  EXPECT_EQ(commands[0],
            "aws rds create-db-cluster-parameter-group --region us-east-1 "
            "--db-cluster-parameter-group-name cdc-aurora-pg15 --db-parameter-group-family "
            "aurora-postgresql15 --description \"Logical replication for CDC\"\n"
            "aws rds modify-db-cluster --region us-east-1 --db-cluster-identifier cdc-fresh "
            "--db-cluster-parameter-group-name cdc-aurora-pg15");
  EXPECT_NE(commands[1].find("modify-db-cluster-parameter-group --region us-east-1 "
                             "--db-cluster-parameter-group-name cdc-aurora-pg15"),
            std::string::npos);
  EXPECT_NE(commands[1].find("ParameterName=rds.logical_replication,ParameterValue=1"),
            std::string::npos);
  EXPECT_NE(commands[1].find("ParameterName=wal_sender_timeout,ParameterValue=0"),
            std::string::npos);
  EXPECT_EQ(commands[2],
            "aws rds reboot-db-instance --region us-east-1 --db-instance-identifier "
            "cdc-fresh-instance-1");
  // The security group: one authorize command per ClickPipes IP of the region.
  const std::vector<std::string> network = commands_of(check(result.report, "aws.network"));
  const std::vector<std::string> ips = us_east_1_ips();
  EXPECT_EQ(network.size(), ips.size());
  for (const std::string& ip : ips)
    EXPECT_TRUE(any_contains(network, "--cidr " + ip + "/32")) << ip;
  // No placeholder anywhere: every name is the cluster's.
  EXPECT_EQ(result.report.dump().find("<"), std::string::npos) << result.report.dump(2);

  // The text report shows the same fix once.
  std::vector<std::string> args = {"--dbname", conninfo(login, cluster_host("cdc-fresh")),
                                   "--clickpipes-region", "us-east-1"};
  for (const std::string& arg : aws().args()) args.push_back(arg);
  const ProcessResult text = run_tool(args, environment(login, cluster_host("cdc-fresh")));
  EXPECT_NE(text.out.find("One parameter-group fix"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("--db-instance-identifier cdc-fresh-instance-1"), std::string::npos);
}

TEST_F(AwsFreshCluster, TheParameterGroupIsCheckedEvenWhenTheDatabaseCannotBeReached) {
  const Login login = fresh_login();
  const int closed = free_loopback_port();
  std::vector<std::string> args = {"--dbname", conninfo(login, cluster_host("cdc-fresh"), closed),
                                   "--format", "json"};
  for (const std::string& arg : aws().args()) args.push_back(arg);
  const ProcessResult run = run_tool(args, environment(login, cluster_host("cdc-fresh")));
  const nlohmann::json report = parse_report(run);
  EXPECT_EQ(run.exit_code, 3) << describe_result(run);
  EXPECT_EQ(status_of(report, "connection"), "fail");
  EXPECT_EQ(status_of(report, "settings.logical_replication"), "skip");
  EXPECT_EQ(status_of(report, "aws.parameter_group"), "fail");
  EXPECT_TRUE(any_contains(commands_of(check(report, "aws.parameter_group")),
                           "--db-instance-identifier cdc-fresh-instance-1"));
}

// --- Faults: each is the check's error in one line; the database checks are untouched.

class AwsFaults : public AwsSuite {
 protected:
  static void SetUpTestSuite() { start(ready_aurora(), true); }

  [[nodiscard]] static Login ready_login() {
    create_ready_database(server(), test_slug(), kClickpipesUser);
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), test_slug()};
  }

  // The three aws.* checks say `error` with `words` in their summary (one
  // line), and every database check is as without --aws.
  void expect_aws_error(const ToolReport& result, const std::string& words,
                        const std::vector<std::string>& ids = {"aws.cluster", "aws.parameter_group",
                                                               "aws.network"}) const {
    for (const std::string& id : ids) {
      SCOPED_TRACE(id);
      const nlohmann::json& item = check(result.report, id);
      EXPECT_EQ(item.value("status", ""), "error") << item.dump(2);
      const std::string summary = item.value("summary", "");
      EXPECT_NE(summary.find(words), std::string::npos) << summary;
      EXPECT_EQ(summary.find('\n'), std::string::npos) << summary;
    }
    std::map<std::string, std::string> expected;
    for (const char* id : {"aws.cluster", "aws.parameter_group", "aws.network"}) {
      expected[id] = status_of(result.report, id);
    }
    EXPECT_EQ(statuses(result.report), all_pass_except(result.report, expected));
  }
};

TEST_F(AwsFaults, AccessDeniedNamesTheIamActionsTheChecksNeed) {
  const ToolReport result = check_through(ready_login(), cluster_host("cdc-denied"));
  expect_aws_error(result, "AccessDenied");
  EXPECT_NE(check_text(check(result.report, "aws.cluster")).find("rds:DescribeDBClusters"),
            std::string::npos);
  EXPECT_NE(check_text(check(result.report, "aws.cluster")).find("ec2:DescribeSecurityGroups"),
            std::string::npos);
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
}

TEST_F(AwsFaults, AnUnauthorizedSecurityGroupCallIsTheNetworkChecksErrorOnly) {
  const ToolReport result = check_through(ready_login(), cluster_host("cdc-ec2-denied"));
  expect_aws_error(result, "UnauthorizedOperation", {"aws.network"});
  EXPECT_EQ(status_of(result.report, "aws.cluster"), "pass");
  EXPECT_EQ(status_of(result.report, "aws.parameter_group"), "pass");
}

TEST_F(AwsFaults, ThrottlingAfterTheCliRetriesIsAnError) {
  expect_aws_error(check_through(ready_login(), cluster_host("cdc-throttled")), "Throttling");
}

TEST_F(AwsFaults, ASlowAnswerIsBoundedByTheAwsTimeout) {
  // The endpoint holds this answer for 120 s; the run ends at --aws-timeout.
  const ToolReport result =
      check_through(ready_login(), cluster_host("cdc-slow"), {"--aws-timeout", "2"});
  expect_aws_error(result, "no answer within 2 s (--aws-timeout)");
}

TEST_F(AwsFaults, AnAnswerThatIsNotXmlIsAnError) {
  expect_aws_error(check_through(ready_login(), cluster_host("cdc-garbage")),
                   "aws rds describe-db-clusters");
}

TEST_F(AwsFaults, NoAwsCliOnPathIsAnErrorWithTheInstallGuide) {
  const ToolReport result =
      check_through(ready_login(), cluster_host("cdc-ready"), {}, {{"PATH", "/nonexistent"}});
  expect_aws_error(result, "not on PATH");
}

TEST_F(AwsFaults, NoCredentialsIsAnError) {
  const ToolReport result = check_through(ready_login(), cluster_host("cdc-ready"), {},
                                          {{"AWS_ACCESS_KEY_ID", std::nullopt},
                                           {"AWS_SECRET_ACCESS_KEY", std::nullopt},
                                           {"AWS_SESSION_TOKEN", std::nullopt}});
  expect_aws_error(result, "Unable to locate credentials");
  EXPECT_NE(check_text(check(result.report, "aws.cluster")).find("aws sso login"),
            std::string::npos);
}

TEST_F(AwsFaults, AnUnknownClusterFailsAndTheOtherAwsChecksSkip) {
  const ToolReport result = check_through(ready_login(), cluster_host("cdc-nosuch"));
  EXPECT_EQ(status_of(result.report, "aws.cluster"), "fail");
  EXPECT_NE(
      check(result.report, "aws.cluster").value("summary", "").find("no DB cluster cdc-nosuch"),
      std::string::npos);
  EXPECT_EQ(status_of(result.report, "aws.parameter_group"), "skip");
  EXPECT_EQ(status_of(result.report, "aws.network"), "skip");
}

TEST_F(AwsFaults, AHostThatNamesNoClusterAsksForAwsCluster) {
  const Login login = ready_login();
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "json"});
  for (const std::string& arg : aws().args()) args.push_back(arg);
  EnvChanges env = login_env(login);
  for (auto& [name, value] : aws().env()) env[name] = value;
  const ProcessResult run = run_tool(args, env);
  const nlohmann::json report = parse_report(run);
  EXPECT_EQ(status_of(report, "aws.cluster"), "error") << describe_result(run);
  EXPECT_NE(check(report, "aws.cluster").value("summary", "").find("--aws-cluster"),
            std::string::npos);
  EXPECT_TRUE(aws().requests().empty()) << "no call without a cluster to ask for";

  // Named with --aws-cluster (and --aws-region), localhost is checked against it.
  args.insert(args.end(), {"--aws-cluster", "cdc-ready", "--aws-region", "us-east-1"});
  const ProcessResult named = run_tool(args, env);
  const nlohmann::json named_report = parse_report(named);
  EXPECT_EQ(status_of(named_report, "aws.parameter_group"), "pass") << describe_result(named);
  EXPECT_EQ(status_of(named_report, "aws.cluster"), "warn") << "localhost is no endpoint of it";
}

TEST_F(AwsFaults, TheAwsFlagsNeedALiveRunAndABadIpListIsAUsageError) {
  const ProcessResult from = run_tool({"check", "--from", "/nonexistent.json", "--aws"});
  EXPECT_EQ(from.exit_code, 2) << describe_result(from);
  const std::string dir = make_server_dir("cdcp-it-aws-ips");
  const std::string bad = dir + "/ips.json";
  std::ofstream(bad) << R"({"aws": [{"region": "us-east-1", "clickpipes_egress_ips": ["::1"]}]})";
  const Login login = ready_login();
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--clickpipes-ips", bad});
  const ProcessResult run = run_tool(args, login_env(login));
  EXPECT_EQ(run.exit_code, 2) << describe_result(run);
  EXPECT_NE(run.err.find("not an IPv4 address"), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cdcpreflight::integration
