// classify_connection_error over the texts libpq really produces (as one line:
// gather joins libpq's lines with spaces).
#include <gtest/gtest.h>

#include "gather/connect.h"
#include "unit/printers.h"

namespace cdcpreflight {
namespace {

TEST(ClassifyConnectionError, UnknownHostIsDns) {
  EXPECT_EQ(classify_connection_error(
                "could not translate host name \"nosuch.example.com\" to address: Name or "
                "service not known"),
            ConnectionFailure::dns);
  EXPECT_EQ(classify_connection_error(
                "could not translate host name \"db.internal\" to address: Temporary failure in "
                "name resolution"),
            ConnectionFailure::dns);
}

TEST(ClassifyConnectionError, ConnectionRefused) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"localhost\" (::1), port 5433 failed: Connection "
                "refused \tIs the server running on that host and accepting TCP/IP connections?"),
            ConnectionFailure::refused);
}

TEST(ClassifyConnectionError, ConnectTimeout) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"10.0.0.1\", port 5432 failed: timeout expired"),
            ConnectionFailure::timeout);
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"10.0.0.1\", port 5432 failed: Connection timed out "
                "\tIs the server running on that host and accepting TCP/IP connections?"),
            ConnectionFailure::timeout);
}

TEST(ClassifyConnectionError, WrongPassword) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: FATAL:  password "
                "authentication failed for user \"clickpipes_user\""),
            ConnectionFailure::authentication);
}

TEST(ClassifyConnectionError, NoPasswordSupplied) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: fe_sendauth: no "
                "password supplied"),
            ConnectionFailure::authentication);
}

TEST(ClassifyConnectionError, NoPgHbaEntry) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: FATAL:  no "
                "pg_hba.conf entry for host \"10.0.0.9\", user \"u\", database \"app\", no "
                "encryption"),
            ConnectionFailure::authentication);
}

TEST(ClassifyConnectionError, PgHbaRejectLine) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"localhost\" (127.0.0.1), port 50191 failed: FATAL:  "
                "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"rejected_user\", "
                "database \"app\", SSL encryption"),
            ConnectionFailure::authentication);
}

TEST(ClassifyConnectionError, MissingRoleIsAuthentication) {
  EXPECT_EQ(classify_connection_error(
                "connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL:  role "
                "\"nobody\" does not exist"),
            ConnectionFailure::authentication);
}

TEST(ClassifyConnectionError, RoleNotPermittedToLogIn) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: FATAL:  role "
                "\"reporting\" is not permitted to log in"),
            ConnectionFailure::authentication);
}

TEST(ClassifyConnectionError, MissingDatabase) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: FATAL:  database "
                "\"nosuch\" does not exist"),
            ConnectionFailure::database_missing);
}

TEST(ClassifyConnectionError, ServerWithoutTlsWhenTlsIsRequired) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: server does not "
                "support SSL, but SSL was required"),
            ConnectionFailure::tls);
}

TEST(ClassifyConnectionError, CertificateVerificationFailure) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: SSL error: "
                "certificate verify failed"),
            ConnectionFailure::tls);
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: server certificate "
                "for \"db\" does not match host name \"10.0.0.1\""),
            ConnectionFailure::tls);
}

TEST(ClassifyConnectionError, MissingRootCertificate) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: root certificate "
                "file \"/home/u/.postgresql/root.crt\" does not exist Either provide the file, "
                "use the system's trusted roots with sslrootcert=system, or change sslmode to "
                "disable server certificate verification."),
            ConnectionFailure::tls);
}

TEST(ClassifyConnectionError, AnythingElseIsOther) {
  EXPECT_EQ(classify_connection_error(
                "connection to server at \"db\" (10.0.0.1), port 5432 failed: server closed the "
                "connection unexpectedly \tThis probably means the server terminated abnormally "
                "before or while processing the request."),
            ConnectionFailure::other);
  EXPECT_EQ(classify_connection_error(""), ConnectionFailure::other);
}

}  // namespace
}  // namespace cdcpreflight
