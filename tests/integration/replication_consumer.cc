#include "replication_consumer.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "cdcpreflight/sql_quote.h"

namespace cdcpreflight::integration {
namespace {

using Clock = std::chrono::steady_clock;

struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

// The connection keywords of `login`: host, port, user and database as
// connection_args gives them to the tool, and every variable of login_env
// (password, sslmode, sslrootcert) as the keyword libpq reads it from.
std::vector<std::pair<std::string, std::string>> connection_keywords(const Login& login) {
  std::vector<std::pair<std::string, std::string>> keywords = {
      {"host", "localhost"},     {"port", std::to_string(login.server.port())},
      {"user", login.user},      {"dbname", login.dbname},
      {"connect_timeout", "10"}, {"application_name", "cdcp-replication-consumer"}};
  PQconninfoOption* defaults = PQconndefaults();
  if (defaults == nullptr) throw std::runtime_error("PQconndefaults: out of memory");
  for (const auto& [variable, value] : login_env(login)) {
    if (!value) continue;
    const PQconninfoOption* option = defaults;
    while (option->keyword != nullptr &&
           (option->envvar == nullptr || variable != option->envvar)) {
      ++option;
    }
    if (option->keyword == nullptr) {
      PQconninfoFree(defaults);
      throw std::runtime_error("login_env sets " + variable + ", which no libpq keyword reads");
    }
    keywords.emplace_back(option->keyword, *value);
  }
  PQconninfoFree(defaults);
  return keywords;
}

PGconn* connect(const Login& login, bool replication) {
  std::vector<std::pair<std::string, std::string>> keywords = connection_keywords(login);
  if (replication) keywords.emplace_back("replication", "database");
  std::vector<const char*> names;
  std::vector<const char*> values;
  for (const auto& [name, value] : keywords) {
    names.push_back(name.c_str());
    values.push_back(value.c_str());
  }
  names.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(names.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    const std::string reason = conn == nullptr ? "out of memory" : PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error(std::string(replication ? "replication" : "ordinary") +
                             " connection as " + login.user + ": " + reason);
  }
  return conn;
}

// Waits until the server sent something (read into libpq), or throws once the
// deadline has passed.
void wait_for_server(PGconn* conn, Clock::time_point deadline, const std::string& step) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) throw std::runtime_error(step + ": no answer before the deadline");
  pollfd socket{PQsocket(conn), POLLIN, 0};
  const int ready = poll(&socket, 1, static_cast<int>(left.count()));
  if (ready < 0 && errno != EINTR) {
    throw std::runtime_error(step + ": poll: " + std::strerror(errno));
  }
  if (PQconsumeInput(conn) == 0) throw std::runtime_error(step + ": " + PQerrorMessage(conn));
}

// The next result of the command in progress; null when it has no more.
Result next_result(PGconn* conn, Clock::time_point deadline, const std::string& step) {
  while (PQisBusy(conn) != 0) wait_for_server(conn, deadline, step);
  return Result(PQgetResult(conn));
}

// Sends one command and returns its result, which must have the status
// `expected`. A COPY's result comes first; the command's own follows the data.
Result run(PGconn* conn, const std::string& command, ExecStatusType expected,
           Clock::time_point deadline) {
  if (PQsendQuery(conn, command.c_str()) == 0) {
    throw std::runtime_error(command + ": " + PQerrorMessage(conn));
  }
  Result result = next_result(conn, deadline, command);
  if (result == nullptr || PQresultStatus(result.get()) != expected) {
    const std::string error =
        result == nullptr ? PQerrorMessage(conn) : PQresultErrorMessage(result.get());
    while (next_result(conn, deadline, command) != nullptr) {
    }
    throw std::runtime_error(command + ": " + error);
  }
  if (expected == PGRES_COPY_OUT || expected == PGRES_COPY_BOTH) return result;
  if (next_result(conn, deadline, command) != nullptr) {
    throw std::runtime_error(command + ": more than one result");
  }
  return result;
}

std::string value_of(const Result& result, const char* column) {
  const int field = PQfnumber(result.get(), column);
  if (PQntuples(result.get()) != 1 || field < 0) {
    throw std::runtime_error(std::string("no single row with column ") + column);
  }
  return PQgetvalue(result.get(), 0, field);
}

// The copy's messages, until the server ends it; returns how many came.
long drain_copy(PGconn* conn, Clock::time_point deadline, const std::string& step) {
  long messages = 0;
  for (;;) {
    char* buffer = nullptr;
    const int got = PQgetCopyData(conn, &buffer, /*async=*/1);
    if (got > 0) {
      PQfreemem(buffer);
      ++messages;
    } else if (got == 0) {
      wait_for_server(conn, deadline, step);
    } else if (got == -1) {
      break;
    } else {
      throw std::runtime_error(step + ": " + PQerrorMessage(conn));
    }
  }
  Result end = next_result(conn, deadline, step);
  if (end == nullptr || PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(
        step + ": " + (end == nullptr ? PQerrorMessage(conn) : PQresultErrorMessage(end.get())));
  }
  while (next_result(conn, deadline, step) != nullptr) {
  }
  return messages;
}

void append_uint64(std::string& message, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    message.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
  }
}

// Standby status update: written, flushed and applied up to `position`, the
// client's clock (microseconds since 2000-01-01), no reply requested.
void send_status_update(PGconn* conn, std::uint64_t position) {
  constexpr std::int64_t kPostgresEpochSeconds = 946684800;  // 2000-01-01 in Unix time
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count() -
                   kPostgresEpochSeconds * 1000000;
  std::string message(1, 'r');
  for (int field = 0; field < 3; ++field) append_uint64(message, position);
  append_uint64(message, static_cast<std::uint64_t>(now));
  message.push_back('\0');
  if (PQputCopyData(conn, message.data(), static_cast<int>(message.size())) != 1 ||
      PQflush(conn) != 0) {
    throw std::runtime_error(std::string("standby status update: ") + PQerrorMessage(conn));
  }
}

std::string new_slot_name() {
  static std::atomic<int> made{0};
  return "cdcp_consumer_" + std::to_string(getpid()) + "_" + std::to_string(++made);
}

}  // namespace

ReplicationConsumer::ReplicationConsumer(const Login& login, std::string_view publication)
    : publication_(publication), slot_name_(new_slot_name()) {
  const Clock::time_point deadline = Clock::now() + kStepTimeout;
  replication_.reset(connect(login, /*replication=*/true));
  ordinary_.reset(connect(login, /*replication=*/false));
  identify_system(deadline);
  create_slot(deadline);
  copy_snapshot(deadline);
}

void ReplicationConsumer::identify_system(Clock::time_point deadline) {
  const Result system = run(replication_.get(), "IDENTIFY_SYSTEM", PGRES_TUPLES_OK, deadline);
  system_identifier_ = value_of(system, "systemid");
}

// CREATE_REPLICATION_SLOT's options are a parenthesized list from PostgreSQL 15
// ((SNAPSHOT 'export')); 15 to 18 still read the older keyword (EXPORT_SNAPSHOT),
// the only form 11 to 14 know. The exported snapshot lives until the
// replication session runs its next command, so the initial load imports it
// before the stream starts.
void ReplicationConsumer::create_slot(Clock::time_point deadline) {
  const bool options_list = PQserverVersion(replication_.get()) >= 150000;
  const Result slot = run(replication_.get(),
                          "CREATE_REPLICATION_SLOT " + slot_name_ + " TEMPORARY LOGICAL pgoutput " +
                              (options_list ? "(SNAPSHOT 'export')" : "EXPORT_SNAPSHOT"),
                          PGRES_TUPLES_OK, deadline);
  consistent_point_ = value_of(slot, "consistent_point");
  snapshot_name_ = value_of(slot, "snapshot_name");
}

// The initial load: a read-only REPEATABLE READ transaction on the slot's
// snapshot, so that what it copies and what the stream sends meet exactly at
// the slot's consistent point. COPY (SELECT …), since COPY of a partitioned
// table itself is refused.
void ReplicationConsumer::copy_snapshot(Clock::time_point deadline) {
  PGconn* conn = ordinary_.get();
  (void)run(conn, "BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ", PGRES_COMMAND_OK, deadline);
  (void)run(conn, "SET TRANSACTION SNAPSHOT " + quote_literal(snapshot_name_), PGRES_COMMAND_OK,
            deadline);
  const Result tables = run(conn,
                            "SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables "
                            "WHERE pubname = " +
                                quote_literal(publication_) + " ORDER BY 1, 2",
                            PGRES_TUPLES_OK, deadline);
  for (int row = 0; row < PQntuples(tables.get()); ++row) {
    const std::string schema = PQgetvalue(tables.get(), row, 0);
    const std::string table = PQgetvalue(tables.get(), row, 1);
    const std::string copy =
        "COPY (SELECT * FROM " + quote_qualified(schema, table) + ") TO STDOUT";
    (void)run(conn, copy, PGRES_COPY_OUT, deadline);
    snapshot_rows_[schema + "." + table] = drain_copy(conn, deadline, copy);
  }
  (void)run(conn, "COMMIT", PGRES_COMMAND_OK, deadline);
}

DecodedStream ReplicationConsumer::stream_until_now(std::chrono::seconds timeout) {
  if (replication_ == nullptr) throw std::runtime_error("the slot was streamed already");
  const Clock::time_point deadline = Clock::now() + timeout;
  const std::uint64_t target = parse_lsn(
      value_of(run(ordinary_.get(), "SELECT pg_catalog.pg_current_wal_insert_lsn() AS lsn",
                   PGRES_TUPLES_OK, deadline),
               "lsn"));
  // A commit record past `target`, which the walsender must decode to say so.
  (void)run(ordinary_.get(), "SELECT pg_catalog.txid_current()", PGRES_TUPLES_OK, deadline);
  PGconn* conn = replication_.get();
  const std::string start = "START_REPLICATION SLOT " + slot_name_ + " LOGICAL " +
                            consistent_point_ + " (proto_version '1', publication_names " +
                            quote_literal(quote_identifier(publication_)) + ")";
  (void)run(conn, start, PGRES_COPY_BOTH, deadline);

  PgoutputDecoder decoder;
  std::uint64_t received = 0;
  bool arrived = false;
  while (!arrived) {
    char* buffer = nullptr;
    const int got = PQgetCopyData(conn, &buffer, /*async=*/1);
    if (got == 0) {
      wait_for_server(conn, deadline,
                      start + ": waiting for " + format_lsn(target) + ", received up to " +
                          format_lsn(received));
      continue;
    }
    if (got < 0) throw std::runtime_error(start + ": the stream ended: " + PQerrorMessage(conn));
    const std::string message(buffer, static_cast<std::size_t>(got));
    PQfreemem(buffer);
    ByteReader reader(message);
    const char type = static_cast<char>(reader.byte());
    if (type == 'w') {  // XLogData: start, the server's WAL end, its clock, a pgoutput message
      received = std::max(received, reader.uint64());
      (void)reader.uint64();
      (void)reader.uint64();
      decoder.decode(reader.rest());
      arrived = !decoder.stream().in_transaction && decoder.stream().last_commit_end >= target;
    } else if (type == 'k') {  // keepalive: the server's WAL end, its clock, reply requested
      const std::uint64_t wal_end = reader.uint64();
      (void)reader.uint64();
      const bool reply_requested = reader.byte() != 0;
      received = std::max(received, wal_end);
      if (reply_requested) send_status_update(conn, received);
      arrived = !decoder.stream().in_transaction && wal_end >= target;
    } else {
      throw std::runtime_error(start + ": a CopyData message of type '" + std::string(1, type) +
                               "'");
    }
  }
  end_streaming(deadline);
  close(deadline);
  return decoder.stream();
}

// CopyDone, answered by the server's CopyDone and START_REPLICATION's
// completion: the session is back to taking commands, nothing left unread.
void ReplicationConsumer::end_streaming(Clock::time_point deadline) {
  PGconn* conn = replication_.get();
  if (PQputCopyEnd(conn, nullptr) != 1 || PQflush(conn) != 0) {
    throw std::runtime_error(std::string("CopyDone: ") + PQerrorMessage(conn));
  }
  (void)drain_copy(conn, deadline, "ending START_REPLICATION");
}

// The walsender drops the temporary slot as it exits, shortly after its
// session closes: the ordinary session waits until the server no longer lists it.
void ReplicationConsumer::close(Clock::time_point deadline) {
  replication_.reset();
  const std::string listed =
      "SELECT pg_catalog.count(*) AS slots FROM pg_catalog.pg_replication_slots "
      "WHERE slot_name = " +
      quote_literal(slot_name_);
  while (value_of(run(ordinary_.get(), listed, PGRES_TUPLES_OK, deadline), "slots") != "0") {
    if (Clock::now() >= deadline) {
      throw std::runtime_error("the temporary slot " + slot_name_ +
                               " is still listed after its session ended");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ordinary_.reset();
}

ReplicationConsumer::~ReplicationConsumer() {
  if (replication_ == nullptr || ordinary_ == nullptr) return;
  try {
    close(Clock::now() + kStepTimeout);
  } catch (const std::exception& failure) {
    ADD_FAILURE() << failure.what();
  }
}

}  // namespace cdcpreflight::integration
