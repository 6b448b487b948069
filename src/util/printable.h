// Text read from a server or a snapshot, made harmless for a terminal, a log
// line or a comment: what could drive the reader's display is shown as an
// escape instead. Control characters (C0, DEL, C1) and bytes that are not
// UTF-8 become \xNN; the Unicode characters that break or reorder lines (line
// and paragraph separators, bidirectional controls) and the noncharacters
// U+FFFE/U+FFFF become \uXXXX. Everything else is kept as it is.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

enum class Newlines { escape, keep };

[[nodiscard]] std::string printable(std::string_view text, Newlines newlines = Newlines::escape);

// True when printable() would change nothing (ignoring newlines when kept).
[[nodiscard]] bool is_printable(std::string_view text, Newlines newlines = Newlines::escape);

// True for a character that printable() shows as an escape (a line feed too):
// what other outputs (SQL's U& forms, JSON's \u escapes) must not carry raw.
// Every such character is in the Basic Multilingual Plane.
[[nodiscard]] bool is_hidden(char32_t code_point);

// JSON text (UTF-8, as nlohmann's dump writes it) with every character
// printable() would escape but the line feeds written as its \uXXXX escape:
// the same strings for a JSON reader, nothing raw for a terminal or an editor
// showing the file. (The dump itself escapes C0 controls only.) Taken by
// value: a text with nothing to escape, the common case, is returned as it
// is, not copied.
[[nodiscard]] std::string escape_hidden_in_json(std::string json);

}  // namespace cdcpreflight
