// `settings.logical_replication`: wal_level must be logical; on Aurora and RDS
// it follows rds.logical_replication, a static parameter that takes effect at
// the writer's reboot. `settings.wal_sender_timeout`: the Aurora setup guide
// sets 0; the ClickPipes FAQ tolerates 5 minutes or more.
#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/settings.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/clouds.h"
#include "remediation/docs.h"
#include "remediation/parameters.h"
#include "util/bytes.h"

namespace cdcpreflight::checks {

namespace {

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

namespace {

// The flag a platform turns logical decoding on with, when wal_level itself is
// not the user's: rds.logical_replication on Aurora and RDS,
// cloudsql.logical_decoding on Cloud SQL, alloydb.logical_decoding on AlloyDB.
const char* logical_flag_of(Platform platform) {
  switch (platform) {
    case Platform::aurora:
    case Platform::rds:
      return "rds.logical_replication";
    case Platform::cloud_sql:
      return "cloudsql.logical_decoding";
    case Platform::alloydb:
      return "alloydb.logical_decoding";
    default:
      return nullptr;
  }
}

bool is_on(const std::string& value) {
  return value == "on" || value == "1" || value == "true" || value == "yes";
}

CheckResult google_flag_off(const Facts& facts, Platform platform, const char* flag,
                            const std::string& level) {
  const ParameterChange wal_level_change{"wal_level", "logical", "'logical'"};
  return make_result(
      Status::fail, fmt::format("{} is off (wal_level = {})", flag, level),
      {fmt::format("on {} wal_level follows the database flag {}", platform_info(platform).name,
                   flag)},
      parameter_remediation(facts, std::span(&wal_level_change, 1), NeedsRestart::yes));
}

CheckResult logical_replication_of(const Facts& facts) {
  const ServerSettings settings = settings_of(facts.server);
  const std::string level = settings.wal_level.value.value_or("unknown");
  const bool logical = level == "logical";
  const bool pending = settings.wal_level.pending_restart;
  const bool rds_flag_on = settings.rds_logical_replication.value.value_or(false);
  const bool aws = is_aws(facts);
  const Platform platform = platform_of(facts);
  if (const char* flag = logical_flag_of(platform); flag != nullptr && !aws && !logical) {
    const auto found = facts.server.settings.find(flag);
    if (found != facts.server.settings.end() && is_on(found->second.value)) {
      return make_result(
          Status::fail,
          fmt::format("restart pending: {} is on but wal_level is still {}", flag, level),
          {platform == Platform::alloydb
               ? "AlloyDB applies the flag at the instance's restart, about 15 minutes after the "
                 "update under the default low-downtime policy"
               : "wal_level becomes logical when the instance restarts"},
          reboot_remediation(facts));
    }
    return google_flag_off(facts, platform, flag, level);
  }

  if (logical && !pending && (!aws || rds_flag_on)) {
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
  if (!logical && ((aws && rds_flag_on) || pending)) {
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
  if (platform == Platform::timescale && timescale_cloud(facts)) {
    return make_result(
        Status::fail,
        fmt::format("wal_level is {}: Timescale Cloud cannot turn logical replication on", level),
        {}, parameter_remediation(facts, std::span(&wal_level_change, 1), NeedsRestart::yes));
  }
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

}  // namespace

// On Aurora, enhanced logical replication (aurora.enhanced_logical_replication)
// is shown when the server has the setting: switching it on or off
// invalidates every logical slot on the writer.
CheckResult logical_replication(const Facts& facts, const Scope& /*scope*/) {
  CheckResult result = logical_replication_of(facts);
  const auto found = facts.server.settings.find("aurora.enhanced_logical_replication");
  if (found == facts.server.settings.end()) {
    return result;
  }
  result.details.push_back(
      fmt::format("aurora.enhanced_logical_replication = {}", found->second.value));
  if (result.status != Status::pass) {
    result.remediation.steps.push_back(
        "Turning aurora.enhanced_logical_replication on or off invalidates every logical slot on "
        "the writer: a running pipe must then resync.");
  }
  return result;
}

namespace {

// Where the server's parameters are not the user's to set, or the platform's
// guide says so (Azure), wal_sender_timeout is set for the ClickPipes role:
// it is a per-session setting, and the replication connection is a session.
bool per_role_timeout(const Facts& facts, Platform platform) {
  return platform == Platform::azure || platform == Platform::neon ||
         platform == Platform::planetscale ||
         (platform == Platform::timescale && timescale_cloud(facts));
}

Remediation role_timeout_fix(const Facts& facts, Platform platform) {
  Remediation fix;
  fix.sql = {
      fmt::format("ALTER ROLE {} SET wal_sender_timeout = 0;", quote_identifier(facts.user))};
  fix.steps = {fmt::format(
      "{}: set it for the role ClickPipes connects as; it applies to the role's new sessions, the "
      "replication connection included.",
      platform == Platform::azure ? "The Azure setup guide sets wal_sender_timeout per role"
                                  : fmt::format("{} does not let you change server parameters "
                                                "from SQL",
                                                platform_info(platform).name))};
  if (facts.connection.connected_as != facts.user) {
    fix.steps.push_back(fmt::format(
        "pg_settings shows the value for the login role {}: run the check as {} to see it.",
        facts.connection.connected_as, facts.user));
  }
  fix.docs = platform_info(platform).setup_docs;
  return fix;
}

std::string guide_sets_zero(Platform platform) {
  switch (platform) {
    case Platform::aurora:
      return "the Aurora setup guide sets";
    case Platform::rds:
      return "the RDS setup guide sets";
    case Platform::azure:
      return "the Azure setup guide sets the ClickPipes role's to";
    default:
      return "ClickPipes' Aurora, RDS and Azure setup guides set";
  }
}

}  // namespace

CheckResult wal_sender_timeout(const Facts& facts, const Scope& /*scope*/) {
  const TypedSetting<std::chrono::milliseconds> setting =
      settings_of(facts.server).wal_sender_timeout;
  if (!setting.present) {
    return make_result(Status::error, "wal_sender_timeout is not in pg_settings");
  }
  if (!setting.value) {
    return make_result(Status::error,
                       fmt::format("wal_sender_timeout has an unexpected value {}", setting.text));
  }
  const long long ms = setting.value->count();
  if (ms == 0) {
    return make_result(Status::pass, "wal_sender_timeout is 0");
  }
  const ParameterChange change{"wal_sender_timeout", "0", "0"};
  const Platform platform = platform_of(facts);
  Remediation fix = per_role_timeout(facts, platform)
                        ? role_timeout_fix(facts, platform)
                        : parameter_remediation(facts, std::span(&change, 1), NeedsRestart::no);
  if (is_aws(facts)) {
    // --aws read the group: its ApplyType says; else the command that reads it.
    const AwsParameter* known = aws_parameter(facts.aws, "wal_sender_timeout");
    const AwsTarget target = aws_target(facts);
    std::string step;
    if (known != nullptr && !known->apply_type.empty()) {
      step = fmt::format(
          "wal_sender_timeout is a {} parameter in {} ({}; pending-reboot works for both).",
          known->apply_type, target.parameter_group,
          known->apply_type == "dynamic" ? "it applies at once" : "it applies at the reboot");
    } else {
      step = fmt::format(
          "Whether wal_sender_timeout applies at once or at reboot on your engine version: aws "
          "rds describe-db-cluster-parameters --db-cluster-parameter-group-name {} --query "
          "\"Parameters[?ParameterName=='wal_sender_timeout'].[ParameterName,ParameterValue,"
          "ApplyType,IsModifiable]\" (pending-reboot works for both).",
          target.parameter_group.empty() ? "<group>" : target.parameter_group);
    }
    fix.steps.insert(fix.steps.begin() + 1, std::move(step));
  }
  const std::string shown = format_milliseconds(ms);
  constexpr long long kToleratedMilliseconds = 5LL * 60 * 1000;  // the ClickPipes FAQ
  if (ms >= kToleratedMilliseconds) {
    return make_result(Status::warn,
                       fmt::format("wal_sender_timeout is {}: tolerated, but {} 0", shown,
                                   guide_sets_zero(platform)),
                       {}, std::move(fix));
  }
  return make_result(Status::fail,
                     fmt::format("wal_sender_timeout is {}: the server may drop the replication "
                                 "connection while ClickPipes is busy; set it to 0",
                                 shown),
                     {}, std::move(fix));
}

}  // namespace cdcpreflight::checks

namespace cdcpreflight::checks {

// `settings.replication_capacity`: ClickPipes needs one replication slot and
// one WAL sender of its own; both are capped by static parameters.
CheckResult replication_capacity(const Facts& facts, const Scope& /*scope*/) {
  const ServerSettings settings = settings_of(facts.server);
  const std::optional<std::int64_t> max_slots = settings.max_replication_slots.value;
  const std::optional<std::int64_t> max_senders = settings.max_wal_senders.value;
  if (!max_slots || !max_senders) {
    return make_result(Status::error, "max_replication_slots or max_wal_senders is unreadable");
  }
  // The temporary slots of other cdc-preflight runs (--deep) last a moment and
  // are not counted, as their WAL senders are not (facts.activity.wal_senders).
  const auto used_slots = static_cast<long long>(
      std::count_if(facts.activity.slots.begin(), facts.activity.slots.end(),
                    [](const ReplicationSlotFacts& slot) {
                      return !(slot.temporary && slot.name.starts_with(kProbeSlotPrefix));
                    }));
  const long long free_slots = *max_slots - used_slots;
  const long long free_senders = *max_senders - facts.activity.wal_senders;
  const std::vector<std::string> details = {
      fmt::format("replication slots: {} of {} in use", used_slots, *max_slots),
      fmt::format("WAL senders: {} of {} running", facts.activity.wal_senders, *max_senders)};
  // ClickPipes' engine (PeerDB) refuses a server with max_wal_senders below 2,
  // whatever is free.
  const bool too_few_senders = *max_senders < 2;
  if (free_slots >= 2 && free_senders >= 2 && !too_few_senders) {
    return make_result(
        Status::pass,
        fmt::format("{} free replication slots, {} free WAL senders", free_slots, free_senders),
        details);
  }
  std::vector<ParameterChange> changes;
  if (free_slots < 2) {
    const std::string value = std::to_string(std::max<long long>(*max_slots, used_slots) + 10);
    changes.push_back({"max_replication_slots", value, value});
  }
  if (free_senders < 2 || too_few_senders) {
    const std::string value =
        std::to_string(std::max<long long>(*max_senders, facts.activity.wal_senders) + 10);
    changes.push_back({"max_wal_senders", value, value});
  }
  Remediation fix = parameter_remediation(facts, changes, NeedsRestart::yes);
  fix.steps.push_back(
      "Or free a slot: drop the replication slots nobody uses (see slots.inactive).");
  if (too_few_senders) {
    return make_result(
        Status::fail,
        fmt::format("max_wal_senders is {}: ClickPipes needs at least 2", *max_senders), details,
        std::move(fix));
  }
  const bool none = free_slots <= 0 || free_senders <= 0;
  return make_result(none ? Status::fail : Status::warn,
                     none ? fmt::format("no room for ClickPipes: {} free replication slots, {} "
                                        "free WAL senders",
                                        std::max(0LL, free_slots), std::max(0LL, free_senders))
                          : fmt::format("only one free {}: nothing left for a resync or a second "
                                        "pipe",
                                        free_slots < 2 ? "replication slot" : "WAL sender"),
                     details, std::move(fix));
}

namespace {

constexpr std::int64_t kMiB = 1024LL * 1024;
constexpr std::int64_t kGiB = 1024 * kMiB;
constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int64_t kSecondsPerDay = 24 * kSecondsPerHour;
// The ClickPipes FAQ: max_slot_wal_keep_size holds at least two days of WAL.
constexpr std::int64_t kDaysAsked = 2;
// Where the write rate is unknown: the generic and Supabase guides' 100 GB.
constexpr std::int64_t kFallbackBytes = 100 * kGiB;
// The shortest window a daily write rate is measured over.
constexpr std::int64_t kShortestWindowSeconds = kSecondsPerHour;
// The rate the initial load is assumed to copy at, stated in the detail.
constexpr std::int64_t kAssumedCopyBytesPerSecond = 20 * kMiB;

// "3 days 4 hours", "5 hours", "12 minutes"
std::string pretty_duration(std::int64_t seconds) {
  if (seconds >= 2 * kSecondsPerDay) {
    const std::int64_t hours = (seconds % kSecondsPerDay) / kSecondsPerHour;
    return hours == 0 ? fmt::format("{} days", seconds / kSecondsPerDay)
                      : fmt::format("{} days {} hours", seconds / kSecondsPerDay, hours);
  }
  if (seconds >= 2 * kSecondsPerHour) {
    return fmt::format("{} hours", seconds / kSecondsPerHour);
  }
  return count_of(static_cast<std::size_t>(std::max<std::int64_t>(0, seconds / 60)), "minute",
                  "minutes");
}

// The WAL this server writes per second, averaged since pg_stat_wal was reset,
// or the reason it cannot be said.
struct WalRate {
  std::optional<double> bytes_per_second;
  std::string detail;
};

WalRate wal_rate_of(const ServerFacts& server) {
  if (server.version_num < 140000) {
    return {std::nullopt,
            "the WAL write rate is unknown: pg_stat_wal exists from PostgreSQL 14; the limit is "
            "judged against 100 GB"};
  }
  if (!server.wal_bytes_since_reset || !server.seconds_since_wal_reset) {
    return {std::nullopt,
            "the WAL write rate is unknown: pg_stat_wal has no reset time; the limit is judged "
            "against 100 GB"};
  }
  const std::int64_t window = *server.seconds_since_wal_reset;
  if (window < kShortestWindowSeconds) {
    return {std::nullopt,
            fmt::format("the WAL write rate is unknown: pg_stat_wal was reset {} ago, too recent "
                        "for a daily rate (it takes an hour); the limit is judged against 100 GB",
                        pretty_duration(window))};
  }
  const double rate =
      static_cast<double>(*server.wal_bytes_since_reset) / static_cast<double>(window);
  return {rate, fmt::format("this server writes {} of WAL a day (the average over the {} since "
                            "pg_stat_wal was reset; peaks are higher)",
                            pretty_bytes(static_cast<std::int64_t>(rate * kSecondsPerDay)),
                            pretty_duration(window))};
}

}  // namespace

// `settings.wal_retention`: a slot that falls further behind than
// max_slot_wal_keep_size is invalidated, and ClickPipes must resync from
// scratch. The FAQ's rule is two days of the WAL the server writes, not a
// fixed size: measured from pg_stat_wal where it can be, and never less than
// what piles up while the initial load copies the scoped tables. Where the
// rate is unknown, the guides' 100 GB.
CheckResult wal_retention(const Facts& facts, const Scope& scope) {
  if (!capabilities_of(facts.server).limits_slot_wal) {
    return make_result(Status::skip,
                       "max_slot_wal_keep_size exists from PostgreSQL 13: slots keep all the WAL "
                       "they need");
  }
  const std::optional<std::int64_t> megabytes =
      settings_of(facts.server).max_slot_wal_keep_size_mb.value;
  if (!megabytes) {
    return make_result(Status::error, "max_slot_wal_keep_size is unreadable");
  }
  if (*megabytes == -1) {
    return make_result(Status::pass, "max_slot_wal_keep_size is -1: slots are never invalidated");
  }
  const WalRate rate = wal_rate_of(facts.server);
  std::int64_t scoped_bytes = 0;
  for (const std::size_t index : scope.tables) {
    scoped_bytes += std::min(facts.tables[index].bytes, INT64_MAX - scoped_bytes);
  }
  const std::int64_t copy_seconds = scoped_bytes / kAssumedCopyBytesPerSecond;
  std::vector<std::string> details{rate.detail};
  if (facts.errors.contains(FactGroup::tables)) {
    details.emplace_back("the size of the initial load is unknown: the tables could not be read");
  } else {
    details.push_back(fmt::format(
        "the initial load copies {} of scoped tables: about {} at an assumed {} MB/s, while "
        "the slot keeps the WAL written meanwhile",
        pretty_bytes(scoped_bytes), pretty_duration(copy_seconds),
        kAssumedCopyBytesPerSecond / kMiB));
  }
  const std::int64_t limit_bytes = *megabytes * kMiB;
  const std::int64_t needed_seconds = std::max(kDaysAsked * kSecondsPerDay, copy_seconds);

  std::string summary;
  std::int64_t recommended = kFallbackBytes;
  if (rate.bytes_per_second) {
    if (*rate.bytes_per_second <= 0) {
      return make_result(Status::pass,
                         fmt::format("max_slot_wal_keep_size is {} MB: this server wrote no WAL "
                                     "since pg_stat_wal was reset",
                                     *megabytes),
                         std::move(details));
    }
    const auto held_seconds =
        static_cast<std::int64_t>(static_cast<double>(limit_bytes) / *rate.bytes_per_second);
    if (held_seconds >= needed_seconds) {
      return make_result(Status::pass,
                         fmt::format("max_slot_wal_keep_size is {} MB: it holds {} of the WAL "
                                     "this server writes (ClickPipes asks for two days)",
                                     *megabytes, pretty_duration(held_seconds)),
                         std::move(details));
    }
    summary = fmt::format(
        "max_slot_wal_keep_size is {} MB: it holds {} of the WAL this server writes, {}; a slot "
        "that falls further behind is invalidated and ClickPipes must resync",
        *megabytes, pretty_duration(held_seconds),
        copy_seconds > kDaysAsked * kSecondsPerDay
            ? fmt::format("less than the initial load takes ({})", pretty_duration(copy_seconds))
            : std::string("ClickPipes asks for two days"));
    // Half as much again for the peaks (the FAQ: 2 to 3 times the daily peak),
    // in whole GB, and never below the guides' 100 GB.
    const double wanted = *rate.bytes_per_second * static_cast<double>(needed_seconds) * 1.5;
    const double capped = std::min(wanted, static_cast<double>(INT64_MAX / 2));
    recommended =
        std::max(kFallbackBytes, (static_cast<std::int64_t>(capped) + kGiB - 1) / kGiB * kGiB);
  } else {
    if (limit_bytes >= kFallbackBytes) {
      return make_result(Status::pass, fmt::format("max_slot_wal_keep_size is {} MB", *megabytes),
                         std::move(details));
    }
    summary = fmt::format(
        "max_slot_wal_keep_size is {} MB: a slot that falls further behind is invalidated and "
        "ClickPipes must resync",
        *megabytes);
  }
  const std::int64_t recommended_mb = recommended / kMiB;
  const ParameterChange change{"max_slot_wal_keep_size", std::to_string(recommended_mb),
                               fmt::format("'{}GB'", recommended / kGiB)};
  if (platform_of(facts) == Platform::azure) {
    // Azure's parameter table: max_slot_wal_keep_size is read-only, -1.
    Remediation fix;
    fix.steps = {
        "On Azure max_slot_wal_keep_size is a read-only server parameter: it cannot be raised. "
        "Keep the pipe running and watch the slot's retained WAL (slots.clickpipes); Azure also "
        "drops an unused logical slot when storage runs low."};
    fix.docs = platform_info(Platform::azure).setup_docs;
    return make_result(Status::warn, std::move(summary), std::move(details), std::move(fix));
  }
  Remediation fix = parameter_remediation(facts, std::span(&change, 1), NeedsRestart::no);
  fix.steps.insert(
      fix.steps.begin(),
      rate.bytes_per_second
          ? fmt::format("Keep at least {} GB for the slot: two days of this server's WAL (or the "
                        "initial load, if longer), half as much again for the peaks (or -1, "
                        "unlimited, while watching storage).",
                        recommended / kGiB)
          : std::string("Keep at least 100 GB for the slot (or -1, unlimited, while watching "
                        "storage)."));
  return make_result(Status::warn, std::move(summary), std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
