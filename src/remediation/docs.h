// Documentation links that remediations point to, all in one place.
#pragma once

#include "cdcpreflight/facts.h"

namespace cdcpreflight {

inline constexpr const char* kAuroraSetupDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/aurora";
inline constexpr const char* kRdsSetupDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/rds";
inline constexpr const char* kGenericSetupDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/generic";
inline constexpr const char* kReplicaIdentityDocs =
    "https://www.postgresql.org/docs/current/logical-replication-publication.html";
inline constexpr const char* kPublicationDocs =
    "https://www.postgresql.org/docs/current/sql-createpublication.html";
inline constexpr const char* kGrantDocs = "https://www.postgresql.org/docs/current/sql-grant.html";
inline constexpr const char* kAuroraEndpointDocs =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html";
inline constexpr const char* kAuroraTlsDocs =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.SSL.html";
inline constexpr const char* kLibpqTlsDocs =
    "https://www.postgresql.org/docs/current/libpq-ssl.html";
inline constexpr const char* kDefaultPrivilegesDocs =
    "https://www.postgresql.org/docs/current/sql-alterdefaultprivileges.html";
inline constexpr const char* kAlterTableDocs =
    "https://www.postgresql.org/docs/current/sql-altertable.html";
inline constexpr const char* kRowSecurityDocs =
    "https://www.postgresql.org/docs/current/ddl-rowsecurity.html";
inline constexpr const char* kClickPipesPostgresFaqDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/faq";
inline constexpr const char* kToastDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/toast";
inline constexpr const char* kGeneratedColumnsDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/generated_columns";
inline constexpr const char* kReplicationSlotsDocs =
    "https://www.postgresql.org/docs/current/view-pg-replication-slots.html";
// The RDS CA bundle for every commercial region, and how to fetch it.
inline constexpr const char* kRdsCaBundleCommand =
    "curl -fsSo global-bundle.pem "
    "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

// The ClickPipes setup guide for the platform.
[[nodiscard]] const char* setup_docs(Platform platform);

}  // namespace cdcpreflight
