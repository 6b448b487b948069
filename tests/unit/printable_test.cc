// util/printable.h: what may drive a terminal or reorder a line is shown as an
// escape; the rest of the text, multibyte letters included, is kept.
#include <gtest/gtest.h>

#include "util/printable.h"

namespace cdcpreflight {
namespace {

TEST(Printable, EscapesC0DelAndC1Controls) {
  EXPECT_EQ(printable("a\x1b]52;c;eA==\x07"
                      "b"),
            "a\\x1b]52;c;eA==\\x07b");
  EXPECT_EQ(printable("x\by\x7f"), "x\\x08y\\x7f");
  EXPECT_EQ(printable("\xc2\x9b"
                      "2J"),
            "\\x9b2J");  // U+009B, the 8-bit CSI
  EXPECT_EQ(printable("tab\there"), "tab\\x09here");
}

TEST(Printable, EscapesBytesThatAreNotUtf8) {
  EXPECT_EQ(printable("a\x9b"
                      "b\xff"),
            "a\\x9bb\\xff");
  EXPECT_EQ(printable("\xe2\x80"), "\\xe2\\x80");  // a sequence cut short
}

TEST(Printable, EscapesLineSeparatorsBidiControlsAndNoncharacters) {
  EXPECT_EQ(printable("a\xe2\x80\xa8"
                      "b"),
            "a\\u2028b");
  EXPECT_EQ(printable("\xe2\x80\xae"
                      "evil"),
            "\\u202Eevil");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(printable("\xe2\x81\xa6"), "\\u2066");
  EXPECT_EQ(printable("\xef\xbf\xbe\xef\xbf\xbf"), "\\uFFFE\\uFFFF");
}

TEST(Printable, KeepsLettersAndNewlinesWhenAsked) {
  EXPECT_EQ(printable("Tàblé ünï 表"), "Tàblé ünï 表");
  EXPECT_EQ(printable("one\ntwo"), "one\\x0atwo");
  EXPECT_EQ(printable("one\ntwo", Newlines::keep), "one\ntwo");
  EXPECT_TRUE(is_printable("plain name"));
  EXPECT_FALSE(is_printable("a\rb"));
  EXPECT_TRUE(is_printable("a\nb", Newlines::keep));
}

}  // namespace
}  // namespace cdcpreflight
