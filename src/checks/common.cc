#include "checks/common.h"

#include <fmt/format.h>

#include "cdcpreflight/sql_quote.h"
#include "checks/docs.h"

namespace cdcpreflight {

namespace {

bool is_plain_identifier(std::string_view name) {
  if (name.empty() || !((name.front() >= 'a' && name.front() <= 'z') || name.front() == '_')) {
    return false;
  }
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string display_identifier(std::string_view name) {
  return is_plain_identifier(name) ? std::string(name) : quote_identifier(name);
}

CheckResult make_result(Status status, std::string summary, std::vector<std::string> details,
                        Remediation remediation) {
  CheckResult result;
  result.status = status;
  result.summary = std::move(summary);
  result.details = std::move(details);
  result.remediation = std::move(remediation);
  return result;
}

std::string display_name(std::string_view schema, std::string_view name) {
  return display_identifier(schema) + "." + display_identifier(name);
}

std::string display_name(const TableFacts& table) { return display_name(table.schema, table.name); }

std::string count_of(std::size_t count, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

const char* setup_docs(const Facts& facts) {
  switch (platform_of(facts.server)) {
    case Platform::aurora:
      return kAuroraSetupDocs;
    case Platform::rds:
      return kRdsSetupDocs;
    case Platform::postgresql:
      return kGenericSetupDocs;
  }
  return kGenericSetupDocs;
}

bool is_aws(const Facts& facts) { return platform_of(facts.server) != Platform::postgresql; }

}  // namespace cdcpreflight
