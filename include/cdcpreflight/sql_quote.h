// Safe SQL for remediations: every identifier and literal the tool prints goes
// through these, so nothing read from a server is ever spliced unquoted.
//
// A name holding a character that printable() (util/printable.h) would escape
// (a control character, a line or paragraph separator, a bidirectional control,
// U+FFFE/U+FFFF) is written in PostgreSQL's Unicode-escape form, U&"…" or U&'…',
// with that character as \XXXX (\+XXXXXX beyond U+FFFF) and a backslash as \\:
// the statement names the same object, yet never carries the character raw to a
// terminal, a viewer or psql. Every other name keeps the plain form. Bytes that
// are not UTF-8 have no escape and stay raw (an SQL_ASCII database can hold
// them); --format sql withholds a statement that holds any.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

// Always double-quotes, doubling embedded quotes: we"ird -> "we""ird";
// esc<ESC> -> U&"esc\001B".
[[nodiscard]] std::string quote_identifier(std::string_view name);

// "schema"."table"
[[nodiscard]] std::string quote_qualified(std::string_view schema, std::string_view name);

// A standard-conforming string literal: it's -> 'it''s'. A value holding a
// backslash, or a character printable() would escape, takes the U& form:
// C:\x -> U&'C:\\x'. standard_conforming_strings is on by default in every
// supported version (since 9.1), and U&'…' is read only when it is on; where a
// database or role turns it off, the server refuses a U& literal rather than
// reading it differently, while a plain one (no backslash) reads the same.
[[nodiscard]] std::string quote_literal(std::string_view value);

// A name as a user reads it: bare when it is a plain lower-case identifier,
// quoted otherwise ("We""ird"."Table").
[[nodiscard]] std::string display_identifier(std::string_view name);
[[nodiscard]] std::string display_name(std::string_view schema, std::string_view name);

}  // namespace cdcpreflight
