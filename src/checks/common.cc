#include "checks/common.h"

#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/sql_quote.h"
#include "remediation/docs.h"

namespace cdcpreflight {

CheckResult make_result(Status status, std::string summary, std::vector<std::string> details,
                        Remediation remediation) {
  CheckResult result;
  result.status = status;
  result.summary = std::move(summary);
  result.details = std::move(details);
  result.remediation = std::move(remediation);
  return result;
}

std::string display_name(const TableFacts& table) { return display_name(table.schema, table.name); }

std::string count_of(std::size_t count, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

const char* setup_docs(const Facts& facts) { return setup_docs(platform_of(facts)); }

bool is_aws(const Facts& facts) { return is_aws_platform(platform_of(facts)); }

}  // namespace cdcpreflight
