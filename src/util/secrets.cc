#include "util/secrets.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "util/text.h"

namespace cdcpreflight {

namespace {

// The masking follows libpq's own reading (conninfo_parse and
// conninfo_uri_parse_options in fe-connect.c), so that whatever libpq takes for a
// password is masked whole:
// - conninfo: `password`, optional spaces, `=`, optional spaces, then a value quoted
//   with '…' (ending at the first quote no backslash escapes) or unquoted (ending at
//   white space; a backslash escapes the next byte, a space too);
// - URI: postgres[ql]://user:PASSWORD@…, in any case (libpq looks for the `@` up to
//   the first `/`; a password typed with `/` or `@` in it is masked up to the last
//   `@` before the query);
// - URI query: ?…&password=VALUE, the keyword possibly percent-encoded, the value
//   ending at the next `&`.
// What is masked is a range of the text: [begin, end).
using Range = std::pair<std::size_t, std::size_t>;

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// The end of the conninfo value that starts at `at`.
std::size_t conninfo_value_end(std::string_view text, std::size_t at) {
  const bool quoted = at < text.size() && text[at] == '\'';
  for (std::size_t i = quoted ? at + 1 : at; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (quoted ? text[i] == '\'' : is_space(text[i])) {
      return quoted ? i + 1 : i;
    }
  }
  return text.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lowercase(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// A URI query keyword, percent-decoded as libpq decodes it, in lower case.
std::string decoded_keyword(std::string_view text) {
  std::string keyword;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      keyword += lowercase(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      keyword += lowercase(text[i]);
    }
  }
  return keyword;
}

std::vector<Range> password_ranges(std::string_view text) {
  std::vector<Range> ranges;
  for (std::size_t at = 0; at < text.size(); ++at) {
    // conninfo: password = value (in a URI query, the rule below applies)
    constexpr std::string_view kKeyword = "password";
    if (starts_with_ignoring_case(text, at, kKeyword) &&
        (at == 0 || (text[at - 1] != '?' && text[at - 1] != '&'))) {
      std::size_t i = at + kKeyword.size();
      while (i < text.size() && is_space(text[i])) ++i;
      if (i < text.size() && text[i] == '=') {
        ++i;
        while (i < text.size() && is_space(text[i])) ++i;
        ranges.emplace_back(i, conninfo_value_end(text, i));
      }
    }
    // URI: scheme://user:password@
    for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
      if (starts_with_ignoring_case(text, at, scheme)) {
        const std::size_t start = at + scheme.size();
        // libpq's password ends at the first `@` before the first `/`. One typed
        // with an `@` or a `/` in it reaches further: up to the last `@` before
        // the first `/`, or up to the last `@` before the query (or the quote or
        // line end that ends an echo). When unsure, more is masked, not less.
        const std::size_t slash = std::min(text.find('/', start), text.size());
        const std::size_t query = std::min(text.find_first_of("?\"\n\r", slash), text.size());
        const std::size_t first_at = text.find('@', start);
        const std::size_t last_at = text.substr(0, query).rfind('@');
        const std::size_t colon = text.find(':', start);
        if (first_at < query && last_at != std::string_view::npos && last_at >= start &&
            colon < first_at) {
          ranges.emplace_back(colon + 1, last_at);
        }
        break;
      }
    }
    // URI query: ?password=value&…
    if (text[at] == '?' || text[at] == '&') {
      const std::size_t equals = text.find_first_of("=&", at + 1);
      if (equals != std::string_view::npos && text[equals] == '=' &&
          decoded_keyword(text.substr(at + 1, equals - at - 1)) == "password") {
        const std::size_t end = text.find('&', equals + 1);
        ranges.emplace_back(equals + 1, end == std::string_view::npos ? text.size() : end);
      }
    }
  }
  return ranges;
}

// A postgres[ql]:// URI, in any case and after any leading space: libpq expands
// only the exact lower-case prefix, but what a user meant as a URI may carry a
// password all the same.
bool is_uri(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size() && is_space(text[at])) ++at;
  return starts_with_ignoring_case(text, at, "postgresql://") ||
         starts_with_ignoring_case(text, at, "postgres://");
}

std::string masked(std::string_view text, std::vector<Range> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::string result;
  std::size_t copied = 0;
  for (const auto& [begin, end] : ranges) {
    if (end <= begin || end <= copied) {
      continue;  // empty, or within a range already masked
    }
    if (begin >= copied) {
      result.append(text.substr(copied, begin - copied));
      result += kMask;
    }
    copied = end;
  }
  result.append(text.substr(std::min(copied, text.size())));
  return result;
}

}  // namespace

std::string mask_inline_passwords(std::string_view text) {
  return masked(text, password_ranges(text));
}

std::string mask_conninfo_error(std::string_view conninfo, std::string_view error) {
  std::string message = mask_inline_passwords(error);
  if (password_ranges(conninfo).empty() && !is_uri(conninfo)) {
    return message;
  }
  // libpq quotes what it could not read, last in its message (fe-connect.c): a
  // token that may be the password, or a part of it (`password=two words`: missing
  // "=" after "words"), and that may hold quotes itself. Known messages tell where
  // it starts; in any other (a translation), everything from the first quote goes.
  std::size_t open = message.find('"');
  if (const std::size_t uri = message.find(": \""); uri != std::string::npos) {
    open = uri + 2;  // the URI messages: …: "token"
  }
  for (const std::string_view introduction :
       {"missing \"=\" after \"", "invalid connection option \""}) {
    if (message.starts_with(introduction)) {
      open = introduction.size() - 1;
    }
  }
  if (open == std::string::npos) {
    return message;
  }
  std::size_t close = message.rfind('"');
  // libpq's check of an option's value names the option after it.
  constexpr std::string_view kOptionValue = "invalid integer value \"";
  if (message.starts_with(kOptionValue)) {
    open = kOptionValue.size() - 1;
    close = std::min(message.find("\" for connection option"), close);
  }
  return masked(message, {{open + 1, close > open ? close : message.size()}});
}

}  // namespace cdcpreflight
