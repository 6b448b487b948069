// `settings.logical_replication`: wal_level must be logical; on Aurora and RDS
// it follows rds.logical_replication, a static parameter that takes effect at
// the writer's reboot. `settings.wal_sender_timeout`: the Aurora setup guide
// sets 0; the ClickPipes FAQ tolerates 5 minutes or more.
#include <charconv>

#include <fmt/format.h>

#include "aws/parameters.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "checks/docs.h"

namespace cdcpreflight::checks {

namespace {

const Setting* find_setting(const Facts& facts, const std::string& name) {
  const auto found = facts.server.settings.find(name);
  return found == facts.server.settings.end() ? nullptr : &found->second;
}

bool is_on(const Setting* setting) {
  if (setting == nullptr) {
    return false;
  }
  const std::string& value = setting->value;
  return value == "on" || value == "1" || value == "true" || value == "yes";
}

// "60s", "5min", "0"
std::string format_milliseconds(long long ms) {
  if (ms == 0) {
    return "0";
  }
  if (ms % 60000 == 0) {
    return fmt::format("{}min", ms / 60000);
  }
  if (ms % 1000 == 0) {
    return fmt::format("{}s", ms / 1000);
  }
  return fmt::format("{}ms", ms);
}

}  // namespace

CheckResult logical_replication(const Facts& facts, const Scope& /*scope*/) {
  const Setting* wal_level = find_setting(facts, "wal_level");
  const Setting* rds_flag = find_setting(facts, "rds.logical_replication");
  const std::string level = wal_level != nullptr ? wal_level->value : "unknown";
  const bool logical = level == "logical";
  const bool pending = wal_level != nullptr && wal_level->pending_restart;
  const bool aws = is_aws(facts);

  if (logical && !pending && (!aws || is_on(rds_flag))) {
    return make_result(Status::pass, aws ? "wal_level = logical, rds.logical_replication = on"
                                         : "wal_level = logical");
  }
  if (logical && pending) {
    return make_result(Status::warn,
                       "wal_level is logical, but a changed wal_level waits for a restart: after "
                       "it, logical replication may be off",
                       {"pg_settings.pending_restart is true for wal_level"},
                       reboot_remediation(facts));
  }
  if (!logical && ((aws && is_on(rds_flag)) || pending)) {
    return make_result(
        Status::fail,
        fmt::format("reboot pending: logical replication is configured but not in effect "
                    "(wal_level is still {})",
                    level),
        {aws ? "rds.logical_replication is on; wal_level becomes logical when the writer reboots"
             : "wal_level was changed; it takes effect when the server restarts"},
        reboot_remediation(facts));
  }
  const ParameterChange aws_change{"rds.logical_replication", "1", "on"};
  const ParameterChange wal_level_change{"wal_level", "logical", "'logical'"};
  if (aws) {
    return make_result(Status::fail,
                       fmt::format("rds.logical_replication is off (wal_level = {})", level),
                       {"set rds.logical_replication = 1 in the parameter group and reboot"},
                       parameter_remediation(facts, std::span(&aws_change, 1), NeedsRestart::yes));
  }
  return make_result(
      Status::fail, fmt::format("wal_level is {}, not logical", level), {},
      parameter_remediation(facts, std::span(&wal_level_change, 1), NeedsRestart::yes));
}

CheckResult wal_sender_timeout(const Facts& facts, const Scope& /*scope*/) {
  const Setting* setting = find_setting(facts, "wal_sender_timeout");
  if (setting == nullptr) {
    return make_result(Status::error, "wal_sender_timeout is not in pg_settings");
  }
  long long ms = 0;
  const std::string& value = setting->value;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (ec != std::errc{} || end != value.data() + value.size()) {
    return make_result(Status::error,
                       fmt::format("wal_sender_timeout has an unexpected value {}", value));
  }
  if (setting->unit == "s") {
    ms *= 1000;
  }
  if (ms == 0) {
    return make_result(Status::pass, "wal_sender_timeout is 0");
  }
  const ParameterChange change{"wal_sender_timeout", "0", "0"};
  Remediation fix = parameter_remediation(facts, std::span(&change, 1), NeedsRestart::no);
  if (is_aws(facts)) {
    fix.steps.insert(
        fix.steps.begin() + 1,
        "Whether wal_sender_timeout applies at once or at reboot on your engine version: aws rds "
        "describe-db-cluster-parameters --db-cluster-parameter-group-name <group> --query "
        "\"Parameters[?ParameterName=='wal_sender_timeout'].[ParameterName,ParameterValue,"
        "ApplyType,IsModifiable]\" (pending-reboot works for both).");
  }
  const std::string shown = format_milliseconds(ms);
  constexpr long long kToleratedMilliseconds = 5LL * 60 * 1000;  // the ClickPipes FAQ
  if (ms >= kToleratedMilliseconds) {
    return make_result(Status::warn,
                       fmt::format("wal_sender_timeout is {}: tolerated, but the Aurora setup "
                                   "guide sets 0",
                                   shown),
                       {}, std::move(fix));
  }
  return make_result(Status::fail,
                     fmt::format("wal_sender_timeout is {}: the server may drop the replication "
                                 "connection while ClickPipes is busy; set it to 0",
                                 shown),
                     {}, std::move(fix));
}

}  // namespace cdcpreflight::checks
