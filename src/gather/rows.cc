#include "gather/rows.h"

#include <charconv>

#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "cdcpreflight/facts.h"

namespace cdcpreflight {

int ColumnNumbers::operator()(const char* column) const {
  for (const auto& [name, number] : known_) {
    if (name == column) {
      return number;
    }
  }
  for (const auto& [name, number] : known_) {
    if (std::strcmp(name, column) == 0) {
      return number;
    }
  }
  const int number = PQfnumber(result_, column);
  known_.emplace_back(column, number);
  return number;
}

Row::Row(const PGresult* result, int row, const ColumnNumbers* columns)
    : result_(result), row_(row), columns_(columns) {
  if (result == nullptr || row < 0 || row >= PQntuples(result)) {
    throw UnexpectedAnswer(fmt::format("row {} missing", row + 1));
  }
}

Row Row::only(const PGresult* result) {
  const int rows = result != nullptr ? PQntuples(result) : 0;
  if (rows != 1) {
    throw UnexpectedAnswer(fmt::format("{} rows where one was expected", rows));
  }
  return Row(result, 0);
}

int Row::index(const char* column) const {
  const int i = columns_ != nullptr ? (*columns_)(column) : PQfnumber(result_, column);
  if (i < 0) {
    throw UnexpectedAnswer(fmt::format("no column {}", column));
  }
  return i;
}

bool Row::is_null(const char* column) const {
  return PQgetisnull(result_, row_, index(column)) == 1;
}

std::string Row::text(const char* column) const {
  const int i = index(column);
  std::string value(PQgetvalue(result_, row_, i),
                    static_cast<std::size_t>(PQgetlength(result_, row_, i)));
  if (value.find('\0') != std::string::npos) {
    throw UnexpectedAnswer(fmt::format("column {} holds a NUL byte", column));
  }
  return value;
}

bool Row::boolean(const char* column) const {
  const int i = index(column);
  const char* value = PQgetvalue(result_, row_, i);
  if (PQgetlength(result_, row_, i) != 1 || (value[0] != 't' && value[0] != 'f')) {
    throw UnexpectedAnswer(fmt::format("column {} is not a boolean", column));
  }
  return value[0] == 't';
}

std::int64_t Row::integer(const char* column) const {
  const std::string value = text(column);
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc{} || end != value.data() + value.size() || value.empty()) {
    throw UnexpectedAnswer(fmt::format("column {} is not an integer", column));
  }
  return number;
}

int Row::integer_in(const char* column, int low, int high) const {
  const std::int64_t number = integer(column);
  if (number < low || number > high) {
    throw UnexpectedAnswer(fmt::format("column {} is out of range", column));
  }
  return static_cast<int>(number);
}

OpenTransaction open_transaction_of(const Row& row) {
  return {row.integer_in("pid", 0, INT32_MAX),
          row.text("user"),
          row.text("backend_type"),
          row.text("state"),
          row.integer("age_seconds"),
          row.text("query_start")};
}

}  // namespace cdcpreflight
