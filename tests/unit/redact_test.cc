// collect --redact: no name of the customer's (host, database, roles, schemas,
// tables, publication, slots, prepared transactions, owners) survives anywhere
// in the snapshot, free-text messages included; the same name always becomes
// the same placeholder; what verdicts depend on (endpoint kind and region,
// dots in names, built-in roles, flags, counts) stays, so that redacted facts
// give the same statuses as the originals.
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/sql_quote.h"
#include "facts/redact.h"
#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Names chosen to be substrings of nothing the tool writes itself (JSON keys,
// placeholders, settings), so that finding one in a dump means a leak.
constexpr const char* kHost = "zebrahost.cluster-qx7k2m.eu-central-1.rds.amazonaws.com";
constexpr const char* kDatabase = "yakdb";
constexpr const char* kRole = "kiwiuser";
constexpr const char* kLogin = "lemonadmin";
constexpr const char* kOwner = "quinceowner";
constexpr const char* kOtherUser = "plumuser";
constexpr const char* kSchema = "mangoschema";
constexpr const char* kDottedSchema = "pear.schema";
constexpr const char* kTable = "guavatable";
constexpr const char* kDottedTable = "apple.table";
constexpr const char* kRoot = "durianroot";
constexpr const char* kPartition = "durianleaf";
constexpr const char* kPublicationName = "figpub";
constexpr const char* kSlot = "olivesslot";
constexpr const char* kGid = "grapegid";

// Every name above, and the parts of the host that identify it.
std::vector<std::string> original_names() {
  return {"zebrahost", "qx7k2m",         kDatabase, kRole,  kLogin,  kOwner,
          kOtherUser,  kSchema,          "pear",    kTable, "apple", kRoot,
          kPartition,  kPublicationName, kSlot,     kGid};
}

// A cluster naming every kind of thing, each name used in several places, and
// messages from the server naming them too.
FactsBuilder named_builder() {
  FactsBuilder builder;
  builder.host(kHost)
      .connected_as(kLogin)
      .no_tables()
      .table(kSchema, kTable, [](TableFacts& t) { t.owner = kOwner; })
      .table(kSchema, "kiwiuser_own", [](TableFacts& t) { t.owner = kRole; })
      .partitioned_table(kSchema, kRoot, [](TableFacts& t) { t.owner = kOwner; })
      .partition(kSchema, kPartition, kSchema, kRoot, [](TableFacts& t) { t.owner = kOwner; })
      .table(kDottedSchema, kDottedTable, [](TableFacts& t) { t.owner = "rds_superuser"; })
      .no_default_privileges()
      .default_privilege(kOwner, kSchema, true)
      .default_privilege(kRole, "", true)
      .publication([](PublicationFacts& p) {
        p.name = kPublicationName;
        p.owner = kLogin;
        p.all_tables = false;
        p.schemas = {kSchema};
      })
      .transaction(4242, 7200, [](OpenTransaction& t) { t.user = kOtherUser; })
      .prepared(kGid, 9000)
      .slot(kSlot, [](ReplicationSlotFacts& s) { s.active = false; })
      .replication_connect_failed(
          "28000", std::string("no pg_hba.conf entry for replication connection from host "
                               "\"10.0.0.5\", user \"") +
                       kRole + "\", database \"" + kDatabase + "\", no encryption")
      .slot_probe_failed("55006", std::string("replication slot \"") + kSlot +
                                      "\" is active for PID 77 of " + kOtherUser)
      .query_error(FactGroup::default_privileges, "42501",
                   std::string("permission denied for table ") + kTable + " in schema " + kSchema +
                       " (owner " + kOwner + ", publication " + kPublicationName + ", gid " + kGid +
                       ")");
  return builder;
}

Facts named_facts() {
  Facts facts = named_builder().build();
  facts.user = kRole;
  facts.role.name = kRole;
  facts.publication = kPublicationName;
  facts.connection.dbname = kDatabase;
  for (SchemaFacts& schema : facts.schemas) {
    schema.owner = kOwner;
  }
  for (PreparedTransaction& prepared : facts.activity.prepared) {
    prepared.owner = kRole;
    prepared.database = kDatabase;
  }
  for (ReplicationSlotFacts& slot : facts.activity.slots) {
    slot.database = kDatabase;
  }
  OpenTransaction blocker;
  blocker.pid = 77;
  blocker.user = kOtherUser;
  facts.slot_probe.blockers = {blocker};
  return facts;
}

std::string dump(const Facts& facts) { return nlohmann::json(facts).dump(); }

const TableFacts& table_at(const Facts& facts, std::size_t index) { return facts.tables.at(index); }

TEST(Redact, NoOriginalNameIsLeftAnywhere) {
  const Facts facts = named_facts();
  const std::string before = dump(facts);
  const std::string after = dump(redact(facts));
  for (const std::string& name : original_names()) {
    SCOPED_TRACE(name);
    ASSERT_THAT(before, HasSubstr(name)) << "the test's facts should hold it";
    EXPECT_THAT(after, Not(HasSubstr(name)));
  }
}

TEST(Redact, NoOriginalNameIsLeftWhenTheConnectionFailed) {
  Facts facts = named_facts();
  facts.connection.connected = false;
  facts.connection.failure = ConnectionFailure::authentication;
  facts.connection.failure_message =
      std::string("connection to server at \"") + kHost +
      "\", port 5432 failed: FATAL:  password authentication failed for user \"" + kLogin +
      "\" on database \"" + kDatabase + "\"";
  const Facts redacted = redact(facts);
  for (const std::string& name : original_names()) {
    SCOPED_TRACE(name);
    EXPECT_THAT(redacted.connection.failure_message, Not(HasSubstr(name)));
    EXPECT_THAT(dump(redacted), Not(HasSubstr(name)));
  }
  // The message keeps its meaning, with the placeholders in place.
  EXPECT_THAT(redacted.connection.failure_message,
              HasSubstr("password authentication failed for user \"" +
                        redacted.connection.connected_as + "\""));
  EXPECT_THAT(redacted.connection.failure_message,
              HasSubstr("connection to server at \"" + redacted.connection.host + "\""));
}

// libpq names the address a host name resolved to: "connection to server at
// "host" (10.11.12.13), port 5432 failed". SPEC: --redact replaces the host,
// "name or address".
TEST(Redact, TheResolvedAddressInAConnectionFailureIsRedactedToo) {
  Facts facts = named_facts();
  facts.connection.connected = false;
  facts.connection.failure = ConnectionFailure::refused;
  facts.connection.failure_message =
      std::string("connection to server at \"") + kHost +
      "\" (10.11.12.13), port 5432 failed: Connection refused\n\tIs the server running on that "
      "host and accepting TCP/IP connections?";
  const Facts redacted = redact(facts);
  EXPECT_THAT(redacted.connection.failure_message, Not(HasSubstr("10.11.12.13")));
}

// -h a,zebra-second.example.com,/home/alice/sockets: libpq tries each host and
// its message names every one, where connection.host holds only the last.
constexpr const char* kMultiHostFailure =
    "connection to server at \"a\" (10.1.2.3), port 5432 failed: Connection refused Is the "
    "server running on that host and accepting TCP/IP connections? could not translate host "
    "name \"zebra-second.example.com\" to address: Name or service not known connection to "
    "server on socket \"/home/alice/sockets/.s.PGSQL.5432\" failed: No such file or directory "
    "Is the server running locally and accepting connections on that socket? connection to "
    "server at \"zebralast.example.com\" (10.1.2.4), port 5432 failed: timeout expired";

Facts multi_host_failure() {
  Facts facts = FactsBuilder()
                    .host("zebralast.example.com")
                    .connection_failed(ConnectionFailure::timeout, kMultiHostFailure)
                    .build();
  facts.connection.port = 5432;
  return facts;
}

TEST(Redact, EveryHostOfAMultiHostConnectionIsRedacted) {
  const Facts redacted = redact(multi_host_failure());
  const std::string& message = redacted.connection.failure_message;
  for (const char* name : {"at \"a\"", "zebra", "alice", "sockets", "10.1.2."}) {
    SCOPED_TRACE(name);
    EXPECT_THAT(message, Not(HasSubstr(name)));
    EXPECT_THAT(dump(redacted), Not(HasSubstr(name)));
  }
  // Each host keeps its place and kind, the one connected to its placeholder.
  EXPECT_THAT(message, HasSubstr("connection to server at \"host-2.invalid\" (192.0.2.1), port "
                                 "5432 failed: Connection refused"));
  EXPECT_THAT(message, HasSubstr("could not translate host name \"host-3.invalid\" to address"));
  EXPECT_THAT(message, HasSubstr("connection to server on socket \"/redacted-4/.s.PGSQL.5432\""));
  EXPECT_THAT(message, HasSubstr("connection to server at \"" + redacted.connection.host +
                                 "\" (192.0.2.1), port 5432 failed: timeout expired"));
  EXPECT_EQ(redacted.connection.host, "host-1.invalid");
}

// A replication connection to a multi-host conninfo fails the same way.
TEST(Redact, EveryHostInAReplicationFailureIsRedacted) {
  const Facts redacted =
      redact(FactsBuilder().replication_connect_failed("08006", kMultiHostFailure).build());
  for (const char* name : {"at \"a\"", "zebra", "alice", "10.1.2."}) {
    SCOPED_TRACE(name);
    EXPECT_THAT(redacted.replication_connect.message, Not(HasSubstr(name)));
  }
}

// libpq before 14 words its failures otherwise.
TEST(Redact, HostsInTheWordingOfOlderLibpqAreRedacted) {
  const Facts redacted = redact(
      FactsBuilder()
          .connection_failed(
              ConnectionFailure::refused,
              "could not connect to server: Connection refused Is the server running on host "
              "\"zebra-old.example.com\" (10.0.0.1) and accepting TCP/IP connections on port "
              "5432? could not connect to server: No such file or directory Is the server "
              "running locally and accepting connections on Unix domain socket "
              "\"/home/alice/.s.PGSQL.5432\"? could not translate Unix-domain socket path "
              "\"/home/alice/run/.s.PGSQL.5432\" to address: Name or service not known")
          .build());
  const std::string& message = redacted.connection.failure_message;
  EXPECT_THAT(message, Not(HasSubstr("zebra")));
  EXPECT_THAT(message, Not(HasSubstr("alice")));
  EXPECT_THAT(message, HasSubstr("on Unix domain socket \"/redacted-3/.s.PGSQL.5432\"?"));
}

// A certificate names the hosts it was issued for, and libpq the host it does
// not match; pg_hba.conf names the client's host (or address).
TEST(Redact, CertificateNamesAndTheClientHostAreRedacted) {
  const Facts redacted = redact(
      FactsBuilder()
          .connection_failed(
              ConnectionFailure::tls,
              "connection to server at \"db.zebracorp.internal\" (10.0.0.9), port 5432 failed: "
              "server certificate for \"*.yakcorp.internal\" (and 2 other names) does not "
              "match host name \"db.zebracorp.internal\"")
          .replication_connect_failed(
              "28000",
              "no pg_hba.conf entry for replication connection from host "
              "\"laptop.kiwicorp.internal\", user \"clickpipes_user\", no encryption")
          .build());
  for (const char* name : {"zebracorp", "yakcorp", "kiwicorp"}) {
    SCOPED_TRACE(name);
    EXPECT_THAT(dump(redacted), Not(HasSubstr(name)));
  }
  EXPECT_THAT(redacted.replication_connect.message, HasSubstr("no pg_hba.conf entry"));
}

// libpq says which password file a refused password came from, or which
// service file it could not read: paths in the customer's home directory.
TEST(Redact, PasswordAndServiceFilePathsAreRedacted) {
  const Facts redacted = redact(
      FactsBuilder()
          .connection_failed(ConnectionFailure::authentication,
                             "connection to server at \"db.example.com\" (10.0.0.9), port 5432 "
                             "failed: FATAL:  password authentication failed for user "
                             "\"clickpipes_user\" password retrieved from file "
                             "\"/home/alice/.pgpass\"")
          .replication_connect_failed("08006",
                                      "service file \"/home/alice/conf/pg_service.conf\" not "
                                      "found definition of service \"zebraservice\" not found")
          .build());
  EXPECT_THAT(dump(redacted), Not(HasSubstr("alice")));
  EXPECT_THAT(dump(redacted), Not(HasSubstr("zebraservice")));
  EXPECT_THAT(
      redacted.connection.failure_message,
      HasSubstr("password authentication failed for user \"" + redacted.connection.connected_as +
                "\" password retrieved from file \"/redacted/file-1\""));
  EXPECT_THAT(redacted.replication_connect.message,
              HasSubstr("service file \"/redacted/file-2\" not found definition of service "
                        "\"service_1\" not found"));
}

TEST(Redact, QueryErrorsAndProbeMessagesLoseTheNames) {
  const Facts redacted = redact(named_facts());
  const std::string& error = redacted.errors.at(FactGroup::default_privileges).message;
  EXPECT_THAT(error, HasSubstr("permission denied for table " + redacted.tables.at(0).name +
                               " in schema " + redacted.schemas.at(0).name));
  EXPECT_EQ(redacted.errors.at(FactGroup::default_privileges).sqlstate, "42501");
  EXPECT_THAT(
      redacted.replication_connect.message,
      HasSubstr("user \"" + redacted.user + "\", database \"" + redacted.connection.dbname + "\""));
  EXPECT_THAT(redacted.slot_probe.message,
              HasSubstr("replication slot \"" + redacted.activity.slots.at(0).name + "\""));
  for (const std::string& name : original_names()) {
    SCOPED_TRACE(name);
    EXPECT_THAT(error, Not(HasSubstr(name)));
    EXPECT_THAT(redacted.replication_connect.message, Not(HasSubstr(name)));
    EXPECT_THAT(redacted.slot_probe.message, Not(HasSubstr(name)));
  }
}

TEST(Redact, ARoleGetsTheSamePlaceholderEverywhere) {
  const Facts redacted = redact(named_facts());
  const std::string user = redacted.user;
  EXPECT_NE(user, kRole);
  EXPECT_FALSE(user.empty());
  EXPECT_EQ(redacted.role.name, user);
  EXPECT_EQ(table_at(redacted, 1).owner, user);              // owner of a table
  EXPECT_EQ(redacted.default_privileges.at(1).owner, user);  // of default privileges
  EXPECT_EQ(redacted.activity.prepared.at(0).owner, user);   // of a prepared transaction

  const std::string login = redacted.connection.connected_as;
  EXPECT_NE(login, user);
  EXPECT_EQ(redacted.publication_facts.owner, login);

  const std::string owner = table_at(redacted, 0).owner;
  EXPECT_NE(owner, user);
  EXPECT_NE(owner, login);
  EXPECT_EQ(redacted.schemas.at(0).owner, owner);
  EXPECT_EQ(redacted.default_privileges.at(0).owner, owner);

  EXPECT_EQ(redacted.activity.transactions.at(0).user, redacted.slot_probe.blockers.at(0).user);
}

TEST(Redact, TheUserIsTheGranteeOfTheRedactedRemediation) {
  Facts facts = named_facts();
  facts.errors.clear();
  for (TableFacts& table : facts.tables) {
    table.select = false;
  }
  facts.schemas.at(0).usage = false;
  facts.default_privileges.clear();
  const Facts redacted = redact(facts);
  const ScopeRequest options = default_options();
  const std::string grantee = quote_identifier(redacted.user);
  const std::string owner = quote_identifier(redacted.tables.at(0).owner);
  const CheckResult select = evaluate("grants.table_select", redacted, options);
  ASSERT_EQ(select.status, Status::fail);
  EXPECT_THAT(remediation_text(select.remediation), HasSubstr("TO " + grantee));
  const CheckResult usage = evaluate("grants.schema_usage", redacted, options);
  ASSERT_EQ(usage.status, Status::fail);
  EXPECT_THAT(remediation_text(usage.remediation),
              HasSubstr("GRANT USAGE ON SCHEMA " + quote_identifier(redacted.schemas.at(0).name) +
                        " TO " + grantee));
  const CheckResult defaults = evaluate("grants.default_privileges", redacted, options);
  ASSERT_EQ(defaults.status, Status::warn);
  EXPECT_THAT(remediation_text(defaults.remediation), HasSubstr("FOR ROLE " + owner));
  EXPECT_THAT(remediation_text(defaults.remediation), HasSubstr("TO " + grantee));
  for (const std::string& name : original_names()) {
    SCOPED_TRACE(name);
    for (const CheckResult& result : run_all(redacted, options)) {
      EXPECT_THAT(result.summary + details_text(result) + remediation_text(result.remediation),
                  Not(HasSubstr(name)))
          << result.id;
    }
  }
}

TEST(Redact, ATableGetsTheSamePlaceholderAsAPartitionRoot) {
  const Facts facts = named_facts();
  const Facts redacted = redact(facts);
  ASSERT_EQ(facts.tables.at(2).name, kRoot);
  ASSERT_EQ(facts.tables.at(3).root_name, kRoot);
  EXPECT_EQ(redacted.tables.at(3).root_name, redacted.tables.at(2).name);
  EXPECT_EQ(redacted.tables.at(3).root_schema, redacted.tables.at(2).schema);
  EXPECT_NE(redacted.tables.at(3).name, redacted.tables.at(2).name);
  EXPECT_TRUE(redacted.tables.at(3).is_partition);
}

TEST(Redact, SchemasDatabasesAndPublicationsAreConsistent) {
  const Facts redacted = redact(named_facts());
  const std::string schema = redacted.schemas.at(0).name;
  EXPECT_EQ(redacted.tables.at(0).schema, schema);
  EXPECT_EQ(redacted.default_privileges.at(0).schema, schema);
  EXPECT_EQ(redacted.publication_facts.schemas.at(0), schema);
  EXPECT_EQ(redacted.default_privileges.at(1).schema, "");  // all schemas stays all schemas

  const std::string database = redacted.connection.dbname;
  EXPECT_EQ(redacted.activity.prepared.at(0).database, database);
  EXPECT_EQ(redacted.activity.slots.at(0).database, database);

  EXPECT_EQ(redacted.publication_facts.name, redacted.publication);
  EXPECT_NE(redacted.publication, kPublicationName);
}

TEST(Redact, DifferentNamesGetDifferentPlaceholders) {
  const Facts redacted = redact(named_facts());
  std::set<std::string> tables;
  for (const TableFacts& table : redacted.tables) {
    tables.insert(table.name);
  }
  EXPECT_EQ(tables.size(), redacted.tables.size());
  std::set<std::string> schemas;
  for (const SchemaFacts& schema : redacted.schemas) {
    schemas.insert(schema.name);
  }
  EXPECT_EQ(schemas.size(), redacted.schemas.size());
}

TEST(Redact, TheSameFactsRedactTheSameWay) {
  EXPECT_EQ(dump(redact(named_facts())), dump(redact(named_facts())));
}

TEST(Redact, BuiltInRolesAreKept) {
  Facts facts = named_facts();
  facts.tables.at(0).owner = "rdsadmin";
  facts.schemas.at(0).owner = "pg_database_owner";
  facts.publication_facts.owner = "rds_superuser";
  facts.activity.transactions.at(0).user = "rdsrepladmin";
  facts.default_privileges.at(0).owner = "pg_read_all_data";
  const Facts redacted = redact(facts);
  EXPECT_EQ(redacted.tables.at(0).owner, "rdsadmin");
  EXPECT_EQ(redacted.tables.at(4).owner, "rds_superuser");
  EXPECT_EQ(redacted.schemas.at(0).owner, "pg_database_owner");
  EXPECT_EQ(redacted.publication_facts.owner, "rds_superuser");
  EXPECT_EQ(redacted.activity.transactions.at(0).user, "rdsrepladmin");
  EXPECT_EQ(redacted.default_privileges.at(0).owner, "pg_read_all_data");
}

// rds_ is no reserved prefix: only the roles Amazon documents are its own.
TEST(Redact, CustomerRolesNamedLikeAmazonsGetPlaceholders) {
  Facts facts = named_facts();
  facts.tables.at(0).owner = "rds_zebra_etl";
  facts.schemas.at(0).owner = "rdszebra";
  facts.activity.transactions.at(0).user = "rds_superuser_zebra";
  const Facts redacted = redact(facts);
  EXPECT_THAT(dump(redacted), Not(HasSubstr("zebra")));
  EXPECT_THAT(redacted.tables.at(0).owner, ::testing::StartsWith("role_"));
  EXPECT_THAT(redacted.schemas.at(0).owner, ::testing::StartsWith("role_"));
  EXPECT_THAT(redacted.activity.transactions.at(0).user, ::testing::StartsWith("role_"));
}

TEST(Redact, EveryRoleOfAmazonsAndPostgresqlsIsKept) {
  for (const std::string builtin :
       {"rds_superuser", "rds_replication", "rds_password", "rds_iam", "rds_ad", "rds_extension",
        "rds_reserved", "rdsadmin", "rdsrepladmin", "rdstopmgr", "pg_monitor", "pg_read_all_stats",
        "pg_database_owner"}) {
    SCOPED_TRACE(builtin);
    Facts facts = named_facts();
    facts.tables.at(0).owner = builtin;
    EXPECT_EQ(redact(facts).tables.at(0).owner, builtin);
  }
}

TEST(Redact, DottedNamesKeepADot) {
  const Facts redacted = redact(named_facts());
  const TableFacts& dotted = redacted.tables.at(4);
  EXPECT_NE(dotted.schema.find('.'), std::string::npos) << dotted.schema;
  EXPECT_NE(dotted.name.find('.'), std::string::npos) << dotted.name;
  EXPECT_EQ(redacted.tables.at(0).schema.find('.'), std::string::npos);
  EXPECT_EQ(redacted.tables.at(0).name.find('.'), std::string::npos);
  const CheckResult names = evaluate("tables.names", redacted);
  EXPECT_EQ(names.status, Status::fail);
}

TEST(Redact, NonNamesAreKept) {
  const Facts facts = named_facts();
  const Facts redacted = redact(facts);
  EXPECT_EQ(redacted.connection.port, facts.connection.port);
  EXPECT_EQ(redacted.connection.sslmode, facts.connection.sslmode);
  EXPECT_EQ(redacted.server.version, facts.server.version);
  EXPECT_EQ(redacted.server.aurora_version, facts.server.aurora_version);
  EXPECT_EQ(nlohmann::json(redacted).at("server").dump(),
            nlohmann::json(facts).at("server").dump());
  EXPECT_EQ(redacted.tables.size(), facts.tables.size());
  EXPECT_EQ(redacted.tables.at(0).bytes, facts.tables.at(0).bytes);
  EXPECT_EQ(redacted.activity.slots.at(0).retained_bytes,
            facts.activity.slots.at(0).retained_bytes);
  EXPECT_EQ(redacted.activity.prepared.at(0).age_seconds,
            facts.activity.prepared.at(0).age_seconds);
  EXPECT_EQ(redacted.gathered_at, facts.gathered_at);
}

TEST(Redact, TheHostKeepsItsEndpointKindAndRegion) {
  const std::vector<std::string> hosts = {
      "mydb.cluster-abc123.us-east-1.rds.amazonaws.com",
      "mydb.cluster-ro-abc123.eu-west-1.rds.amazonaws.com",
      "reporting.cluster-custom-abc123.us-west-2.rds.amazonaws.com",
      "myproxy.proxy-abc123.ap-southeast-2.rds.amazonaws.com",
      "mydb.shardgrp-abc123.us-east-2.rds.amazonaws.com",
      "mydb-instance-1.abc123.sa-east-1.rds.amazonaws.com",
      "myglobal.global-abc123.global.rds.amazonaws.com",
      "mydb.cluster-abc123.rds.cn-north-1.amazonaws.com.cn",
      "mydb-1.abc123.rds.cn-north-1.amazonaws.com.cn",
      "10.0.12.34",
      "2001:db8::5",
      "/var/run/secret-socket-dir",
      "",
      "db.internal.example.com",
  };
  std::set<EndpointKind> kinds;
  for (const std::string& host : hosts) {
    SCOPED_TRACE(host);
    const Endpoint before = classify_host(host);
    kinds.insert(before.kind);
    const Facts redacted = redact(FactsBuilder().host(host).build());
    const Endpoint after = classify_host(redacted.connection.host);
    EXPECT_EQ(after.kind, before.kind) << redacted.connection.host;
    EXPECT_EQ(after.region, before.region) << redacted.connection.host;
    if (!host.empty()) {
      EXPECT_THAT(dump(redacted), Not(HasSubstr(host)));
    }
    EXPECT_THAT(dump(redacted), Not(HasSubstr("abc123")));
    EXPECT_THAT(dump(redacted), Not(HasSubstr("mydb")));
  }
  // Every kind there is.
  EXPECT_EQ(kinds, (std::set<EndpointKind>{
                       EndpointKind::cluster_writer, EndpointKind::cluster_reader,
                       EndpointKind::cluster_custom, EndpointKind::proxy, EndpointKind::shard_group,
                       EndpointKind::instance, EndpointKind::global_writer,
                       EndpointKind::ip_literal, EndpointKind::unix_socket, EndpointKind::other}));
}

// Statuses (and the report's summary) of facts and of their redaction.
void expect_same_statuses(const Facts& facts, const ScopeRequest& base = default_options()) {
  const Facts redacted = redact(facts);
  const std::vector<CheckResult> before = run_all(facts, base);
  const std::vector<CheckResult> after = run_all(redacted, base);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    SCOPED_TRACE(before[i].id);
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].status, before[i].status)
        << "before: " << before[i].summary << "\nafter: " << after[i].summary;
    EXPECT_EQ(after[i].details.size(), before[i].details.size());
  }
  const Report report_before = report_of(facts, Strict::no, base);
  const Report report_after = report_of(redacted, Strict::no, base);
  EXPECT_EQ(report_after.summary.ready, report_before.summary.ready);
  EXPECT_EQ(report_after.scope.tables, report_before.scope.tables);
  EXPECT_EQ(report_after.scope.schemas, report_before.scope.schemas);
  EXPECT_EQ(report_after.scope.estimated_bytes, report_before.scope.estimated_bytes);
  EXPECT_EQ(report_after.target.endpoint_kind, report_before.target.endpoint_kind);
  EXPECT_EQ(report_after.target.platform, report_before.target.platform);
}

TEST(Redact, ReadyClusterKeepsItsStatuses) {
  expect_same_statuses(FactsBuilder().build());
  expect_same_statuses(FactsBuilder().slot_probe_ok(3).build());
}

TEST(Redact, NamedClusterKeepsItsStatuses) { expect_same_statuses(named_facts()); }

TEST(Redact, BrokenClusterKeepsItsStatuses) {
  expect_same_statuses(
      FactsBuilder()
          .setting("wal_level", "replica")
          .setting("wal_sender_timeout", "60000", "ms")
          .role([](RoleFacts& r) { r.member_of_rds_replication = false; })
          .schema("sales", false)
          .table("sales", "orders", [](TableFacts& t) { t.select = false; })
          .table("public", "nokey", [](TableFacts& t) { t.has_primary_key = false; })
          .table("public", "toasty",
                 [](TableFacts& t) {
                   t.has_toastable_columns = true;
                   t.toast_holds_data = true;
                 })
          .table("public", "ephemeral", [](TableFacts& t) { t.unlogged = true; })
          .table("public", "secret",
                 [](TableFacts& t) {
                   t.row_security = true;
                   t.owner = "someone_else";
                 })
          .partitioned_table("public", "events")
          .partition("public", "events_1", "public", "events",
                     [](TableFacts& t) { t.has_primary_key = false; })
          .publication([](PublicationFacts& p) {
            p.via_root = false;
            p.delete_ = false;
          })
          .no_default_privileges()
          .transaction(1, 3600)
          .prepared("pending-1", 3600)
          .slot("stale", [](ReplicationSlotFacts& s) { s.active = false; })
          .host("mydb.cluster-ro-abc123.eu-west-1.rds.amazonaws.com")
          .in_recovery()
          .no_tls()
          .replication_connect_failed("28000", "no pg_hba.conf entry for replication")
          .build());
  expect_same_statuses(FactsBuilder().no_publication().build());
  expect_same_statuses(
      FactsBuilder()
          .publication_lists_tables()
          .table("public", "unpublished", [](TableFacts& t) { t.published = false; })
          .build());
  expect_same_statuses(FactsBuilder().role_missing().build());
  expect_same_statuses(
      FactsBuilder()
          .query_error(FactGroup::activity, "42501", "permission denied for pg_stat_activity")
          .query_error(FactGroup::tables, "57014", "canceling statement due to statement timeout")
          .build());
  expect_same_statuses(FactsBuilder()
                           .slot_probe_timed_out({OpenTransaction{7, "app", "client backend",
                                                                  "idle in transaction", 900, ""}})
                           .build(),
                       default_options());
}

TEST(Redact, FailedConnectionKeepsItsStatuses) {
  for (const ConnectionFailure failure :
       {ConnectionFailure::dns, ConnectionFailure::refused, ConnectionFailure::timeout,
        ConnectionFailure::authentication, ConnectionFailure::tls,
        ConnectionFailure::database_missing, ConnectionFailure::other}) {
    SCOPED_TRACE(to_string(failure));
    expect_same_statuses(
        FactsBuilder()
            .connection_failed(failure, std::string("could not connect to ") + kWriterHost)
            .build());
  }
}

TEST(Redact, FailuresNamingSeveralHostsAndFilesKeepTheirStatuses) {
  expect_same_statuses(multi_host_failure());
  expect_same_statuses(
      FactsBuilder()
          .connection_failed(ConnectionFailure::authentication,
                             "connection to server at \"db.example.com\" (10.0.0.9), port 5432 "
                             "failed: FATAL:  password authentication failed for user "
                             "\"clickpipes_user\" password retrieved from file "
                             "\"/home/alice/.pgpass\"")
          .build());
  expect_same_statuses(
      FactsBuilder()
          .connection_failed(ConnectionFailure::authentication,
                             "connection to server at \"a\" (10.0.0.9), port 5432 failed: "
                             "FATAL:  no pg_hba.conf entry for host \"10.0.0.5\", user "
                             "\"clickpipes_user\", database \"app\", no encryption")
          .build());
  expect_same_statuses(
      FactsBuilder()
          .replication_connect_failed("28000",
                                      "no pg_hba.conf entry for replication connection from "
                                      "host \"laptop.example.com\", user \"clickpipes_user\", "
                                      "no encryption")
          .build());
}

TEST(Redact, CustomerRolesNamedLikeAmazonsKeepTheirStatuses) {
  expect_same_statuses(FactsBuilder()
                           .no_default_privileges()
                           .default_privilege("rds_etl", "", true)
                           .table("public", "loaded", [](TableFacts& t) { t.owner = "rds_etl"; })
                           .table("public", "other", [](TableFacts& t) { t.owner = "rds_other"; })
                           .build());
}

TEST(Redact, EveryEndpointKindKeepsItsStatuses) {
  for (const std::string host : {"mydb.cluster-abc123.us-east-1.rds.amazonaws.com",
                                 "mydb.cluster-ro-abc123.eu-west-1.rds.amazonaws.com",
                                 "reporting.cluster-custom-abc123.us-west-2.rds.amazonaws.com",
                                 "myproxy.proxy-abc123.us-east-1.rds.amazonaws.com",
                                 "mydb.shardgrp-abc123.us-east-1.rds.amazonaws.com",
                                 "mydb-instance-1.abc123.us-east-1.rds.amazonaws.com",
                                 "myglobal.global-abc123.global.rds.amazonaws.com", "10.0.12.34",
                                 "/var/run/postgresql", "db.example.com"}) {
    SCOPED_TRACE(host);
    expect_same_statuses(FactsBuilder().host(host).build());
    expect_same_statuses(FactsBuilder().host(host).platform(Platform::postgresql).build());
  }
}

TEST(Redact, DottedNamesKeepTheirStatuses) {
  expect_same_statuses(FactsBuilder()
                           .table("public", "a.b")
                           .table("my.schema", "plain")
                           .table("my.schema", "x.y.z")
                           .build());
}

// Names that contain one another, equal a placeholder, a prefix or a word of
// the messages, or are a single letter: still the same statuses, and still
// consistent.
TEST(Redact, HostileNamesKeepTheirStatuses) {
  const Facts facts =
      FactsBuilder()
          .table("public", "table_1", [](TableFacts& t) { t.has_primary_key = false; })
          .table("public", "table_10")
          .table("schema_1", "role_1", [](TableFacts& t) { t.select = false; })
          .table("t", "t", [](TableFacts& t) { t.owner = "t"; })
          .table("public", "we\"ird <&> name\n", [](TableFacts& t) { t.unlogged = true; })
          .table("Ünïcode", "ta\tble",
                 [](TableFacts& t) {
                   t.has_toastable_columns = true;
                   t.toast_holds_data = true;
                 })
          .table("public", "", [](TableFacts& t) { t.published = false; })
          .publication_lists_tables()
          .query_error(FactGroup::default_privileges, "42501",
                       "permission denied for table table_1 in schema public")
          .build();
  expect_same_statuses(facts);
  const Facts redacted = redact(facts);
  std::set<std::pair<std::string, std::string>> names;
  for (const TableFacts& table : redacted.tables) {
    names.emplace(table.schema, table.name);
  }
  EXPECT_EQ(names.size(), redacted.tables.size()) << "two tables became one";
  EXPECT_THAT(dump(redacted), Not(HasSubstr("we\\\"ird")));
  EXPECT_THAT(dump(redacted), Not(HasSubstr("Ünïcode")));
}

}  // namespace
}  // namespace cdcpreflight::testing
