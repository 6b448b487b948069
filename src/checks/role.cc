// `role.replication`: streaming changes needs the replication privilege. On
// Aurora and RDS no one is superuser and the REPLICATION attribute cannot be
// granted: membership in rds_replication (rds_superuser includes it) is the way.
#include <fmt/format.h>

#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"

namespace cdcpreflight::checks {

CheckResult role_replication(const Facts& facts, const Scope& /*scope*/) {
  const RoleFacts& role = facts.role;
  const std::string quoted = quote_identifier(role.name);
  const bool aws = is_aws(facts);
  Remediation fix;
  fix.docs = setup_docs(facts);
  if (!role.exists) {
    fix.sql.push_back(fmt::format("CREATE ROLE {} WITH LOGIN PASSWORD '<password>';", quoted));
    fix.sql.push_back(aws ? fmt::format("GRANT rds_replication TO {};", quoted)
                          : fmt::format("ALTER ROLE {} WITH REPLICATION;", quoted));
    fix.steps.push_back(
        "Choose the password, then give ClickPipes the same user name and password.");
    return make_result(Status::fail, fmt::format("role {} does not exist", role.name), {},
                       std::move(fix));
  }
  if (aws) {
    if (role.member_of_rds_replication || role.member_of_rds_superuser || role.superuser) {
      return make_result(
          Status::pass,
          fmt::format("{} is a member of {}", role.name,
                      role.member_of_rds_replication ? "rds_replication" : "rds_superuser"));
    }
    fix.sql.push_back(fmt::format("GRANT rds_replication TO {};", quoted));
    return make_result(Status::fail,
                       fmt::format("{} is not a member of rds_replication, so it cannot create "
                                   "or stream replication slots",
                                   role.name),
                       {}, std::move(fix));
  }
  if (role.replication || role.superuser) {
    return make_result(Status::pass, fmt::format("{} has the {} attribute", role.name,
                                                 role.replication ? "REPLICATION" : "SUPERUSER"));
  }
  fix.sql.push_back(fmt::format("ALTER ROLE {} WITH REPLICATION;", quoted));
  return make_result(Status::fail,
                     fmt::format("{} lacks the REPLICATION attribute, so it cannot create or "
                                 "stream replication slots",
                                 role.name),
                     {}, std::move(fix));
}

}  // namespace cdcpreflight::checks
