// Password masking (src/util/secrets.h) of conninfo strings and URIs, in every
// syntax libpq accepts for a password. The input chooses the syntax, the password
// (a marker at a position the input chooses inside bytes the input chooses), the
// other fields and the text around; the harness encodes each part as libpq reads
// it. Properties:
// - libpq reads the string it built with exactly that password (the harness
//   speaks libpq's syntax, so the masking is tested against libpq's own reading);
// - mask_inline_passwords of the string, inside any text, never shows the marker;
// - when the input asks for a malformed string, libpq's error about it, masked as
//   the tool masks it, never shows the marker either.
#include <fuzzer/FuzzedDataProvider.h>
#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/secrets.h"

namespace {

constexpr std::string_view kMarker = "Qz7pwMARKq";

// Bytes the input gives for a field: no NUL (libpq reads C strings), no marker.
std::string field(FuzzedDataProvider& input) {
  std::string text = input.ConsumeRandomLengthString(64);
  std::string clean;
  for (const char c : text) {
    if (c != '\0') {
      clean += c;
    }
  }
  for (std::size_t at = clean.find(kMarker); at != std::string::npos; at = clean.find(kMarker)) {
    clean.erase(at, kMarker.size());
  }
  return clean;
}

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// A conninfo value libpq reads back as `value` (conninfo_parse in fe-connect.c).
std::string conninfo_unquoted(std::string_view value) {
  std::string encoded;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' || is_space(c) || (i == 0 && c == '\'')) {
      encoded += '\\';
    }
    encoded += c;
  }
  return encoded;
}

std::string conninfo_quoted(std::string_view value) {
  std::string encoded = "'";
  for (const char c : value) {
    if (c == '\\' || c == '\'') {
      encoded += '\\';
    }
    encoded += c;
  }
  return encoded + "'";
}

// Percent-encodes the bytes of `value` that must be (`reserved`, '%', and what
// the input picks), leaving the marker as written.
std::string percent_encoded(std::string_view value, std::string_view reserved,
                            FuzzedDataProvider& input) {
  std::string encoded;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, kMarker.size()) == kMarker) {
      encoded += kMarker;
      i += kMarker.size() - 1;
      continue;
    }
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == '%' || reserved.find(static_cast<char>(c)) != std::string_view::npos ||
        input.ConsumeBool()) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    } else {
      encoded += static_cast<char>(c);
    }
  }
  return encoded;
}

enum class Syntax {
  conninfo_unquoted,  // password=se\ cret
  conninfo_quoted,    // password = 'se cret'
  uri_userinfo,       // postgresql://user:se%20cret@host/db
  uri_query,          // postgres://host/db?sslmode=prefer&password=se%20cret
  uri_query_keyword,  // the same with the keyword percent-encoded: pass%77ord=
  kMaxValue = uri_query_keyword,
};

// What the input chooses. Strings come from its front, choices from its end, in
// this order, so a seed is the strings, each ended by a backslash and a space, then
// a few bytes.
struct Choice {
  std::string before_marker, after_marker, user, dbname, prefix, suffix;
  Syntax syntax;
  bool postgresql_scheme;
  unsigned malformation;
};

Choice choose(FuzzedDataProvider& input) {
  Choice choice;
  for (std::string* part : {&choice.before_marker, &choice.after_marker, &choice.user,
                            &choice.dbname, &choice.prefix, &choice.suffix}) {
    *part = field(input);
  }
  choice.syntax = input.ConsumeEnum<Syntax>();
  choice.postgresql_scheme = input.ConsumeBool();
  choice.malformation = input.ConsumeIntegral<unsigned>() % 4;
  return choice;
}

// The string, in the chosen syntax; the rest of the input picks bytes to
// percent-encode in URIs.
std::string build(const Choice& choice, const std::string& password, FuzzedDataProvider& input) {
  const std::string scheme = choice.postgresql_scheme ? "postgresql://" : "postgres://";
  switch (choice.syntax) {
    case Syntax::conninfo_unquoted:
      return "host=localhost user=" + conninfo_quoted(choice.user) +
             " password=" + conninfo_unquoted(password) +
             " dbname=" + conninfo_unquoted(choice.dbname);
    case Syntax::conninfo_quoted:
      return "dbname=" + conninfo_quoted(choice.dbname) +
             "\tpassword = " + conninfo_quoted(password) +
             "\n user=" + conninfo_unquoted(choice.user);
    case Syntax::uri_userinfo: {
      const std::string user = percent_encoded(choice.user, ":@/", input);
      const std::string secret = percent_encoded(password, "@/", input);
      const std::string dbname = percent_encoded(choice.dbname, "?&=#/", input);
      return scheme + user + ":" + secret + "@localhost:5432/" + dbname + "?sslmode=prefer";
    }
    case Syntax::uri_query: {
      const std::string dbname = percent_encoded(choice.dbname, "?&=#/", input);
      const std::string user = percent_encoded(choice.user, "&=#", input);
      const std::string secret = percent_encoded(password, "&=#", input);
      return scheme + "localhost/" + dbname + "?user=" + user + "&password=" + secret +
             "&sslmode=prefer";
    }
    case Syntax::uri_query_keyword:
      return scheme + "%6Cocalhost/?pass%77ord=" + percent_encoded(password, "&=#", input);
  }
  return "";
}

// What libpq reads as the password of `conninfo`, or its error message.
struct Parsed {
  bool ok = false;
  std::string password;
  std::string error;
};

Parsed parse(const std::string& conninfo) {
  Parsed parsed;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    parsed.error = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return parsed;
  }
  parsed.ok = true;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
      parsed.password = option->val;
    }
  }
  PQconninfoFree(options);
  return parsed;
}

// A way to make the string malformed around or inside the password.
std::string malformed(std::string conninfo, const std::string& password, unsigned how) {
  const std::size_t at = conninfo.find(kMarker);
  switch (how) {
    case 0:  // a bad percent escape inside the password
      return conninfo.insert(at + kMarker.size(), "%zz");
    case 1:  // a forbidden %00
      return conninfo.insert(at, "%00");
    case 2:  // an unterminated quote
      return conninfo + " sslmode='require";
    default:  // the password again, as words without "=" (an unquoted space in it)
      return conninfo + " " + password;
  }
}

void expect_masked(std::string_view text) {
  if (text.find(kMarker) != std::string_view::npos) {
    std::fprintf(stderr, "password shown: %.*s\n", static_cast<int>(text.size()), text.data());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cdcpreflight;
  FuzzedDataProvider input(data, size);
  const Choice choice = choose(input);
  const std::string password = choice.before_marker + std::string(kMarker) + choice.after_marker;
  const std::string conninfo = build(choice, password, input);

  const Parsed parsed = parse(conninfo);
  if (!parsed.ok || parsed.password != password) {
    std::fprintf(stderr, "libpq reads %s as %s\n", conninfo.c_str(),
                 parsed.ok ? parsed.password.c_str() : parsed.error.c_str());
    std::abort();  // the harness does not write what libpq reads
  }

  // As a command line or a message echoes it, with any text around.
  expect_masked(mask_inline_passwords(conninfo));
  expect_masked(mask_inline_passwords(choice.prefix + " " + conninfo + " " + choice.suffix));

  // libpq's complaint about a malformed string, as check_conninfo reports it.
  const unsigned how = choice.malformation;
  const std::string bad = malformed(conninfo, password, how);
  const Parsed rejected = parse(bad);
  if (!rejected.ok) {
    expect_masked(mask_conninfo_error(bad, rejected.error));
  }
  if (how != 3) {  // not a password written as a bare word: nothing says it is one
    expect_masked(mask_inline_passwords(bad));
  }
  return 0;
}
