// `connection`: connected, or failed with a classified cause and the fix for it.
// `connection.tls`: encrypted, and verified (verify-full) on an AWS endpoint.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

CheckResult failed_with(ConnectionFailure failure, std::string message = "libpq says no") {
  return evaluate("connection",
                  FactsBuilder().connection_failed(failure, std::move(message)).build());
}

TEST(ConnectionCheck, PassesWhenConnectedAndShowsTls) {
  const CheckResult result = evaluate("connection", FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("connected to"));
  EXPECT_THAT(result.summary, HasSubstr(kWriterHost));
  ASSERT_EQ(result.details.size(), 1U);
  EXPECT_THAT(result.details[0], HasSubstr("TLSv1.3"));
  EXPECT_THAT(result.details[0], HasSubstr("TLS_AES_256_GCM_SHA384"));
}

TEST(ConnectionCheck, PassSaysWhenTheConnectionIsNotEncrypted) {
  Facts facts = FactsBuilder().build();
  facts.connection.ssl_in_use = false;
  const CheckResult result = evaluate("connection", facts);
  EXPECT_EQ(result.status, Status::pass);
  ASSERT_EQ(result.details.size(), 1U);
  EXPECT_EQ(result.details[0], "not encrypted");
}

TEST(ConnectionCheck, DnsFailureNamesDnsAndTheHost) {
  const CheckResult result = failed_with(ConnectionFailure::dns);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("DNS"));
  EXPECT_THAT(result.summary, HasSubstr(kWriterHost));
  ASSERT_FALSE(result.details.empty());
  EXPECT_EQ(result.details[0], "cause: dns");
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("getent hosts"));
}

// A snapshot's host is pasted into a command the user runs: as one quoted word.
TEST(ConnectionCheck, DnsFailureQuotesTheHostInItsCommand) {
  Facts facts =
      FactsBuilder().connection_failed(ConnectionFailure::dns, "could not translate").build();
  facts.connection.host = "x;touch /tmp/pwned;'$(id)'";
  const CheckResult result = evaluate("connection", facts);
  EXPECT_THAT(result.remediation.commands,
              Contains(R"(getent hosts 'x;touch /tmp/pwned;'\''$(id)'\''')"));
}

TEST(ConnectionCheck, RefusedNamesHostAndPort) {
  const CheckResult result = failed_with(ConnectionFailure::refused);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("refused"));
  EXPECT_THAT(result.summary, HasSubstr(std::string(kWriterHost) + ":5432"));
  ASSERT_FALSE(result.details.empty());
  EXPECT_EQ(result.details[0], "cause: refused");
}

TEST(ConnectionCheck, TimeoutPointsAtSecurityGroupsStaticIpsAndPrivateLink) {
  const CheckResult result = failed_with(ConnectionFailure::timeout);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("timed out"));
  ASSERT_FALSE(result.details.empty());
  EXPECT_EQ(result.details[0], "cause: timeout");
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("security group"));
  EXPECT_THAT(fix, HasSubstr("ClickPipes static IPs"));
  EXPECT_THAT(fix, HasSubstr("PrivateLink"));
}

TEST(ConnectionCheck, AuthenticationFailurePointsAtPasswordAndPgHba) {
  const CheckResult result = failed_with(ConnectionFailure::authentication);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("authentication"));
  EXPECT_THAT(result.summary, HasSubstr(kUser));
  ASSERT_FALSE(result.details.empty());
  EXPECT_EQ(result.details[0], "cause: authentication");
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("password"));
  EXPECT_THAT(fix, HasSubstr("pg_hba.conf"));
}

// The server's words for each way a login is refused (PostgreSQL 15, as libpq
// reports them): all cause `authentication`, each with its own reason and fix.
constexpr const char* kWrongPassword =
    "connection to server at \"localhost\" (127.0.0.1), port 50191 failed: FATAL:  password "
    "authentication failed for user \"clickpipes_user\"";
constexpr const char* kNologin =
    "connection to server at \"localhost\" (127.0.0.1), port 50191 failed: FATAL:  role "
    "\"reporting\" is not permitted to log in";
constexpr const char* kPgHbaReject =
    "connection to server at \"localhost\" (127.0.0.1), port 50191 failed: FATAL:  pg_hba.conf "
    "rejects connection for host \"127.0.0.1\", user \"rejected_user\", database \"app\", SSL "
    "encryption";
constexpr const char* kNoPgHbaEntry =
    "connection to server at \"db\" (10.0.0.1), port 5432 failed: FATAL:  no pg_hba.conf entry "
    "for host \"10.0.0.9\", user \"u\", database \"app\", no encryption";
// libpq's own words when the server asks for a password and it has none to send.
constexpr const char* kNoPasswordSupplied =
    "connection to server at \"localhost\" (127.0.0.1), port 50191 failed: fe_sendauth: no "
    "password supplied";
constexpr const char* kMissingRoleUnderTrust =
    "connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL:  role \"nobody\" does "
    "not exist";

TEST(ConnectionCheck, WrongPasswordSaysPasswordAndHowToSetANewOne) {
  const CheckResult result = failed_with(ConnectionFailure::authentication, kWrongPassword);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            fmt::format("password authentication failed for {} at {}:5432", kUser, kWriterHost));
  EXPECT_THAT(result.details,
              ElementsAre("cause: authentication", "reason: password", kWrongPassword));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("PGPASSWORD"));
  EXPECT_THAT(fix, HasSubstr("ALTER ROLE"));
  EXPECT_THAT(result.remediation.sql, IsEmpty()) << "no script sets a password";
}

// A password never given is not a wrong one: the fix is to give it (or to be prompted).
TEST(ConnectionCheck, NoPasswordSuppliedSaysNoneWasGivenAndHowToGiveIt) {
  const CheckResult result = failed_with(ConnectionFailure::authentication, kNoPasswordSupplied);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, fmt::format("{} at {}:5432 asks for a password and none was given",
                                        kUser, kWriterHost));
  EXPECT_THAT(result.details,
              ElementsAre("cause: authentication", "reason: no_password", kNoPasswordSupplied));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("PGPASSWORD"));
  EXPECT_THAT(fix, HasSubstr("~/.pgpass"));
  EXPECT_THAT(fix, HasSubstr("-W"));
  EXPECT_THAT(fix, Not(HasSubstr("ALTER ROLE"))) << "the password is not wrong";
  EXPECT_THAT(result.summary, Not(HasSubstr("failed")));
}

TEST(ConnectionCheck, NologinRoleSaysLoginNotAllowedWithAlterRoleLogin) {
  const CheckResult result = failed_with(ConnectionFailure::authentication, kNologin);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, fmt::format("role {} is not permitted to log in", kUser));
  EXPECT_THAT(result.details,
              ElementsAre("cause: authentication", "reason: login_not_allowed", kNologin));
  EXPECT_THAT(result.remediation.sql, ElementsAre(fmt::format("ALTER ROLE \"{}\" LOGIN;", kUser)));
}

TEST(ConnectionCheck, PgHbaRejectionSaysPgHbaAndPointsAtTheAllowList) {
  for (const char* message : {kPgHbaReject, kNoPgHbaEntry}) {
    SCOPED_TRACE(message);
    const CheckResult result = failed_with(ConnectionFailure::authentication, message);
    EXPECT_EQ(result.status, Status::fail);
    EXPECT_THAT(result.summary, HasSubstr("pg_hba.conf"));
    EXPECT_THAT(result.details, ElementsAre("cause: authentication", "reason: pg_hba", message));
    const std::string fix = remediation_text(result.remediation);
    EXPECT_THAT(fix, HasSubstr("pg_reload_conf()"));
    EXPECT_THAT(fix, HasSubstr("rds.force_ssl"));
    EXPECT_THAT(fix, HasSubstr("security group"));
    EXPECT_THAT(result.remediation.sql, IsEmpty());
  }
}

// pg_hba.conf matches a Unix-domain socket with `local` lines only: the fix for
// a rejection there is one, not a `hostssl … /32` line.
TEST(ConnectionCheck, PgHbaRejectionOnASocketProposesALocalLine) {
  constexpr const char* kSocketReject =
      "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  "
      "pg_hba.conf rejects connection for host \"[local]\", user \"clickpipes_user\", database "
      "\"app\", no encryption";
  const CheckResult result = evaluate(
      "connection", FactsBuilder()
                        .host("/var/run/postgresql")
                        .connection_failed(ConnectionFailure::authentication, kSocketReject)
                        .build());
  EXPECT_EQ(result.status, Status::fail);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("`local app clickpipes_user scram-sha-256`"));
  EXPECT_THAT(fix, Not(HasSubstr("hostssl")));
  EXPECT_THAT(fix, Not(HasSubstr("/32")));
}

TEST(ConnectionCheck, MissingRoleSaysSo) {
  const CheckResult result = failed_with(ConnectionFailure::authentication, kMissingRoleUnderTrust);
  EXPECT_THAT(result.summary, HasSubstr("does not exist"));
  EXPECT_THAT(result.details,
              ElementsAre("cause: authentication", "reason: role_missing", kMissingRoleUnderTrust));
}

TEST(ConnectionCheck, AnUnrecognisedRefusalHasNoReasonLine) {
  const CheckResult result = failed_with(ConnectionFailure::authentication, "libpq says no");
  EXPECT_THAT(result.details, ElementsAre("cause: authentication", "libpq says no"));
}

TEST(ConnectionCheck, TlsFailurePointsAtTheRdsCaBundle) {
  const CheckResult result = failed_with(ConnectionFailure::tls);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("TLS"));
  ASSERT_FALSE(result.details.empty());
  EXPECT_EQ(result.details[0], "cause: tls");
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("sslmode=verify-full"));
}

TEST(ConnectionCheck, MissingDatabaseNamesIt) {
  const CheckResult result = failed_with(ConnectionFailure::database_missing);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("database app does not exist"));
  ASSERT_FALSE(result.details.empty());
  EXPECT_EQ(result.details[0], "cause: database_missing");
}

TEST(ConnectionCheck, LostConnectionSaysLost) {
  const CheckResult result = failed_with(ConnectionFailure::lost);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("lost"));
  ASSERT_FALSE(result.details.empty());
  EXPECT_EQ(result.details[0], "cause: lost");
}

TEST(ConnectionCheck, UnclassifiedFailureStillFailsAndKeepsLibpqMessage) {
  const CheckResult result =
      failed_with(ConnectionFailure::other, "server closed the connection unexpectedly");
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("could not connect"));
  ASSERT_EQ(result.details.size(), 2U);
  EXPECT_EQ(result.details[0], "cause: other");
  EXPECT_EQ(result.details[1], "server closed the connection unexpectedly");
}

TEST(ConnectionCheck, FailsWhenAFailureIsRecordedEvenIfMarkedConnected) {
  Facts facts = FactsBuilder().build();
  facts.connection.failure = ConnectionFailure::lost;
  const CheckResult result = evaluate("connection", facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("lost"));
}

constexpr const char* kTls = "connection.tls";
constexpr const char* kCaBundleCurl =
    "curl -fsSo global-bundle.pem "
    "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

// --- connection.tls

TEST(ConnectionTls, PassesOnAUnixSocketWithoutTls) {
  const CheckResult result = evaluate(
      kTls,
      FactsBuilder().platform(Platform::postgresql).host("/var/run/postgresql").no_tls().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("Unix-domain socket"));
  EXPECT_TRUE(result.remediation.empty());
}

TEST(ConnectionTls, WarnsWhenTheConnectionIsNotEncrypted) {
  const CheckResult result = evaluate(kTls, FactsBuilder().no_tls().build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("not encrypted"));
  EXPECT_THAT(result.summary, HasSubstr("sslmode=prefer"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("sslmode=verify-full"));
}

TEST(ConnectionTls, UnencryptedWithoutAKnownSslmodeSaysLibpqsDefaultPrefer) {
  const CheckResult result = evaluate(kTls, FactsBuilder().no_tls().sslmode("").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("sslmode=prefer"));
}

TEST(ConnectionTls, UnencryptedOnAnotherHostPointsAtServerSideTls) {
  const CheckResult result = evaluate(kTls, FactsBuilder()
                                                .platform(Platform::postgresql)
                                                .host("db.example.com")
                                                .no_tls()
                                                .sslmode("disable")
                                                .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("sslmode=disable"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("ssl = on"));
  EXPECT_THAT(fix, HasSubstr("sslmode=verify-full"));
  EXPECT_THAT(result.remediation.commands, IsEmpty());
}

TEST(ConnectionTls, AwsHostWithSslmodeRequireWarnsWithTheRdsCaBundle) {
  const CheckResult result = evaluate(kTls, FactsBuilder().sslmode("require").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("TLSv1.3"));
  EXPECT_THAT(result.summary, HasSubstr("sslmode=require"));
  EXPECT_THAT(result.summary, HasSubstr("does not verify"));
  EXPECT_THAT(result.remediation.commands, ElementsAre(kCaBundleCurl));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("sslmode=verify-full sslrootcert=/path/global-bundle.pem"));
  EXPECT_THAT(result.remediation.docs, HasSubstr("docs.aws.amazon.com"));
}

TEST(ConnectionTls, AwsHostWithSslmodeVerifyCaStillWarns) {
  const CheckResult result = evaluate(kTls, FactsBuilder().sslmode("verify-ca").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("sslmode=verify-ca"));
}

TEST(ConnectionTls, VerifyFullPassesShowingProtocolAndCipher) {
  const CheckResult result = evaluate(kTls, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("TLSv1.3"));
  EXPECT_THAT(result.summary, HasSubstr("TLS_AES_256_GCM_SHA384"));
  EXPECT_THAT(result.summary, HasSubstr("sslmode=verify-full"));
  EXPECT_TRUE(result.remediation.empty());
}

TEST(ConnectionTls, NonAwsHostWithTlsAndSslmodeRequirePasses) {
  const CheckResult result = evaluate(kTls, FactsBuilder()
                                                .platform(Platform::postgresql)
                                                .host("db.example.com")
                                                .sslmode("require")
                                                .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("sslmode=require"));
}

}  // namespace
}  // namespace cdcpreflight::testing
