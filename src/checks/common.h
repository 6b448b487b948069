// Small helpers shared by the checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cdcpreflight/check.h"
#include "cdcpreflight/facts.h"
#include "cdcpreflight/sql_quote.h"

namespace cdcpreflight {

[[nodiscard]] CheckResult make_result(Status status, std::string summary,
                                      std::vector<std::string> details = {},
                                      Remediation remediation = {});

// display_name (cdcpreflight/sql_quote.h) of a table.
[[nodiscard]] std::string display_name(const TableFacts& table);

// "1 table" / "3 tables"
[[nodiscard]] std::string count_of(std::size_t count, std::string_view singular,
                                   std::string_view plural);

// The ClickPipes setup guide for the platform.
[[nodiscard]] const char* setup_docs(const Facts& facts);

[[nodiscard]] bool is_aws(const Facts& facts);

}  // namespace cdcpreflight
