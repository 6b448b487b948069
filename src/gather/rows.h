// Reading a server's answer, expecting nothing of it: a result of the wrong
// shape (no row where one is due, a column missing, a value that does not
// parse) is an UnexpectedAnswer, never a crash. A server that speaks valid
// protocol may still be a fake, a proxy or a fork that answers strangely.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cdcpreflight {

struct UnexpectedAnswer : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The numbers of a result's columns by name, looked up once per name
// (PQfnumber copies and lowercases the name and compares it with every
// column's: on 100,000 rows of 30 columns, that is most of the reading).
class ColumnNumbers {
 public:
  explicit ColumnNumbers(const PGresult* result) : result_(result) {}
  // PQfnumber's answer (-1: no such column). Names are compared by address
  // first: the callers pass string literals.
  [[nodiscard]] int operator()(const char* column) const;

 private:
  const PGresult* result_;
  mutable std::vector<std::pair<const char*, int>> known_;
};

// One row of a result, its columns read by name.
class Row {
 public:
  // Row `row` of `result`; throws UnexpectedAnswer when there is no such row.
  // `columns`, when given, must be of the same result and outlive the row.
  Row(const PGresult* result, int row, const ColumnNumbers* columns = nullptr);

  // The single row of a result that must have exactly one.
  [[nodiscard]] static Row only(const PGresult* result);

  [[nodiscard]] bool is_null(const char* column) const;
  [[nodiscard]] std::string text(const char* column) const;
  // "t" or "f"; anything else is unexpected.
  [[nodiscard]] bool boolean(const char* column) const;
  // A whole decimal number of int64 range; anything else is unexpected.
  [[nodiscard]] std::int64_t integer(const char* column) const;
  // integer() within [low, high].
  [[nodiscard]] int integer_in(const char* column, int low, int high) const;

 private:
  [[nodiscard]] int index(const char* column) const;
  const PGresult* result_;
  int row_;
  const ColumnNumbers* columns_;
};

struct OpenTransaction;

// A session's transaction, from the columns the queries of open transactions
// and of blockers share: pid, user, backend_type, state, age_seconds,
// query_start.
[[nodiscard]] OpenTransaction open_transaction_of(const Row& row);

template <typename Function>
void for_each_row(const PGresult* result, Function function) {
  const int rows = PQntuples(result);
  const ColumnNumbers columns(result);
  for (int i = 0; i < rows; ++i) {
    function(Row(result, i, &columns));
  }
}

}  // namespace cdcpreflight
