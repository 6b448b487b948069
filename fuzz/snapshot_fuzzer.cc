// `check --from FILE` on arbitrary bytes: a snapshot is rejected cleanly or loads,
// and a loaded one goes through the whole offline path (scope, every check, every
// report format, redaction) without a crash, an exception or a sanitizer finding.
// Properties: no report holds a character that printable() would escape (but the
// line feeds between its lines, and the colours of the text report), nor a NUL,
// whatever the snapshot's strings; the JSON report parses back with one entry per
// check; a loaded snapshot writes back (`collect`) as JSON that loads as the same
// facts; what loads holds no number past what a server reports, so the scope's
// size never wraps negative.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "cdcpreflight/check.h"
#include "cdcpreflight/facts.h"
#include "cdcpreflight/report.h"
#include "facts/redact.h"
#include "facts/snapshot.h"
#include "util/printable.h"

namespace cdcpreflight {
namespace {

void render_every_format(const Facts& facts, const ScopeRequest& options) {
  const Scope scope = resolve_scope(facts, options);
  for (const Strict strict : {Strict::no, Strict::yes}) {
    const Report report = build_report(facts, scope, run_checks(facts, scope), strict);
    if (report.scope.estimated_bytes < 0 || render_sql(report).find('\0') != std::string::npos) {
      std::abort();
    }
    (void)render_text(report, Color::yes);
    const std::string json_report = render_json(report);
    for (const std::string& rendered :
         {render_text(report, Color::no), render_markdown(report), render_junit(report),
          render_github(report), render_sql(report), json_report}) {
      if (!is_printable(rendered, Newlines::keep)) {
        std::abort();
      }
    }
    // The JSON report must stay parseable whatever the names hold.
    const nlohmann::json json = nlohmann::json::parse(json_report, nullptr, false);
    if (json.is_discarded() ||
        json.value("checks", nlohmann::json::array()).size() != report.checks.size()) {
      std::abort();
    }
  }
}

}  // namespace
}  // namespace cdcpreflight

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cdcpreflight;
  // What `check --from` accepts (load_snapshot refuses another version, a NUL in
  // any string and a number out of its range); anything else is an input error.
  LoadedSnapshot loaded =
      load_snapshot(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!loaded.facts) {
    return 0;
  }
  const Facts facts = std::move(*loaded.facts);
  render_every_format(facts, ScopeRequest{});

  // Narrowed scopes: a schema and a table of the snapshot plus ones it lacks, a --skip.
  ScopeRequest narrowed;
  narrowed.long_tx_minutes = 0;
  narrowed.schemas = {"no_such_schema"};
  narrowed.tables = {"no_such_schema.t", "no_dot"};
  if (!facts.schemas.empty()) {
    narrowed.schemas.push_back(facts.schemas.front().name);
  }
  if (!facts.tables.empty()) {
    narrowed.tables.push_back(facts.tables.back().schema + "." + facts.tables.back().name);
  }
  narrowed.skip = {"server.version"};
  render_every_format(facts, narrowed);

  // collect writes the facts back; what it writes loads as the same snapshot.
  const auto written = [](const Facts& f) {
    return nlohmann::json(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  const std::string once = written(facts);
  const std::string twice = written(nlohmann::json::parse(once).get<Facts>());
  if (once != twice) {
    std::abort();
  }

  // collect --redact, then the same offline path.
  render_every_format(redact(facts), ScopeRequest{});
  return 0;
}
