// A value pasted into a shell command the user is told to run: quoted, so it
// is one word whatever it holds.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

// 'value', with each ' written '\'' (POSIX sh); a value of only safe
// characters (letters, digits, . _ - / : @ %) is left bare.
[[nodiscard]] std::string shell_quote(std::string_view value);

}  // namespace cdcpreflight
