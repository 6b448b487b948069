// Passwords are masked where they can be, never by searching output for their
// text: in the conninfo strings and URIs the tool echoes (a command line, a -d
// value, a database name libpq did not expand) and in libpq's messages that
// quote them. The words of a password are not special anywhere else, so a
// password that is also a common word ("postgres", "true") changes nothing.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

inline constexpr std::string_view kMask = "********";

// Masks every password a conninfo string (password=…), a URI (://user:…@) or a
// URI query (?password=…) in `text` carries, as libpq would read it.
[[nodiscard]] std::string mask_inline_passwords(std::string_view text);

// libpq's error about `conninfo`, masked: when `conninfo` may carry a password
// (one libpq reads, or a URI, whose password libpq may have taken for a host,
// a port or a parameter when it holds a `/`, `?` or `,`), libpq's quoted
// tokens too, which may be (part of) it.
[[nodiscard]] std::string mask_conninfo_error(std::string_view conninfo, std::string_view error);

}  // namespace cdcpreflight
