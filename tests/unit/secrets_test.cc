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
  EXPECT_EQ(mask_inline_passwords("postgres://host:5432/db@x"), "postgres://host:5432/db@x");
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

TEST(ScrubSecrets, ReplacesEveryRegisteredSecret) {
  register_secret("registered-Secret");
  EXPECT_EQ(scrub_secrets("a registered-Secret and registered-Secret"), "a ******** and ********");
}

}  // namespace
}  // namespace cdcpreflight
