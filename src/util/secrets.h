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

// Masks every password a conninfo string (password=…), a URI (://user:…@) or a
// URI query (?password=…) in `text` carries, as libpq would read it: for echoes
// of the command line, whose secrets were never registered.
[[nodiscard]] std::string mask_inline_passwords(std::string_view text);

// libpq's error about `conninfo`, which it could not parse, masked: when
// `conninfo` carries a password, libpq's quoted tokens too, which may be (part of) it.
[[nodiscard]] std::string mask_conninfo_error(std::string_view conninfo, std::string_view error);

}  // namespace cdcpreflight
