#include "gather/conninfo.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include <fmt/format.h>

#include "gather/libpq.h"
#include "util/secrets.h"
#include "util/text.h"

namespace cdcpreflight {

namespace {

bool looks_like_conninfo(std::string_view dbname) {
  return contains(dbname, "=") || dbname.starts_with("postgresql://") ||
         dbname.starts_with("postgres://");
}

}  // namespace

void check_connect_options(const ConnectOptions& options) {
  if (options.dbname.empty() || !looks_like_conninfo(options.dbname)) {
    return;
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.dbname.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error != nullptr
                              ? mask_conninfo_error(options.dbname, libpq_message(error))
                              : "out of memory";
    PQfreemem(error);
    throw InvalidConninfo("invalid connection string in -d/--dbname: " + message);
  }
  PQconninfoFree(parsed);
}

std::string requested_host(const ConnectOptions& options) {
  std::string host = options.host;
  if (!options.dbname.empty() && looks_like_conninfo(options.dbname)) {
    if (PQconninfoOption* parsed = PQconninfoParse(options.dbname.c_str(), nullptr)) {
      for (PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
        if (std::string_view(option->keyword) == "host" && option->val != nullptr &&
            *option->val != '\0') {
          host = option->val;
        }
      }
      PQconninfoFree(parsed);
    }
  }
  if (host.empty()) {
    if (const char* env = std::getenv("PGHOST"); env != nullptr) {
      host = env;
    }
  }
  return host.substr(0, host.find(','));
}

std::string effective_option(PGconn* conn, std::string_view keyword) {
  std::string value;
  PQconninfoOption* options = PQconninfo(conn);
  if (options == nullptr) {
    return value;
  }
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (keyword == option->keyword && option->val != nullptr) {
      value = option->val;
    }
  }
  PQconninfoFree(options);
  return value;
}

std::optional<std::chrono::seconds> connect_timeout_of(PGconn* conn) {
  const std::string value = effective_option(conn, "connect_timeout");
  if (value.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  const long seconds = std::strtol(value.c_str(), &end, 10);
  while (end != nullptr && *end != '\0' && std::isspace(static_cast<unsigned char>(*end)) != 0) {
    ++end;
  }
  if (errno != 0 || end == value.c_str() || *end != '\0' || seconds > INT_MAX ||
      seconds < INT_MIN) {
    throw InvalidConninfo(fmt::format(
        "invalid connection settings: invalid integer value \"{}\" for connection option "
        "\"connect_timeout\"",
        libpq_message(value)));
  }
  if (seconds <= 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::max(seconds, 2L));
}

}  // namespace cdcpreflight
