// Names from a server need not be UTF-8 (an SQL_ASCII database holds any
// bytes); formats that promise UTF-8 replace invalid sequences with U+FFFD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cdcpreflight {

[[nodiscard]] std::string valid_utf8(std::string_view text);

// The length of the well-formed UTF-8 sequence that starts at `at` (1 to 4),
// or 0 when the bytes there are not one.
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

// The code point of the well-formed sequence of `length` bytes at `at`.
[[nodiscard]] char32_t utf8_code_point(std::string_view text, std::size_t at, std::size_t length);

}  // namespace cdcpreflight
