// `slots.clickpipes`: the slots ClickPipes created (peerflow_slot_<pipe>) and
// their publications (peerflow_pub_<pipe>), for support looking at an existing
// pipe: each slot must be pgoutput, in the database checked, active, and far
// from being invalidated; an invalidated one (wal_status lost) means the pipe
// must resync. PeerDB names its slot and publication after the pipe.
#include <algorithm>
#include <set>

#include <fmt/format.h>

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

}  // namespace

CheckResult clickpipes_slots(const Facts& facts, const Scope& /*scope*/) {
  const std::optional<std::int64_t> limit_mb =
      settings_of(facts.server).max_slot_wal_keep_size_mb.value;
  const std::set<std::string> publications(facts.publication_facts.clickpipes_publications.begin(),
                                           facts.publication_facts.clickpipes_publications.end());
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
  std::vector<std::string> healthy;
  Remediation fix;
  for (const ReplicationSlotFacts& slot : facts.activity.slots) {
    if (!slot.name.starts_with(kClickPipesSlotPrefix)) {
      continue;
    }
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
