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
CheckResult connection_tls(const Facts& facts, const Scope& scope);
CheckResult replication_capacity(const Facts& facts, const Scope& scope);
CheckResult wal_retention(const Facts& facts, const Scope& scope);
CheckResult role_login(const Facts& facts, const Scope& scope);
CheckResult replication_connect(const Facts& facts, const Scope& scope);
CheckResult default_privileges(const Facts& facts, const Scope& scope);
CheckResult publication_actions(const Facts& facts, const Scope& scope);
CheckResult publication_partitions(const Facts& facts, const Scope& scope);
CheckResult toast(const Facts& facts, const Scope& scope);
CheckResult generated_columns(const Facts& facts, const Scope& scope);
CheckResult names(const Facts& facts, const Scope& scope);
CheckResult aws_cluster(const Facts& facts, const Scope& scope);
CheckResult aws_parameter_group(const Facts& facts, const Scope& scope);
CheckResult aws_network(const Facts& facts, const Scope& scope);
CheckResult unlogged(const Facts& facts, const Scope& scope);
CheckResult row_security(const Facts& facts, const Scope& scope);
CheckResult long_transactions(const Facts& facts, const Scope& scope);
CheckResult inactive_slots(const Facts& facts, const Scope& scope);
CheckResult clickpipes_slots(const Facts& facts, const Scope& scope);
CheckResult slot_probe(const Facts& facts, const Scope& scope);

// "pid 123 (client backend, user app, idle in transaction): open for 12min, …"
std::string describe_transaction(const OpenTransaction& transaction);

}  // namespace cdcpreflight::checks
