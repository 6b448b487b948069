// The connection settings as psql takes them (-d may hold a conninfo string or
// a URI whose fields override -h/-p/-U), checked before any network step.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cdcpreflight/gather.h"

namespace cdcpreflight {

// The value libpq uses for `keyword` on this connection (from a flag, a -d
// field, a PG* variable, a service file or its default), empty when none.
[[nodiscard]] std::string effective_option(PGconn* conn, std::string_view keyword);

// The effective connect_timeout as libpq's blocking connect reads it: none when
// 0 or negative, at least 2 s otherwise. Throws InvalidConninfo when it is no
// number.
[[nodiscard]] std::optional<std::chrono::seconds> connect_timeout_of(PGconn* conn);

}  // namespace cdcpreflight
