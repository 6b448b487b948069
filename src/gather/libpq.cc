#include "gather/libpq.h"

#include <fmt/format.h>

#include "cdcpreflight/gather.h"
#include "util/secrets.h"

namespace cdcpreflight {

std::string libpq_message(std::string_view text) {
  std::string line;
  for (const char c : text) {
    if (c == '\n') {
      if (!line.empty() && line.back() != ' ') {
        line += ' ';
      }
    } else {
      line += c;
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
