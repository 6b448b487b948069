// The round-trip budget: after connecting, a full non-deep check costs a fixed
// number of query round trips (1, and 2 on Aurora, where aurora_version() is
// read after the first), the same for 10 tables as for 2,000; the replication
// connection costs its own fixed count and is opened together with the main
// connection, not after it. Counted, not timed: cdcp-latency-proxy in front of
// the server delays each direction, so that every time the client speaks
// after the server did is one round trip (a client flight), and the handshakes
// are measured by a connection of the test's own that runs nothing.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cdcpreflight/sql_quote.h"
#include "latency_proxy.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

using std::chrono::milliseconds;

// Each way: a round trip then takes 40 ms, far longer than the client needs to
// write all of one round trip, so flights are counted without ambiguity.
constexpr milliseconds kDelay{20};
constexpr std::string_view kRole = "clickpipes_user";
// verify-full: the harness's server certificate names 127.0.0.1, and the proxy
// listens on IPv4 loopback only.
constexpr const char* kHost = "127.0.0.1";
constexpr int kBudget = 3;  // query round trips a full non-deep check may cost

// A database of `schemas` schemas of `tables_per_schema` tables each, every
// fifth without a primary key, readable by kRole, published FOR ALL TABLES.
void create_catalog(const PgServer& server, const std::string& dbname, int schemas,
                    int tables_per_schema) {
  (void)server.sql("CREATE DATABASE " + quote_identifier(dbname) + ";");
  const std::string role = quote_identifier(kRole);
  // psql's \gexec runs each generated statement in a transaction of its own.
  (void)server.sql("SELECT format('CREATE SCHEMA s%s', s) FROM generate_series(1, " +
                       std::to_string(schemas) +
                       ") AS s \\gexec\n"
                       "SELECT format('CREATE TABLE s%s.t%s (id bigint%s, v integer)', s, t,\n"
                       "              CASE WHEN t % 5 = 0 THEN '' ELSE ' PRIMARY KEY' END)\n"
                       "  FROM generate_series(1, " +
                       std::to_string(schemas) + ") AS s, generate_series(1, " +
                       std::to_string(tables_per_schema) +
                       ") AS t \\gexec\n"
                       "SELECT format('GRANT USAGE ON SCHEMA s%1$s TO " +
                       role + "; GRANT SELECT ON ALL TABLES IN SCHEMA s%1$s TO " + role +
                       "', s)\n"
                       "  FROM generate_series(1, " +
                       std::to_string(schemas) +
                       ") AS s \\gexec\n"
                       "CREATE PUBLICATION " +
                       quote_identifier(kPublication) + " FOR ALL TABLES;\n",
                   dbname);
}

// Client flights of a connection that connects and closes: the handshakes
// (TLS, SCRAM) and the final Terminate, with the tool's TLS settings.
std::optional<long long> connect_only_flights(const Login& login) {
  const LatencyProxy proxy(login.server.port(), kDelay);
  const std::string port = std::to_string(proxy.port());
  std::vector<const char*> keywords = {"host", "port", "user", "password", "dbname"};
  std::vector<const char*> values = {kHost, port.c_str(), login.user.c_str(),
                                     login.password.c_str(), login.dbname.c_str()};
  if (!login.server.ca_file().empty()) {
    keywords.insert(keywords.end(), {"sslmode", "sslrootcert"});
    values.insert(values.end(), {"verify-full", login.server.ca_file().c_str()});
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 0);
  const bool connected = PQstatus(conn) == CONNECTION_OK;
  EXPECT_TRUE(connected) << PQerrorMessage(conn);
  PQfinish(conn);
  const std::vector<nlohmann::json> lines = proxy.finished_connections(1);
  EXPECT_EQ(lines.size(), 1U);
  if (!connected || lines.size() != 1) return std::nullopt;
  return lines.front().value("client_flights", -1LL);
}

struct Measured {
  ToolReport tool;
  nlohmann::json main;         // the proxy's line of the main connection
  nlohmann::json replication;  // and of the replication connection
  long long main_round_trips = -1;
  long long replication_round_trips = -1;
  double opened_apart_ms = -1;
};

// A full check (non-deep, --format json) through the proxy.
std::optional<Measured> check_through_proxy(const Login& login, long long connect_only) {
  const LatencyProxy proxy(login.server.port(), kDelay);
  Measured measured;
  measured.tool.run =
      run_tool({"--host", kHost, "--port", std::to_string(proxy.port()), "--username", login.user,
                "--dbname", login.dbname, "--format", "json"},
               login_env(login));
  measured.tool.report = parse_report(measured.tool.run);
  const std::vector<nlohmann::json> lines = proxy.finished_connections(2);
  EXPECT_EQ(lines.size(), 2U) << "a non-deep check opens the main and the replication connection";
  if (lines.size() != 2) return std::nullopt;
  // The main connection sends the catalog queries: by far the most bytes.
  const bool first_is_main = lines[0].value("bytes_up", 0LL) > lines[1].value("bytes_up", 0LL);
  measured.main = lines[first_is_main ? 0 : 1];
  measured.replication = lines[first_is_main ? 1 : 0];
  measured.main_round_trips = measured.main.value("client_flights", -1LL) - connect_only;
  measured.replication_round_trips =
      measured.replication.value("client_flights", -1LL) - connect_only;
  // The proxy writes times to a tenth of a millisecond.
  measured.opened_apart_ms =
      std::round(10 * std::abs(measured.main.value("opened_ms", 0.0) -
                               measured.replication.value("opened_ms", 0.0))) /
      10;
  std::cout << "[ measured ] " << login.dbname << ": " << measured.tool.run.elapsed.count()
            << " ms; main " << measured.main.dump() << "; replication "
            << measured.replication.dump() << "; connect-only flights " << connect_only << "\n";
  return measured;
}

// The report is a whole one about a live server: connected, the replication
// connection proven, the catalog counted.
void expect_sane_report(const Measured& measured, int tables) {
  const nlohmann::json& report = measured.tool.report;
  EXPECT_TRUE(measured.tool.run.exit_code == 0 || measured.tool.run.exit_code == 1)
      << describe_result(measured.tool.run);
  EXPECT_EQ(status_of(report, "connection"), "pass") << report.dump(2);
  EXPECT_EQ(status_of(report, "replication.connect"), "pass")
      << check(report, "replication.connect").dump(2);
  EXPECT_EQ(field(report, "/scope/tables"), tables) << field(report, "/scope").dump(2);
  // Every fifth table has no primary key: the catalog query saw them all.
  EXPECT_EQ(status_of(report, "tables.replica_identity"), "fail")
      << check(report, "tables.replica_identity").dump(2);
}

// The same check on a small and a large catalog: the same, fixed counts.
void expect_fixed_round_trips(const PgServerOptions& options, long long expected_main) {
  if (const std::string reason = PgServer::unavailable_reason(options.bin_dir); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  const PgServer server(options);
  create_login_role(server, kRole, ReplicationGrant::granted);
  const std::string small_db = test_slug() + "_small";
  const std::string large_db = test_slug() + "_large";
  create_catalog(server, small_db, 2, 5);
  create_catalog(server, large_db, 5, 400);
  const Login small{server, std::string(kRole), std::string(kRolePassword), small_db};
  const Login large{server, std::string(kRole), std::string(kRolePassword), large_db};

  const std::optional<long long> connect_only = connect_only_flights(small);
  ASSERT_TRUE(connect_only.has_value());
  const std::optional<Measured> a = check_through_proxy(small, *connect_only);
  const std::optional<Measured> b = check_through_proxy(large, *connect_only);
  ASSERT_TRUE(a.has_value() && b.has_value());
  expect_sane_report(*a, 10);
  expect_sane_report(*b, 2000);

  EXPECT_EQ(a->main_round_trips, b->main_round_trips)
      << "10 tables: " << a->main.dump() << "\n2,000 tables: " << b->main.dump();
  EXPECT_LE(a->main_round_trips, kBudget);
  EXPECT_LE(b->main_round_trips, kBudget);
  EXPECT_EQ(a->main_round_trips, expected_main);
  EXPECT_EQ(b->main_round_trips, expected_main);

  // IDENTIFY_SYSTEM: one round trip, whatever the catalog.
  EXPECT_EQ(a->replication_round_trips, b->replication_round_trips)
      << "10 tables: " << a->replication.dump() << "\n2,000 tables: " << b->replication.dump();
  EXPECT_EQ(a->replication_round_trips, 1);

  // Opened together: the second connection does not wait for anything the
  // first does (which would cost at least one delayed round trip).
  for (const Measured* measured : {&*a, &*b}) {
    EXPECT_LT(measured->opened_apart_ms, static_cast<double>(kDelay.count()))
        << "the replication connection was opened " << measured->opened_apart_ms
        << " ms after the main one\nmain: " << measured->main.dump()
        << "\nreplication: " << measured->replication.dump();
  }
}

TEST(RoundTrips, PostgresCheckCostsOneRoundTripWhateverTheCatalogSize) {
  PgServerOptions options;
  options.conf_lines = {"wal_level = logical"};
  expect_fixed_round_trips(options, 1);
}

TEST(RoundTrips, AuroraCheckCostsTwoRoundTripsWhateverTheCatalogSize) {
  PgServerOptions options;
  options.emulation = Emulation::aurora;
  options.conf_lines = {"rds.logical_replication = on", "wal_level = logical",
                        "wal_sender_timeout = 0"};
  expect_fixed_round_trips(options, 2);
}

}  // namespace
}  // namespace cdcpreflight::integration
