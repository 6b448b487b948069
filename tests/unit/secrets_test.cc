// Password masking of conninfo strings and URIs as libpq reads them (the cases
// fuzz/conninfo_fuzzer.cc found the former regular expressions leaking), and of
// libpq's errors about strings it cannot parse.
#include <gtest/gtest.h>

#include "util/secrets.h"

namespace cdcpreflight {
namespace {

TEST(MaskInlinePasswords, MasksConninfoValuesWhole) {
  EXPECT_EQ(mask_inline_passwords("host=h password=s3cret dbname=app"),
            "host=h password=******** dbname=app");
  EXPECT_EQ(mask_inline_passwords("password = 'it\\'s' user=u"), "password = ******** user=u");
  EXPECT_EQ(mask_inline_passwords("password='two \\' words' user=u"), "password=******** user=u");
  EXPECT_EQ(mask_inline_passwords("password=two\\ words user=u"), "password=******** user=u");
  EXPECT_EQ(mask_inline_passwords("password='lead\\\\q\"uo'te"), "password=********te");
  EXPECT_EQ(mask_inline_passwords("password=q\"uo'te user=u"), "password=******** user=u");
  EXPECT_EQ(mask_inline_passwords("password='unterminated"), "password=********");
}

// libpq skips white space after "=": `password= user=u` is the password "user=u".
TEST(MaskInlinePasswords, ReadsTheValueAfterSpacesAsLibpqDoes) {
  EXPECT_EQ(mask_inline_passwords("password= user=u"), "password= ********");
  EXPECT_EQ(mask_inline_passwords("user=u password="), "user=u password=");
  EXPECT_EQ(mask_inline_passwords("no password here"), "no password here");
}

TEST(MaskInlinePasswords, MasksTheUserInfoPasswordOfAUriUpToTheAt) {
  EXPECT_EQ(mask_inline_passwords("postgresql://u:with space?#&@localhost/app"),
            "postgresql://u:********@localhost/app");
  EXPECT_EQ(mask_inline_passwords("x POSTGRES://u:p%40ss:w@h/db y"),
            "x POSTGRES://u:********@h/db y");
  EXPECT_EQ(mask_inline_passwords("postgres://host:5432/db"), "postgres://host:5432/db");
  EXPECT_EQ(mask_inline_passwords("postgres://u@host:5432/db"), "postgres://u@host:5432/db");
}

// libpq would take `pa` for a port and `ss@h` for a host: the user meant a
// password, and its every part is masked wherever the URI is echoed.
TEST(MaskInlinePasswords, MasksAUriPasswordTypedWithASlashOrAnAt) {
  EXPECT_EQ(mask_inline_passwords("postgres://u:pa/ss@h/db"), "postgres://u:********@h/db");
  EXPECT_EQ(mask_inline_passwords("database \"postgres://u:p@ss@h/db\" does not exist"),
            "database \"postgres://u:********@h/db\" does not exist");
  EXPECT_EQ(mask_inline_passwords("postgres://u:pw@h/db?application_name=a@b"),
            "postgres://u:********@h/db?application_name=a@b");
  // An `@` after the path may be part of the database name; it is masked all the same.
  EXPECT_EQ(mask_inline_passwords("postgres://host:5432/db@x"), "postgres://host:********@x");
}

TEST(MaskInlinePasswords, MasksAUriQueryPasswordEvenWithAnEncodedKeyword) {
  EXPECT_EQ(mask_inline_passwords("postgres://h/db?password=a b&sslmode=require"),
            "postgres://h/db?password=********&sslmode=require");
  EXPECT_EQ(mask_inline_passwords("postgres://h/?user=u&pass%77ord=x"),
            "postgres://h/?user=u&pass%77ord=********");
}

TEST(MaskConninfoError, MasksTheTokenLibpqQuotes) {
  EXPECT_EQ(mask_conninfo_error("postgresql://u:Top%zz@h/db",
                                "invalid percent-encoded token: \"Top%zz\""),
            "invalid percent-encoded token: \"********\"");
  EXPECT_EQ(mask_conninfo_error("host=h password=Top Secret",
                                "missing \"=\" after \"Secret\" in connection info string"),
            "missing \"=\" after \"********\" in connection info string");
  EXPECT_EQ(
      mask_conninfo_error("password=x bad\"name=1", "invalid connection option \"bad\"name\""),
      "invalid connection option \"********\"");
}

TEST(MaskConninfoError, KeepsTheMessageOfAStringWithoutPassword) {
  EXPECT_EQ(
      mask_conninfo_error("host=h port", "missing \"=\" after \"port\" in connection info string"),
      "missing \"=\" after \"port\" in connection info string");
}

// A -d URI whose password libpq read as a port or a host: its complaint quotes
// that part, which is masked.
TEST(MaskConninfoError, MasksWhatLibpqQuotesOfAUriEvenWithoutAPasswordItCouldRead) {
  EXPECT_EQ(mask_conninfo_error("postgres://u:pa/ss@h/db",
                                "invalid integer value \"pa\" for connection option \"port\""),
            "invalid integer value \"********\" for connection option \"port\"");
}

// Masking looks only where a password can be: the words of a password are not
// searched for anywhere else.
TEST(MaskInlinePasswords, LeavesTextWithoutConninfoOrUriAlone) {
  EXPECT_EQ(mask_inline_passwords(
                "\"ready\": true, \"dbname\": \"postgres\", \"platform\": \"postgresql\""),
            "\"ready\": true, \"dbname\": \"postgres\", \"platform\": \"postgresql\"");
}

}  // namespace
}  // namespace cdcpreflight
