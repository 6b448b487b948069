// Secrets the tool knows (a prompted password, PGPASSWORD, a password inside a
// conninfo string or URI) are registered once; every message shown to a user
// or written to a log goes through scrub_secrets first.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

void register_secret(std::string secret);

// Replaces every registered secret in `text` with ********.
[[nodiscard]] std::string scrub_secrets(std::string_view text);

// Masks any password a conninfo string (password=…) or URI (://user:…@) in
// `text` carries: for echoes of the command line, whose secrets were never
// registered. Slow (a regex): for short messages, not reports.
[[nodiscard]] std::string mask_inline_passwords(std::string_view text);

}  // namespace cdcpreflight
