// libpq_message: libpq's and the server's multi-line messages as one line.

#include <gtest/gtest.h>

#include "gather/libpq.h"

namespace cdcpreflight {
namespace {

// libpq 15's words for a refused TCP connection: its hint on a line of its own, indented
// with a tab. The layout is one space; no escaped \x09 reaches the report.
TEST(LibpqMessage, AHintIndentedWithATabIsOneSpace) {
  EXPECT_EQ(libpq_message("connection to server at \"127.0.0.1\", port 1 failed: Connection "
                          "refused\n\tIs the server running on that host and accepting TCP/IP "
                          "connections?\n"),
            "connection to server at \"127.0.0.1\", port 1 failed: Connection refused Is the "
            "server running on that host and accepting TCP/IP connections?");
}

TEST(LibpqMessage, LinesAreJoinedByOneSpaceAndTheLastNewlineIsDropped) {
  EXPECT_EQ(libpq_message("FATAL:  no pg_hba.conf entry\nDETAIL:  none\n"),
            "FATAL:  no pg_hba.conf entry DETAIL:  none");
  EXPECT_EQ(libpq_message("one \ntwo"), "one two");
  EXPECT_EQ(libpq_message("\n\t\n"), "");
}

// A tab that is not indentation belongs to the text (a quoted name, say): it stays, for
// printable() to show as \x09.
TEST(LibpqMessage, ATabInsideALineIsKept) {
  EXPECT_EQ(libpq_message("relation \"a\tb\" does not exist\n"),
            "relation \"a\tb\" does not exist");
}

TEST(LibpqMessage, InlinePasswordsAreMasked) {
  EXPECT_EQ(
      libpq_message("invalid connection option in \"password=hunter2 host=x\"").find("hunter2"),
      std::string::npos);
}

}  // namespace
}  // namespace cdcpreflight
