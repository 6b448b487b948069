// `role.replication`: streaming changes needs the replication privilege. On
// Aurora and RDS no one is superuser and the REPLICATION attribute cannot be
// granted: membership in rds_replication (rds_superuser includes it) is the way.
#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"

namespace cdcpreflight::checks {

namespace {

// Who may give the REPLICATION attribute where no one is superuser.
std::string who_grants_replication(Platform platform) {
  switch (platform) {
    case Platform::cloud_sql:
      return "Run it as postgres or another member of cloudsqlsuperuser (Cloud SQL has no "
             "superuser).";
    case Platform::alloydb:
      return "Run it as postgres or another member of alloydbsuperuser.";
    case Platform::azure:
      return "Run it as the server's admin user (a member of azure_pg_admin).";
    case Platform::supabase:
      return "Run it as postgres, over the direct connection (not the pooler).";
    case Platform::neon:
      return "Neon may refuse REPLICATION to a role created in SQL: then create the role in the "
             "Neon console (the branch > Roles & Databases > Add role); console roles are members "
             "of neon_superuser and have REPLICATION.";
    case Platform::crunchy_bridge:
      return "Run it as postgres, the cluster's superuser.";
    case Platform::planetscale:
      return "Run it as the default postgres.<branch_id> user; ClickPipes then logs in as "
             "<role>.<branch_id>.";
    default:
      return "";
  }
}

}  // namespace

CheckResult role_replication(const Facts& facts, const Scope& /*scope*/) {
  const RoleFacts& role = facts.role;
  const std::string quoted = quote_identifier(role.name);
  const bool aws = is_aws(facts);
  Remediation fix;
  fix.docs = setup_docs(facts);
  if (!role.exists) {
    // role.login's fix, earlier in the same script, creates the role.
    fix.sql.push_back(aws ? fmt::format("GRANT rds_replication TO {};", quoted)
                          : fmt::format("ALTER ROLE {} WITH REPLICATION;", quoted));
    return make_result(Status::fail,
                       fmt::format("role {} does not exist (role.login creates it)", role.name), {},
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
  if (const std::string who = who_grants_replication(platform_of(facts)); !who.empty()) {
    fix.steps.push_back(who);
  }
  return make_result(Status::fail,
                     fmt::format("{} lacks the REPLICATION attribute, so it cannot create or "
                                 "stream replication slots",
                                 role.name),
                     {}, std::move(fix));
}

// `role.login`: ClickPipes logs in with a password that must not expire under
// it; an expired password stops the pipe at its next reconnection.
CheckResult role_login(const Facts& facts, const Scope& /*scope*/) {
  constexpr std::int64_t kWarnSeconds = 7LL * 24 * 3600;
  const RoleFacts& role = facts.role;
  const std::string quoted = quote_identifier(role.name);
  Remediation fix;
  fix.docs = setup_docs(facts);
  if (!role.exists) {
    fix.sql.push_back(fmt::format("CREATE ROLE {} WITH LOGIN PASSWORD '<password>';", quoted));
    fix.steps.push_back(
        "Replace <password> with the password ClickPipes will use before running the statement.");
    return make_result(Status::fail, fmt::format("role {} does not exist", role.name), {},
                       std::move(fix));
  }
  if (!role.can_login) {
    fix.sql.push_back(fmt::format("ALTER ROLE {} WITH LOGIN;", quoted));
    return make_result(Status::fail, fmt::format("role {} may not log in (NOLOGIN)", role.name), {},
                       std::move(fix));
  }
  if (role.seconds_until_expiry) {
    const std::int64_t seconds = *role.seconds_until_expiry;
    fix.sql.push_back(fmt::format("ALTER ROLE {} VALID UNTIL 'infinity';", quoted));
    fix.steps.push_back("Or set a new password and expiry date, and update the ClickPipe with it.");
    const std::string until = role.valid_until.value_or("?");
    if (seconds <= 0) {
      return make_result(Status::fail,
                         fmt::format("the password of {} expired on {}", role.name, until), {},
                         std::move(fix));
    }
    if (seconds < kWarnSeconds) {
      const auto days = static_cast<std::size_t>(seconds / 86400);
      const auto hours = static_cast<std::size_t>(seconds / 3600);
      return make_result(Status::warn,
                         fmt::format("the password of {} expires in {} ({})", role.name,
                                     days > 0    ? count_of(days, "day", "days")
                                     : hours > 0 ? count_of(hours, "hour", "hours")
                                                 : std::string("less than an hour"),
                                     until),
                         {}, std::move(fix));
    }
  }
  return make_result(
      Status::pass,
      fmt::format(
          "{} can log in{}", role.name,
          role.valid_until ? fmt::format(" (password valid until {})", *role.valid_until) : ""));
}

}  // namespace cdcpreflight::checks
