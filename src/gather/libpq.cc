#include "gather/libpq.h"

#include <fmt/format.h>

#include "cdcpreflight/gather.h"
#include "util/secrets.h"

namespace cdcpreflight {

std::string libpq_message(std::string_view text) {
  std::string line;
  bool after_newline = false;
  for (const char c : text) {
    // libpq breaks its messages with "\n" and indents its hints with "\t" ("...failed:
    // Connection refused\n\tIs the server running..."): layout, read as one space. A tab
    // anywhere else (in a quoted name, say) is the text's own and stays for printable().
    if (c == '\n' || (c == '\t' && after_newline)) {
      if (!line.empty() && line.back() != ' ') {
        line += ' ';
      }
      after_newline = true;
    } else {
      line += c;
      after_newline = false;
    }
  }
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
  return mask_inline_passwords(line);
}

std::string libpq_error(const PGconn* conn) { return libpq_message(PQerrorMessage(conn)); }

std::string libpq_version() {
  // 150010 for 15.10 (10 and later: major * 10000 + minor).
  const int version = PQlibVersion();
  return fmt::format("{}.{}", version / 10000, version % 10000);
}

}  // namespace cdcpreflight
