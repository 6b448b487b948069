// `slots.inactive`: an inactive slot keeps WAL (disk) until it is dropped or
// invalidated, and takes a place ClickPipes may need.
// `slots.clickpipes`: the slots ClickPipes created (peerflow_slot_<pipe>) and
// their publications (peerflow_pub_<pipe>), for support looking at an existing
// pipe: each slot must be pgoutput, in the database checked, active, and far
// from being invalidated; an invalidated one (wal_status lost) means the pipe
// must resync. PeerDB names its slot and publication after the pipe.
// Some platforms remove slots nobody reads: both say so where a slot is inactive.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/settings.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"
#include "util/bytes.h"

namespace cdcpreflight::checks {

namespace {

constexpr std::string_view kPublicationPrefix = "peerflow_pub_";

// Near invalidation: less than a fifth of max_slot_wal_keep_size left before
// the slot is lost, or already past it (unreserved).
bool near_invalidation(const ReplicationSlotFacts& slot, std::optional<std::int64_t> limit_mb) {
  if (slot.wal_status == "unreserved") {
    return true;
  }
  if (!slot.safe_wal_bytes || !limit_mb || *limit_mb <= 0) {
    return false;
  }
  return *slot.safe_wal_bytes < *limit_mb * 1024 * 1024 / 5;
}

// Neon's logical replication guide: "Neon automatically removes inactive
// replication slots after approximately 40 hours" (earlier versions: when other
// slots are active).
constexpr const char* kNeonRemovesInactiveSlots =
    "Neon removes inactive replication slots after about 40 hours: a pipe paused that long "
    "loses its slot and must resync";
// Azure's logical decoding concepts: when storage passes a threshold, Azure
// "automatically drops that unused logical replication slot".
constexpr const char* kAzureDropsUnusedSlots =
    "Azure drops an unused logical replication slot when the server's storage passes a "
    "threshold: a paused pipe can lose its slot and must then resync";

bool inactive(const ReplicationSlotFacts& slot) {
  return !slot.active && !slot.temporary && slot.wal_status != "lost";
}

}  // namespace

CheckResult inactive_slots(const Facts& facts, const Scope& /*scope*/) {
  std::vector<std::string> details;
  Remediation fix;
  std::size_t clickpipes = 0;
  bool any_inactive = false;
  for (const ReplicationSlotFacts& slot : facts.activity.slots) {
    const bool lost = slot.wal_status == "lost";
    // A ClickPipes slot is slots.clickpipes' to judge: dropping it breaks a
    // pipe that is only paused.
    if (slot.name.starts_with(kClickPipesSlotPrefix)) {
      ++clickpipes;
      continue;
    }
    if ((slot.active || slot.temporary) && !lost) {
      continue;
    }
    any_inactive = any_inactive || inactive(slot);
    details.push_back(fmt::format(
        "{} ({} slot{}{}): {}{}", slot.name, slot.slot_type,
        slot.plugin.empty() ? "" : ", plugin " + slot.plugin,
        slot.database.empty() ? "" : ", database " + slot.database,
        lost ? "invalidated (wal_status lost)" : "inactive",
        slot.retained_bytes ? ", retains " + pretty_bytes(*slot.retained_bytes) + " of WAL" : ""));
    fix.steps.push_back(
        fmt::format("If nothing uses {} any more: SELECT pg_drop_replication_slot({});", slot.name,
                    quote_literal(slot.name)));
  }
  if (details.empty()) {
    return make_result(
        Status::pass,
        clickpipes == 0
            ? fmt::format("no inactive replication slot ({} in all)", facts.activity.slots.size())
            : fmt::format("no inactive replication slot ({} in all; slots.clickpipes judges the "
                          "{} of ClickPipes)",
                          facts.activity.slots.size(), clickpipes));
  }
  const std::size_t listed = details.size();
  if (any_inactive && platform_of(facts) == Platform::neon) {
    details.emplace_back(kNeonRemovesInactiveSlots);
  }
  fix.docs = kReplicationSlotsDocs;
  std::string summary =
      fmt::format("{} inactive or invalidated: {} WAL and a place that ClickPipes may need",
                  count_of(listed, "replication slot is", "replication slots are"),
                  listed == 1 ? "it holds" : "they hold");
  return make_result(Status::warn, std::move(summary), std::move(details), std::move(fix));
}

CheckResult clickpipes_slots(const Facts& facts, const Scope& /*scope*/) {
  const std::optional<std::int64_t> limit_mb =
      settings_of(facts.server).max_slot_wal_keep_size_mb.value;
  const std::set<std::string> publications(facts.publication_facts.clickpipes_publications.begin(),
                                           facts.publication_facts.clickpipes_publications.end());
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
  std::vector<std::string> healthy;
  Remediation fix;
  bool any_inactive = false;
  for (const ReplicationSlotFacts& slot : facts.activity.slots) {
    if (!slot.name.starts_with(kClickPipesSlotPrefix)) {
      continue;
    }
    any_inactive = any_inactive || inactive(slot);
    const std::string name = display_identifier(slot.name);
    const std::string pipe = slot.name.substr(kClickPipesSlotPrefix.size());
    const std::string retained =
        slot.retained_bytes ? fmt::format(", retains {} of WAL", pretty_bytes(*slot.retained_bytes))
                            : "";
    if (slot.wal_status == "lost") {
      failures.push_back(
          fmt::format("{}: invalidated (wal_status lost): the pipe must resync", name));
    } else if (slot.database != facts.connection.dbname) {
      failures.push_back(fmt::format("{}: in database {}, not {}", name,
                                     display_identifier(slot.database),
                                     display_identifier(facts.connection.dbname)));
    } else if (slot.plugin != "pgoutput") {
      warnings.push_back(fmt::format("{}: plugin {}, not pgoutput", name, slot.plugin));
    } else if (!slot.active) {
      warnings.push_back(
          fmt::format("{}: inactive{} (is the pipe paused or gone?)", name, retained));
    } else if (near_invalidation(slot, limit_mb)) {
      warnings.push_back(fmt::format(
          "{}: near invalidation, {} of WAL left before max_slot_wal_keep_size{}", name,
          slot.safe_wal_bytes ? pretty_bytes(std::max<std::int64_t>(*slot.safe_wal_bytes, 0))
                              : "none",
          retained));
    } else if (publications.count(std::string(kPublicationPrefix) + pipe) == 0) {
      warnings.push_back(fmt::format("{}: its publication {}{} is missing", name,
                                     kPublicationPrefix, display_identifier(pipe)));
    } else {
      healthy.push_back(fmt::format("{}: active{}", name, retained));
    }
    if (!slot.active && slot.wal_status != "lost") {
      fix.steps.push_back(fmt::format(
          "If the pipe of {} was deleted, drop its slot: SELECT pg_drop_replication_slot({});",
          name, quote_literal(slot.name)));
    }
  }
  const std::size_t total = failures.size() + warnings.size() + healthy.size();
  if (total == 0) {
    return make_result(Status::skip, "no ClickPipes slot (peerflow_slot_*) on this server");
  }
  std::vector<std::string> details = failures;
  details.insert(details.end(), warnings.begin(), warnings.end());
  details.insert(details.end(), healthy.begin(), healthy.end());
  if (any_inactive) {
    const Platform platform = platform_of(facts);
    if (platform == Platform::neon) {
      details.emplace_back(kNeonRemovesInactiveSlots);
    } else if (platform == Platform::azure) {
      details.emplace_back(kAzureDropsUnusedSlots);
    }
  }
  fix.docs = kClickPipesPostgresFaqDocs;
  if (!failures.empty()) {
    fix.steps.insert(fix.steps.begin(),
                     "Resync the pipe whose slot was invalidated (in ClickPipes: the pipe's "
                     "Resync action), and keep max_slot_wal_keep_size large enough "
                     "(settings.wal_retention).");
    return make_result(
        Status::fail,
        fmt::format("{} of {}: {}",
                    count_of(failures.size(), "ClickPipes slot fails", "ClickPipes slots fail"),
                    total, failures.front()),
        std::move(details), std::move(fix));
  }
  if (!warnings.empty()) {
    return make_result(Status::warn,
                       fmt::format("{} of {} needs attention: {}",
                                   count_of(warnings.size(), "ClickPipes slot", "ClickPipes slots"),
                                   total, warnings.front()),
                       std::move(details), std::move(fix));
  }
  return make_result(
      Status::pass,
      fmt::format("{} healthy", count_of(total, "ClickPipes slot is", "ClickPipes slots are")),
      std::move(details));
}

}  // namespace cdcpreflight::checks
