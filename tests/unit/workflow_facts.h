// Facts for the report-format tests (golden files, JUnit, GitHub, Markdown): a
// cluster with a bit of everything, so that every status and every escaping
// rule of every renderer shows.
#pragma once

#include <string>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {

// A table name that needs escaping in XML, HTML, SQL and JSON alike.
inline constexpr const char* kHostileTable = "we\"ird <&> name";
// A table name holding a line break (and a %, a CR and a comma, for GitHub's
// workflow commands): the checks name it in its U&"…" form, the line feed and
// the CR as escapes.
inline constexpr const char* kTwoLineTable = "two\nlines 100%,\r: done";
// A table name with a Markdown column separator and a run of backticks.
inline constexpr const char* kPipeTable = "pipe|and```tick";
// The version the reports of these tests claim, whatever the build's.
inline constexpr const char* kFixedToolVersion = "9.9.9-test";

// The ready Aurora of FactsBuilder, but:
// - fail:  grants.schema_usage (schema sales without USAGE), grants.table_select
//          (sales."two\nlines…" not readable), tables.replica_identity (public.
//          `we"ird <&> name` has no key);
// - warn:  settings.wal_sender_timeout (5 min), tables.unlogged
//          (public."pipe|and```tick");
// - error: the activity query was refused, so settings.replication_capacity (a
//          check that can fail), activity.long_transactions and slots.inactive
//          (checks that can only warn) could not be evaluated; its message spans
//          two lines;
// - skip:  replication.slot_probe (no --deep).
inline Facts workflow_facts() {
  return FactsBuilder()
      .setting("wal_sender_timeout", "300000", "ms")
      .table("public", kHostileTable,
             [](TableFacts& t) {
               t.has_primary_key = false;
               t.owner = "we\"ird owner";
             })
      .table("public", kPipeTable, [](TableFacts& t) { t.unlogged = true; })
      .schema("sales", false)
      .table("sales", kTwoLineTable, [](TableFacts& t) { t.select = false; })
      .query_error(FactGroup::activity, "42501",
                   "permission denied for view pg_stat_activity\n"
                   "HINT: 100% of it needs pg_read_all_stats, or: a superuser")
      .build();
}

// Its report, with a fixed tool version (generated_at is the facts' own).
inline Report workflow_report(Strict strict = Strict::no) {
  Report report = report_of(workflow_facts(), strict);
  report.tool_version = kFixedToolVersion;
  return report;
}

inline const CheckResult& result_of(const Report& report, std::string_view id) {
  for (const CheckResult& check : report.checks) {
    if (check.id == id) {
      return check;
    }
  }
  throw std::logic_error("no check " + std::string(id) + " in the report");
}

}  // namespace cdcpreflight::testing
