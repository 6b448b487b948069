// Documentation links that remediations point to.
#pragma once

namespace cdcpreflight {

inline constexpr const char* kAuroraSetupDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/aurora";
inline constexpr const char* kRdsSetupDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/rds";
inline constexpr const char* kGenericSetupDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/source/generic";
inline constexpr const char* kClickPipesFaqDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/postgres/faq";
inline constexpr const char* kReplicaIdentityDocs =
    "https://www.postgresql.org/docs/current/logical-replication-publication.html";
inline constexpr const char* kPublicationDocs =
    "https://www.postgresql.org/docs/current/sql-createpublication.html";
inline constexpr const char* kGrantDocs = "https://www.postgresql.org/docs/current/sql-grant.html";
inline constexpr const char* kAuroraEndpointDocs =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html";

}  // namespace cdcpreflight
