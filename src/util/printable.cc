#include "util/printable.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/utf8.h"

namespace cdcpreflight {

// Characters that move the cursor, start an escape sequence or reorder what
// follows: C0 and C1 controls, DEL, LINE/PARAGRAPH SEPARATOR, the bidirectional
// marks, embeddings, overrides and isolates, and the noncharacters U+FFFE/U+FFFF
// (which XML cannot hold).
bool is_hidden(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFFFE || c == 0xFFFF;
}

namespace {

// Calls visible(sequence) for what may be shown and escaped(text) otherwise.
template <typename Visible, typename Escaped>
void scan(std::string_view text, Newlines newlines, Visible visible, Escaped escaped) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      escaped(fmt::format("\\x{:02x}", static_cast<unsigned char>(text[at])));
      ++at;
      continue;
    }
    const char32_t c = utf8_code_point(text, at, length);
    if (!is_hidden(c) || (c == '\n' && newlines == Newlines::keep)) {
      visible(text.substr(at, length));
    } else if (c <= 0xFF) {
      escaped(fmt::format("\\x{:02x}", static_cast<unsigned>(c)));
    } else {
      escaped(fmt::format("\\u{:04X}", static_cast<unsigned>(c)));
    }
    at += length;
  }
}

}  // namespace

std::string printable(std::string_view text, Newlines newlines) {
  std::string out;
  out.reserve(text.size());
  scan(
      text, newlines, [&](std::string_view kept) { out.append(kept); },
      [&](const std::string& escape) { out += escape; });
  return out;
}

bool is_printable(std::string_view text, Newlines newlines) {
  bool clean = true;
  const auto keep = [](std::string_view) {};
  const auto escaped = [&](const std::string&) { clean = false; };
  scan(text, newlines, keep, escaped);
  return clean;
}

namespace {

// Where the first character escape_hidden_in_json escapes starts, or npos.
std::size_t first_hidden(std::string_view json) {
  for (std::size_t at = 0; at < json.size();) {
    const auto byte = static_cast<unsigned char>(json[at]);
    if (byte < 0x80) {
      if (byte != '\n' && is_hidden(byte)) {
        return at;
      }
      ++at;
      continue;
    }
    const std::size_t length = utf8_sequence_length(json, at);
    if (length == 0 || is_hidden(utf8_code_point(json, at, length))) {
      return at;
    }
    at += length;
  }
  return std::string_view::npos;
}

}  // namespace

std::string escape_hidden_in_json(std::string json) {
  const std::size_t first = first_hidden(json);
  if (first == std::string_view::npos) {
    return json;
  }
  std::string out;
  out.reserve(json.size() + 16);
  out.append(json, 0, first);
  for (std::size_t at = first; at < json.size();) {
    const std::size_t length = utf8_sequence_length(json, at);
    const char32_t c = length == 0 ? 0xFFFD : utf8_code_point(json, at, length);
    // Such characters occur only inside strings, and all are in the Basic
    // Multilingual Plane: one \uXXXX each.
    if (c != '\n' && is_hidden(c)) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.append(json, at, std::max<std::size_t>(length, 1));
    }
    at += std::max<std::size_t>(length, 1);
  }
  return out;
}

}  // namespace cdcpreflight
