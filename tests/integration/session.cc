#include "session.h"

#include <stdexcept>
#include <vector>

namespace cdcpreflight::integration {

Session::Session(const PgServer& server, std::string_view dbname) {
  const std::string port = std::to_string(server.port());
  const std::string database(dbname);
  const std::vector<const char*> keywords = {"host", "port", "user", "dbname", "connect_timeout",
                                             nullptr};
  const std::vector<const char*> values = {
      server.socket_dir().c_str(), port.c_str(), "postgres", database.c_str(), "10", nullptr};
  conn_ = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/0);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    const std::string reason = conn_ == nullptr ? "out of memory" : PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error("cannot open a session: " + reason);
  }
}

Session::~Session() { PQfinish(conn_); }

std::string Session::exec(std::string_view sql) {
  const std::string text(sql);
  if (PQsendQuery(conn_, text.c_str()) == 0) {
    throw std::runtime_error("cannot send " + text + ": " + PQerrorMessage(conn_));
  }
  std::string value;
  std::string error;
  while (PGresult* result = PQgetResult(conn_)) {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK) {
      value = PQntuples(result) > 0 && PQnfields(result) > 0 ? PQgetvalue(result, 0, 0) : "";
    } else if (status != PGRES_COMMAND_OK) {
      error = PQresultErrorMessage(result);
    }
    PQclear(result);
  }
  if (!error.empty()) throw std::runtime_error(text + ": " + error);
  return value;
}

std::string Session::column_name(std::string_view sql) {
  const std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK && PQnfields(result) > 0;
  const std::string answer = ok ? PQfname(result, 0) : PQresultErrorMessage(result);
  PQclear(result);
  if (!ok) throw std::runtime_error(text + ": " + answer);
  return answer;
}

int Session::backend_pid() const { return PQbackendPID(conn_); }

HeldTransaction::HeldTransaction(const PgServer& server, std::string_view dbname)
    : session_(server, dbname) {
  (void)session_.exec("BEGIN; SELECT txid_current();");
}

}  // namespace cdcpreflight::integration
