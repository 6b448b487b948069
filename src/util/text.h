// Small text helpers, the same everywhere.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

[[nodiscard]] inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// ASCII lower case (host names, keywords): no locale.
[[nodiscard]] std::string lowercase(std::string_view text);

}  // namespace cdcpreflight
