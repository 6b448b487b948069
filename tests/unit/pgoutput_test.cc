// The pgoutput decoder of the replication consumer (tests/integration), on
// messages built byte by byte as "Logical Replication Message Formats" lays
// them out for protocol version 1.
#include "integration/pgoutput.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cdcpreflight::integration {
namespace {

constexpr std::uint32_t kDocuments = 16400;
constexpr std::uint32_t kTags = 16410;

// One column of a TupleData: 'n' (NULL), 'u' (unchanged TOAST) or 't' (text).
struct Column {
  char kind;
  std::string value;
};
const Column kNull{'n', ""};
const Column kUnchanged{'u', ""};
Column text(std::string value) { return {'t', std::move(value)}; }

class Message {
 public:
  explicit Message(char type) { bytes_.push_back(type); }

  Message& byte(char value) {
    bytes_.push_back(value);
    return *this;
  }
  Message& uint16(std::uint16_t value) { return big_endian(value, 2); }
  Message& uint32(std::uint32_t value) { return big_endian(value, 4); }
  Message& uint64(std::uint64_t value) { return big_endian(value, 8); }
  Message& string(std::string_view value) {
    bytes_ += value;
    bytes_.push_back('\0');
    return *this;
  }
  Message& tuple(const std::vector<Column>& columns) {
    uint16(static_cast<std::uint16_t>(columns.size()));
    for (const Column& column : columns) {
      byte(column.kind);
      if (column.kind == 't') {
        uint32(static_cast<std::uint32_t>(column.value.size()));
        bytes_ += column.value;
      }
    }
    return *this;
  }
  [[nodiscard]] const std::string& bytes() const { return bytes_; }

 private:
  Message& big_endian(std::uint64_t value, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
      bytes_.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
    }
    return *this;
  }

  std::string bytes_;
};

std::string begin() { return Message('B').uint64(0x16B3700).uint64(0).uint32(740).bytes(); }

std::string commit(std::uint64_t end) {
  return Message('C').byte('\0').uint64(end - 8).uint64(end).uint64(0).bytes();
}

// app.documents (id bigint, the key; title text; body text), replica identity
// default.
std::string documents_relation() {
  Message message('R');
  message.uint32(kDocuments).string("app").string("documents").byte('d').uint16(3);
  message.byte('\1').string("id").uint32(20).uint32(0xFFFFFFFF);
  message.byte('\0').string("title").uint32(25).uint32(0xFFFFFFFF);
  message.byte('\0').string("body").uint32(25).uint32(0xFFFFFFFF);
  return message.bytes();
}

std::string tags_relation() {
  Message message('R');
  message.uint32(kTags).string("app").string("tags").byte('f').uint16(1);
  message.byte('\0').string("tag").uint32(25).uint32(0xFFFFFFFF);
  return message.bytes();
}

// A decoder that has seen Begin and the Relation of app.documents.
PgoutputDecoder in_transaction_on_documents() {
  PgoutputDecoder decoder;
  decoder.decode(begin());
  decoder.decode(documents_relation());
  return decoder;
}

const RelationStream& documents(const PgoutputDecoder& decoder) {
  return decoder.stream().relations.at("app.documents");
}

TEST(PgoutputDecoder, RelationAnnouncesColumnsKeyAndReplicaIdentity) {
  const PgoutputDecoder decoder = in_transaction_on_documents();
  const RelationStream& relation = documents(decoder);
  EXPECT_EQ(relation.columns, (std::vector<std::string>{"id", "title", "body"}));
  EXPECT_EQ(relation.key_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(relation.replica_identity, 'd');
  EXPECT_TRUE(relation.changes.empty());
}

TEST(PgoutputDecoder, InsertRecordsItsNullsAndCommitEndsTheTransaction) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  decoder.decode(
      Message('I').uint32(kDocuments).byte('N').tuple({text("1"), text("a"), kNull}).bytes());
  EXPECT_TRUE(decoder.stream().in_transaction);
  decoder.decode(commit(0x16B3748));

  EXPECT_FALSE(decoder.stream().in_transaction);
  EXPECT_EQ(decoder.stream().commits, 1);
  EXPECT_EQ(decoder.stream().last_commit_end, 0x16B3748U);
  const RelationStream& relation = documents(decoder);
  ASSERT_EQ(relation.count(ChangeKind::insert), 1);
  EXPECT_EQ(relation.changes[0].nulls, std::vector<std::string>{"body"});
  EXPECT_EQ(relation.changes[0].old_tuple, '\0');
  EXPECT_TRUE(relation.changes[0].unchanged_toast.empty());
}

// The default replica identity, key unchanged: no old row, so the unchanged
// TOAST value has nothing to come from.
TEST(PgoutputDecoder, UpdateWithoutOldRowLeavesUnchangedToastWithoutValue) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  decoder.decode(
      Message('U').uint32(kDocuments).byte('N').tuple({text("1"), text("b"), kUnchanged}).bytes());
  const RowChange& change = documents(decoder).changes.at(0);
  EXPECT_EQ(change.kind, ChangeKind::update);
  EXPECT_EQ(change.old_tuple, '\0');
  EXPECT_EQ(change.unchanged_toast, std::vector<std::string>{"body"});
  EXPECT_EQ(change.toast_without_value, std::vector<std::string>{"body"});
}

// REPLICA IDENTITY FULL: the old row carries the value the new row says 'u' for.
TEST(PgoutputDecoder, UpdateWithWholeOldRowFillsUnchangedToast) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  decoder.decode(Message('U')
                     .uint32(kDocuments)
                     .byte('O')
                     .tuple({text("1"), text("a"), text("long body")})
                     .byte('N')
                     .tuple({text("1"), text("b"), kUnchanged})
                     .bytes());
  const RowChange& change = documents(decoder).changes.at(0);
  EXPECT_EQ(change.old_tuple, 'O');
  EXPECT_EQ(change.unchanged_toast, std::vector<std::string>{"body"});
  EXPECT_TRUE(change.toast_without_value.empty());
}

// A key change sends the old key only: the other columns are NULL there.
TEST(PgoutputDecoder, UpdateWithOldKeyLeavesUnchangedToastWithoutValue) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  decoder.decode(Message('U')
                     .uint32(kDocuments)
                     .byte('K')
                     .tuple({text("1"), kNull, kNull})
                     .byte('N')
                     .tuple({text("2"), text("a"), kUnchanged})
                     .bytes());
  const RowChange& change = documents(decoder).changes.at(0);
  EXPECT_EQ(change.old_tuple, 'K');
  EXPECT_EQ(change.toast_without_value, std::vector<std::string>{"body"});
  EXPECT_TRUE(change.nulls.empty()) << "the new row has every value";
}

TEST(PgoutputDecoder, DeleteRecordsItsOldRowAndItsNulls) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  decoder.decode(
      Message('D').uint32(kDocuments).byte('K').tuple({text("1"), kNull, kNull}).bytes());
  const RelationStream& relation = documents(decoder);
  ASSERT_EQ(relation.count(ChangeKind::delete_row), 1);
  EXPECT_EQ(relation.changes[0].old_tuple, 'K');
  EXPECT_EQ(relation.changes[0].nulls, (std::vector<std::string>{"title", "body"}));
}

TEST(PgoutputDecoder, TruncateCountsOncePerRelation) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  decoder.decode(tags_relation());
  decoder.decode(Message('T').uint32(2).byte('\0').uint32(kDocuments).uint32(kTags).bytes());
  EXPECT_EQ(documents(decoder).truncates, 1);
  EXPECT_EQ(decoder.stream().relations.at("app.tags").truncates, 1);
  EXPECT_EQ(decoder.stream().relations.at("app.tags").replica_identity, 'f');
}

TEST(PgoutputDecoder, OriginAndTypeMessagesAreSkipped) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  decoder.decode(Message('O').uint64(0x1000).string("elsewhere").bytes());
  decoder.decode(Message('Y').uint32(16500).string("app").string("mood").bytes());
  EXPECT_EQ(decoder.stream().relations.size(), 1U);
  EXPECT_TRUE(documents(decoder).changes.empty());
}

// A Relation message is sent again after the table changes: its columns win.
TEST(PgoutputDecoder, RelationSentAgainReplacesTheColumns) {
  PgoutputDecoder decoder = in_transaction_on_documents();
  Message altered('R');
  altered.uint32(kDocuments).string("app").string("documents").byte('f').uint16(1);
  altered.byte('\0').string("id").uint32(20).uint32(0xFFFFFFFF);
  decoder.decode(altered.bytes());
  decoder.decode(Message('I').uint32(kDocuments).byte('N').tuple({text("7")}).bytes());
  EXPECT_EQ(documents(decoder).columns, std::vector<std::string>{"id"});
  EXPECT_TRUE(documents(decoder).key_columns.empty());
  EXPECT_EQ(documents(decoder).count(ChangeKind::insert), 1);
}

TEST(PgoutputDecoder, RefusesWhatProtocolVersion1CannotSend) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"a logical decoding message", Message('M').byte('\1').uint64(1).string("p").bytes()},
      {"a binary column", Message('I')
                              .uint32(kDocuments)
                              .byte('N')
                              .uint16(3)
                              .byte('b')
                              .uint32(0)
                              .byte('n')
                              .byte('n')
                              .bytes()},
      {"a tuple of the wrong width",
       Message('I').uint32(kDocuments).byte('N').tuple({text("1")}).bytes()},
      {"an unknown relation", Message('I').uint32(99).byte('N').tuple({text("1")}).bytes()},
      {"a delete without its old row",
       Message('D').uint32(kDocuments).byte('N').tuple({text("1"), kNull, kNull}).bytes()},
      {"a short message", Message('I').uint32(kDocuments).byte('N').uint16(3).byte('t').bytes()},
      {"bytes after the message", commit(0x2000) + "x"},
      {"a nested Begin", begin()},
  };
  for (const auto& [what, bytes] : refused) {
    PgoutputDecoder decoder = in_transaction_on_documents();
    EXPECT_THROW(decoder.decode(bytes), std::runtime_error) << what;
  }
  PgoutputDecoder outside;
  outside.decode(documents_relation());
  EXPECT_THROW(
      outside.decode(
          Message('I').uint32(kDocuments).byte('N').tuple({text("1"), kNull, kNull}).bytes()),
      std::runtime_error)
      << "a change outside a transaction";
  EXPECT_THROW(outside.decode(commit(0x2000)), std::runtime_error) << "Commit without Begin";
}

TEST(PgoutputDecoder, LsnsReadAndPrintAsPgLsnDoes) {
  EXPECT_EQ(parse_lsn("0/16B3748"), 0x16B3748U);
  EXPECT_EQ(parse_lsn("1A/ff"), 0x1A000000FFU);
  EXPECT_EQ(format_lsn(0x1A000000FFU), "1A/FF");
  EXPECT_EQ(format_lsn(0), "0/0");
  for (const std::string_view bad :
       {"", "/", "0/", "16B3748", "0/16B3748 ", "x/1", "100000000/0"}) {
    EXPECT_THROW((void)parse_lsn(bad), std::runtime_error) << bad;
  }
}

}  // namespace
}  // namespace cdcpreflight::integration
