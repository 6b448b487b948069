// The pgoutput logical replication protocol, version 1 (the version ClickPipes'
// engine asks for), decoded into what a consumer of it receives per relation:
// the columns a Relation message announces, and for every change which columns
// came without a value. Messages are those of "Logical Replication Message
// Formats" in the PostgreSQL documentation (protocol-logicalrep-message-formats);
// version 1 with text tuples sends Begin, Commit, Origin, Relation, Type,
// Insert, Update, Delete and Truncate, and nothing else. No libpq here: the
// replication consumer (replication_consumer.h) feeds it the payload of each
// XLogData message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cdcpreflight::integration {

// Big-endian fields of the replication protocol, read from the front of a
// message. Every read throws std::runtime_error when the message is too short.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  [[nodiscard]] std::uint8_t byte();
  [[nodiscard]] std::uint16_t uint16();
  [[nodiscard]] std::uint32_t uint32();
  [[nodiscard]] std::uint64_t uint64();
  // A NUL-terminated string (the terminator is consumed, not returned).
  [[nodiscard]] std::string text();
  [[nodiscard]] std::string_view bytes(std::size_t count);
  // Everything not read yet (consumed).
  [[nodiscard]] std::string_view rest() { return bytes(bytes_.size() - offset_); }
  [[nodiscard]] bool at_end() const { return offset_ == bytes_.size(); }

 private:
  [[nodiscard]] std::uint64_t big_endian(std::size_t width);

  std::string_view bytes_;
  std::size_t offset_ = 0;
};

// "0/16B3748", as pg_lsn prints it; throws std::runtime_error on anything else.
[[nodiscard]] std::uint64_t parse_lsn(std::string_view text);
[[nodiscard]] std::string format_lsn(std::uint64_t lsn);

enum class ChangeKind { insert, update, delete_row };

struct RowChange {
  ChangeKind kind = ChangeKind::insert;
  // The old row an UPDATE or DELETE carries: 'K' (the replica identity's key
  // columns, other columns null), 'O' (the whole old row: REPLICA IDENTITY
  // FULL), or '\0' when none came (an UPDATE that left the key alone).
  char old_tuple = '\0';
  // Columns of the new row sent as 'u': an unchanged value stored out of line
  // (TOAST), which the WAL record does not hold, so the stream has no value.
  std::vector<std::string> unchanged_toast;
  // Those of unchanged_toast that the old row does not carry as a value either.
  // ClickPipes' engine fills an UPDATE's 'u' columns from its old row (which
  // REPLICA IDENTITY FULL logs whole, TOAST values included): these are the
  // columns that reach the destination empty.
  std::vector<std::string> toast_without_value;
  // Columns sent as 'n' (NULL) in the row the change carries: the new row of an
  // INSERT or UPDATE, the old row of a DELETE.
  std::vector<std::string> nulls;
};

struct RelationStream {
  // From the latest Relation message, in the order tuples send them.
  std::vector<std::string> columns;
  // The columns flagged as part of the replica identity (the key a consumer
  // identifies rows by).
  std::vector<std::string> key_columns;
  // 'd' default (the primary key), 'n' nothing, 'f' full, 'i' an index.
  char replica_identity = '\0';
  std::vector<RowChange> changes;
  int truncates = 0;

  [[nodiscard]] int count(ChangeKind kind) const;
  // Every change's unchanged_toast / toast_without_value / nulls, in order.
  [[nodiscard]] std::vector<std::string> all_unchanged_toast() const;
  [[nodiscard]] std::vector<std::string> all_toast_without_value() const;
};

struct DecodedStream {
  // By the name the Relation message gives: "namespace.relation" (unquoted).
  std::map<std::string, RelationStream> relations;
  int commits = 0;
  // The end of the last committed transaction (Commit's end LSN), 0 before one.
  std::uint64_t last_commit_end = 0;
  bool in_transaction = false;
};

class PgoutputDecoder {
 public:
  // Decodes one message. Throws std::runtime_error naming what is wrong on what
  // protocol version 1 cannot send: a short or overlong message, an unknown
  // message type or tuple marker ('b', binary, needs the binary option), a
  // change outside a transaction, or for a relation no Relation message
  // described, a tuple whose column count is not the relation's.
  void decode(std::string_view message);

  [[nodiscard]] const DecodedStream& stream() const { return stream_; }

 private:
  struct Tuple {
    std::vector<char> kinds;  // 'n', 'u' or 't', one per column
  };

  void decode_relation(ByteReader& reader);
  void decode_change(char type, ByteReader& reader);
  void decode_truncate(ByteReader& reader);
  [[nodiscard]] RelationStream& relation_of(std::uint32_t oid);
  [[nodiscard]] static Tuple read_tuple(ByteReader& reader, const RelationStream& relation);

  std::map<std::uint32_t, std::string> names_;  // relation oid -> key of stream_.relations
  DecodedStream stream_;
};

}  // namespace cdcpreflight::integration
