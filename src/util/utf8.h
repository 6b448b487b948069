// Names from a server need not be UTF-8 (an SQL_ASCII database holds any
// bytes); formats that promise UTF-8 replace invalid sequences with U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

[[nodiscard]] std::string valid_utf8(std::string_view text);

}  // namespace cdcpreflight
