// Every check function of the catalogue (catalogue.cc registers them).
#pragma once

#include "cdcpreflight/check.h"

namespace cdcpreflight::checks {

CheckResult connection(const Facts& facts, const Scope& scope);
CheckResult server_version(const Facts& facts, const Scope& scope);
CheckResult server_platform(const Facts& facts, const Scope& scope);
CheckResult endpoint_writer(const Facts& facts, const Scope& scope);
CheckResult logical_replication(const Facts& facts, const Scope& scope);
CheckResult wal_sender_timeout(const Facts& facts, const Scope& scope);
CheckResult role_replication(const Facts& facts, const Scope& scope);
CheckResult schema_usage(const Facts& facts, const Scope& scope);
CheckResult table_select(const Facts& facts, const Scope& scope);
CheckResult publication_exists(const Facts& facts, const Scope& scope);
CheckResult publication_tables(const Facts& facts, const Scope& scope);
CheckResult replica_identity(const Facts& facts, const Scope& scope);

}  // namespace cdcpreflight::checks
