// Small helpers shared by the checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cdcpreflight/check.h"
#include "cdcpreflight/facts.h"

namespace cdcpreflight {

[[nodiscard]] CheckResult make_result(Status status, std::string summary,
                                      std::vector<std::string> details = {},
                                      Remediation remediation = {});

// A name as a user reads it: bare when it is a plain lower-case identifier,
// quoted otherwise ("We""ird"."Table").
[[nodiscard]] std::string display_identifier(std::string_view name);
[[nodiscard]] std::string display_name(std::string_view schema, std::string_view name);
[[nodiscard]] std::string display_name(const TableFacts& table);

// "1 table" / "3 tables"
[[nodiscard]] std::string count_of(std::size_t count, std::string_view singular,
                                   std::string_view plural);

// The ClickPipes setup guide for the platform.
[[nodiscard]] const char* setup_docs(const Facts& facts);

[[nodiscard]] bool is_aws(const Facts& facts);

}  // namespace cdcpreflight
