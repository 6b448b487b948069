// Small text helpers, the same everywhere.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

[[nodiscard]] inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// ASCII lower case (host names, keywords): no locale.
[[nodiscard]] constexpr char lowercase(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
[[nodiscard]] std::string lowercase(std::string_view text);

// Whether `text` holds `word` (lower case) at `at`, in any case.
[[nodiscard]] bool starts_with_ignoring_case(std::string_view text, std::size_t at,
                                             std::string_view word);

}  // namespace cdcpreflight
