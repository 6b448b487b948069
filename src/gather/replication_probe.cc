#include "gather/replication_probe.h"

#include <climits>

#include <fmt/format.h>

#include "gather/round_trip.h"
#include "gather/rows.h"

namespace cdcpreflight {

ReplicationProbe::ReplicationProbe(Connected connected) : connected_(std::move(connected)) {
  if (!connected_.conn) {
    return;
  }
  cancel_on_signal_.emplace(connected_.conn.get());
  if (std::optional<std::string> failure =
          send_one(connected_.conn.get(), {"IDENTIFY_SYSTEM", {}})) {
    failure_ = std::move(*failure);
    connected_.conn.reset();
  }
}

ReplicationConnectFacts ReplicationProbe::finish(std::chrono::milliseconds idle_timeout) {
  ReplicationConnectFacts facts;
  facts.attempted = true;
  if (!connected_.conn) {
    facts.message = failure_.empty() ? connected_.facts.failure_message : failure_;
    cancel_on_signal_.reset();
    return facts;
  }
  const StatementOutcome outcome = collect_one(connected_.conn.get(), idle_timeout);
  cancel_on_signal_.reset();
  connected_.conn.reset();
  if (!outcome.ok()) {
    facts.sqlstate = outcome.error.sqlstate;
    facts.message = outcome.error.message;
    return facts;
  }
  try {
    const Row row = Row::only(outcome.result.get());
    facts.system_identifier = row.text("systemid");
    facts.timeline = row.integer_in("timeline", 0, INT32_MAX);
  } catch (const UnexpectedAnswer& error) {
    facts.message = fmt::format("IDENTIFY_SYSTEM returned an unexpected result: {}", error.what());
    return facts;
  }
  facts.ok = true;
  return facts;
}

}  // namespace cdcpreflight
