#include "util/text.h"

namespace cdcpreflight {

std::string lowercase(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    c = lowercase(c);
  }
  return lowered;
}

bool starts_with_ignoring_case(std::string_view text, std::size_t at, std::string_view word) {
  if (at > text.size() || text.size() - at < word.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lowercase(text[at + i]) != word[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace cdcpreflight
