// Checks: pure functions over Facts, registered in one static catalogue.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/remediation.h"

namespace cdcpreflight {

enum class Status { pass, warn, fail, skip, error };

[[nodiscard]] const char* to_string(Status status);

struct CheckResult {
  std::string id;
  std::string title;
  Status status = Status::pass;
  std::string summary;               // one line: what was found
  std::vector<std::string> details;  // e.g. every offending table (renderers cap)
  Remediation remediation;           // for warn / fail
};

// What to check of the facts: which tables, which checks, and the age at which
// a transaction is old. (The role, the publication and whether the slot probe
// ran are facts: gather resolved them.)
struct ScopeRequest {
  std::vector<std::string> schemas;  // only the tables of these schemas…
  std::vector<std::string> tables;   // …and these, as SCHEMA.TABLE (SQL quoting allowed)
  std::vector<std::string> skip;     // check ids not to run
  int long_tx_minutes = 5;           // 0: every open transaction is old
  // --clickpipes-region: the ClickPipes region whose egress IPs aws.network
  // requires; empty: every region's are held against the security groups.
  std::string clickpipes_region;
};

// The tables to replicate, resolved against the facts.
struct Scope {
  ScopeRequest request;
  // Indexes into Facts::tables: the tables ClickPipes reads, partitions
  // represented by their partitioned root; unlogged tables included.
  std::vector<std::size_t> tables;
  // Indexes into Facts::tables of every table whose replica identity matters:
  // the scoped tables and every partition under a scoped root (unlogged excluded).
  std::vector<std::size_t> identity_tables;
  // Indexes into Facts::schemas of the schemas holding scoped tables, plus the
  // ones named in the request.
  std::vector<std::size_t> schemas;
  std::vector<std::string> missing_schemas;  // requested schemas that do not exist
  std::vector<std::string> missing_tables;   // requested tables that do not exist
  // Schemas whose every table is in scope (not narrowed to some tables): a schema-wide
  // GRANT is the right fix there.
  std::vector<std::string> whole_schemas;
  [[nodiscard]] bool narrowed() const {
    return !request.schemas.empty() || !request.tables.empty();
  }
};

[[nodiscard]] Scope resolve_scope(const Facts& facts, const ScopeRequest& request);

using CheckFunction = CheckResult (*)(const Facts&, const Scope&);

struct CheckDefinition {
  std::string_view id;
  std::string_view title;  // the passing condition, e.g. "wal_sender_timeout is 0"
  std::string_view why;    // why CDC needs it
  std::string_view warns;  // when it warns; empty: never
  std::string_view fails;  // when it fails; empty: never
  // How its verdict or fix differs between the platforms server.platform tells
  // apart (docs/platforms.md); empty: the same on every platform.
  std::string_view platforms = {};
  std::vector<FactGroup> needs;  // fact groups read; `connection` is implied
  CheckFunction evaluate;
  // The check reads the AWS control plane only: it runs whether or not the
  // database could be reached.
  bool control_plane = false;

  // A check that at worst warns: an `error` there counts as a warning.
  [[nodiscard]] bool can_fail() const { return !fails.empty(); }
};

// Every check, in report order.
[[nodiscard]] std::span<const CheckDefinition> catalogue();
[[nodiscard]] const CheckDefinition* find_check(std::string_view id);

// A check's group: its id up to the dot (`settings` of settings.wal_retention).
[[nodiscard]] std::string_view group_of(std::string_view id);

// Runs every check of the catalogue: `skip` for --skip ids and, when not
// connected, for everything but `connection`; `error` when a needed fact group
// could not be read.
[[nodiscard]] std::vector<CheckResult> run_checks(const Facts& facts, const Scope& scope);

// One fix for one parameter group: on Aurora and RDS, when the fixes of two or
// more warning or failing checks set parameters, one fix sets them all (one
// custom group if the attached one is default.*, one modify call carrying every
// parameter, one reboot). Each of those checks' fixes then keeps its own steps
// and points to it instead of repeating the group's steps and commands.
struct ParameterGroupFix {
  std::vector<std::string> checks;  // the ids whose parameters it sets, in report order
  Remediation remediation;
};
[[nodiscard]] std::optional<ParameterGroupFix> combine_parameter_fixes(
    const Facts& facts, std::vector<CheckResult>& results);

}  // namespace cdcpreflight
