#include "pgoutput.h"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace cdcpreflight::integration {

std::uint8_t ByteReader::byte() { return static_cast<std::uint8_t>(big_endian(1)); }
std::uint16_t ByteReader::uint16() { return static_cast<std::uint16_t>(big_endian(2)); }
std::uint32_t ByteReader::uint32() { return static_cast<std::uint32_t>(big_endian(4)); }
std::uint64_t ByteReader::uint64() { return big_endian(8); }

std::string ByteReader::text() {
  const std::size_t end = bytes_.find('\0', offset_);
  if (end == std::string_view::npos) {
    throw std::runtime_error("pgoutput: a string without its terminating NUL");
  }
  std::string value(bytes_.substr(offset_, end - offset_));
  offset_ = end + 1;
  return value;
}

std::string_view ByteReader::bytes(std::size_t count) {
  if (bytes_.size() - offset_ < count) {
    throw std::runtime_error("pgoutput: message ends " + std::to_string(count) +
                             " bytes early at offset " + std::to_string(offset_));
  }
  const std::string_view value = bytes_.substr(offset_, count);
  offset_ += count;
  return value;
}

std::uint64_t ByteReader::big_endian(std::size_t width) {
  std::uint64_t value = 0;
  for (const char c : bytes(width)) value = (value << 8U) | static_cast<unsigned char>(c);
  return value;
}

std::uint64_t parse_lsn(std::string_view text) {
  const auto half = [](std::string_view part, std::uint32_t& value) {
    const char* end = part.data() + part.size();
    const auto [stop, error] = std::from_chars(part.data(), end, value, 16);
    return !part.empty() && error == std::errc() && stop == end;
  };
  const std::size_t slash = text.find('/');
  std::uint32_t high = 0;
  std::uint32_t low = 0;
  if (slash == std::string_view::npos || !half(text.substr(0, slash), high) ||
      !half(text.substr(slash + 1), low)) {
    throw std::runtime_error("not an LSN: " + std::string(text));
  }
  return (static_cast<std::uint64_t>(high) << 32U) | low;
}

std::string format_lsn(std::uint64_t lsn) {
  char text[32];
  (void)std::snprintf(text, sizeof text, "%" PRIX32 "/%" PRIX32,
                      static_cast<std::uint32_t>(lsn >> 32U), static_cast<std::uint32_t>(lsn));
  return text;
}

int RelationStream::count(ChangeKind kind) const {
  return static_cast<int>(std::count_if(changes.begin(), changes.end(),
                                        [kind](const RowChange& c) { return c.kind == kind; }));
}

std::vector<std::string> RelationStream::all_unchanged_toast() const {
  std::vector<std::string> all;
  for (const RowChange& change : changes) {
    all.insert(all.end(), change.unchanged_toast.begin(), change.unchanged_toast.end());
  }
  return all;
}

std::vector<std::string> RelationStream::all_toast_without_value() const {
  std::vector<std::string> all;
  for (const RowChange& change : changes) {
    all.insert(all.end(), change.toast_without_value.begin(), change.toast_without_value.end());
  }
  return all;
}

void PgoutputDecoder::decode(std::string_view message) {
  ByteReader reader(message);
  const char type = static_cast<char>(reader.byte());
  switch (type) {
    case 'B':  // final LSN, commit time, xid
      if (stream_.in_transaction) throw std::runtime_error("pgoutput: Begin inside a transaction");
      (void)reader.bytes(8 + 8 + 4);
      stream_.in_transaction = true;
      break;
    case 'C': {  // flags, commit LSN, end LSN, commit time
      if (!stream_.in_transaction) throw std::runtime_error("pgoutput: Commit without Begin");
      (void)reader.byte();
      (void)reader.uint64();
      stream_.last_commit_end = reader.uint64();
      (void)reader.uint64();
      stream_.in_transaction = false;
      ++stream_.commits;
      break;
    }
    case 'O':  // origin LSN and name: changes replayed from elsewhere, nothing to record
      (void)reader.uint64();
      (void)reader.text();
      break;
    case 'R':
      decode_relation(reader);
      break;
    case 'Y':  // a type's oid, namespace and name, for columns of non-built-in types
      (void)reader.uint32();
      (void)reader.text();
      (void)reader.text();
      break;
    case 'I':
    case 'U':
    case 'D':
      decode_change(type, reader);
      break;
    case 'T':
      decode_truncate(reader);
      break;
    default:
      throw std::runtime_error(std::string("pgoutput: message type '") + type +
                               "' is not one protocol version 1 sends");
  }
  if (!reader.at_end()) {
    throw std::runtime_error(std::string("pgoutput: bytes left after message '") + type + "'");
  }
}

void PgoutputDecoder::decode_relation(ByteReader& reader) {
  const std::uint32_t oid = reader.uint32();
  std::string name = reader.text();
  name += '.';
  name += reader.text();
  RelationStream& relation = stream_.relations[name];
  names_[oid] = name;
  relation.replica_identity = static_cast<char>(reader.byte());
  const std::uint16_t count = reader.uint16();
  relation.columns.clear();
  relation.key_columns.clear();
  for (std::uint16_t column = 0; column < count; ++column) {
    const std::uint8_t flags = reader.byte();
    std::string column_name = reader.text();
    (void)reader.uint32();  // type oid
    (void)reader.uint32();  // type modifier
    if ((flags & 1U) != 0) relation.key_columns.push_back(column_name);
    relation.columns.push_back(std::move(column_name));
  }
}

RelationStream& PgoutputDecoder::relation_of(std::uint32_t oid) {
  const auto found = names_.find(oid);
  if (found == names_.end()) {
    throw std::runtime_error("pgoutput: a change for relation " + std::to_string(oid) +
                             ", which no Relation message described");
  }
  return stream_.relations.at(found->second);
}

PgoutputDecoder::Tuple PgoutputDecoder::read_tuple(ByteReader& reader,
                                                   const RelationStream& relation) {
  const std::uint16_t count = reader.uint16();
  if (count != relation.columns.size()) {
    throw std::runtime_error("pgoutput: a tuple of " + std::to_string(count) +
                             " columns for a relation of " +
                             std::to_string(relation.columns.size()));
  }
  Tuple tuple;
  for (std::uint16_t column = 0; column < count; ++column) {
    const char kind = static_cast<char>(reader.byte());
    if (kind == 't') {
      (void)reader.bytes(reader.uint32());
    } else if (kind != 'n' && kind != 'u') {
      throw std::runtime_error(std::string("pgoutput: tuple marker '") + kind +
                               "' is not one of n, u, t");
    }
    tuple.kinds.push_back(kind);
  }
  return tuple;
}

void PgoutputDecoder::decode_change(char type, ByteReader& reader) {
  if (!stream_.in_transaction) {
    throw std::runtime_error(std::string("pgoutput: change '") + type + "' outside a transaction");
  }
  RelationStream& relation = relation_of(reader.uint32());
  RowChange change;
  change.kind = type == 'I'   ? ChangeKind::insert
                : type == 'U' ? ChangeKind::update
                              : ChangeKind::delete_row;
  char marker = static_cast<char>(reader.byte());
  Tuple old_row;
  if (marker == 'K' || marker == 'O') {
    change.old_tuple = marker;
    old_row = read_tuple(reader, relation);
    if (type == 'U') marker = static_cast<char>(reader.byte());
  }
  const bool expects_new_row = type != 'D';
  if (expects_new_row ? marker != 'N' : change.old_tuple == '\0') {
    throw std::runtime_error(std::string("pgoutput: change '") + type + "' with tuple marker '" +
                             marker + "'");
  }
  const Tuple row = expects_new_row ? read_tuple(reader, relation) : old_row;
  for (std::size_t column = 0; column < row.kinds.size(); ++column) {
    const std::string& name = relation.columns[column];
    if (row.kinds[column] == 'n') change.nulls.push_back(name);
    if (row.kinds[column] != 'u') continue;
    change.unchanged_toast.push_back(name);
    if (old_row.kinds.empty() || old_row.kinds[column] != 't') {
      change.toast_without_value.push_back(name);
    }
  }
  relation.changes.push_back(std::move(change));
}

void PgoutputDecoder::decode_truncate(ByteReader& reader) {
  if (!stream_.in_transaction) {
    throw std::runtime_error("pgoutput: Truncate outside a transaction");
  }
  const std::uint32_t count = reader.uint32();
  (void)reader.byte();  // CASCADE, RESTART IDENTITY
  for (std::uint32_t index = 0; index < count; ++index) ++relation_of(reader.uint32()).truncates;
}

}  // namespace cdcpreflight::integration
