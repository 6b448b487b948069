#include "gather/connection.h"

#include <poll.h>

#include <array>
#include <atomic>

#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "util/secrets.h"

namespace cdcpreflight {

namespace {

constexpr Oid kTextOid = 25;

// libpq's messages end with a newline and may span lines.
std::string one_line(std::string_view text) {
  std::string line;
  for (const char c : text) {
    if (c == '\n') {
      if (!line.empty() && line.back() != ' ') {
        line += ' ';
      }
    } else {
      line += c;
    }
  }
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
  return scrub_secrets(line);
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool looks_like_conninfo(std::string_view dbname) {
  return contains(dbname, "=") || dbname.starts_with("postgresql://") ||
         dbname.starts_with("postgres://");
}

// Registers the password of a conninfo string so it is scrubbed everywhere,
// and rejects one that libpq cannot parse.
void check_conninfo(const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dbname.c_str(), &error);
  if (options == nullptr) {
    std::string message =
        error != nullptr ? mask_conninfo_error(dbname, one_line(error)) : "out of memory";
    PQfreemem(error);
    throw InvalidConninfo("invalid connection string in -d/--dbname: " + message);
  }
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
      register_secret(option->val);
    }
  }
  PQconninfoFree(options);
}

std::string value_or_empty(const char* value) { return value != nullptr ? value : ""; }

std::string effective_option(PGconn* conn, std::string_view keyword) {
  std::string value;
  PQconninfoOption* options = PQconninfo(conn);
  if (options == nullptr) {
    return value;
  }
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (keyword == option->keyword && option->val != nullptr) {
      value = option->val;
    }
  }
  PQconninfoFree(options);
  return value;
}

}  // namespace

ConnectionFailure classify_connection_error(std::string_view message) {
  if (contains(message, "could not translate host name") ||
      contains(message, "Name or service not known") ||
      contains(message, "Temporary failure in name resolution")) {
    return ConnectionFailure::dns;
  }
  if (contains(message, "Connection refused")) {
    return ConnectionFailure::refused;
  }
  if (contains(message, "timeout expired") || contains(message, "Connection timed out")) {
    return ConnectionFailure::timeout;
  }
  if (contains(message, "database \"") && contains(message, "does not exist")) {
    return ConnectionFailure::database_missing;
  }
  // "no pg_hba.conf entry … no encryption" also comes from a server that
  // requires TLS (rds.force_ssl); the remediation says both.
  if (contains(message, "password authentication failed") ||
      contains(message, "no password supplied") || contains(message, "pg_hba.conf") ||
      contains(message, "authentication failed") || contains(message, "role \"") ||
      contains(message, "not permitted to log in")) {
    return ConnectionFailure::authentication;
  }
  if (contains(message, "SSL") || contains(message, "certificate") ||
      contains(message, "GSSAPI encryption")) {
    return ConnectionFailure::tls;
  }
  return ConnectionFailure::other;
}

Connected connect(const ConnectOptions& options, Replication replication) {
  if (!options.dbname.empty() && looks_like_conninfo(options.dbname.c_str())) {
    check_conninfo(options.dbname.c_str());
  }
  register_secret(options.password.c_str());
  if (const char* env_password = std::getenv("PGPASSWORD")) {
    register_secret(env_password);
  }

  // psql's order: fields of a conninfo string in dbname override -h/-p/-U, and
  // connect_timeout; application_name is only a fallback.
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  // Every value must outlive PQconnectdbParams: options' strings, or literals.
  const auto add = [&](const char* keyword, const char* value) {
    if (*value != '\0') {
      keywords.push_back(keyword);
      values.push_back(value);
    }
  };
  const std::string timeout = std::to_string(options.connect_timeout_seconds);
  add("host", options.host.c_str());
  add("port", options.port.c_str());
  add("user", options.username.c_str());
  add("password", options.password.c_str());
  add("connect_timeout", timeout.c_str());
  add("dbname", options.dbname.c_str());
  add("fallback_application_name", "cdc-preflight");
  if (replication == Replication::database) {
    add("replication", "database");  // after dbname: a conninfo string cannot turn it off
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);

  Connected connected;
  connected.conn.reset(PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1));
  PGconn* conn = connected.conn.get();
  ConnectionFacts& facts = connected.facts;
  if (conn == nullptr) {
    facts.failure = ConnectionFailure::other;
    facts.failure_message = "out of memory allocating a connection";
    return connected;
  }
  facts.host = value_or_empty(PQhost(conn));
  facts.port = std::atoi(value_or_empty(PQport(conn)).c_str());
  facts.dbname = value_or_empty(PQdb(conn));
  facts.connected_as = value_or_empty(PQuser(conn));
  facts.sslmode = effective_option(conn, "sslmode");
  if (PQstatus(conn) != CONNECTION_OK) {
    facts.failure_message = one_line(PQerrorMessage(conn));
    // libpq validates option values (port, sslmode, …) before any network step.
    if (facts.failure_message.starts_with("invalid ")) {
      throw InvalidConninfo("invalid connection settings: " + facts.failure_message);
    }
    facts.failure = classify_connection_error(facts.failure_message);
    connected.conn.reset();
    return connected;
  }
  facts.connected = true;
  facts.ssl_in_use = PQsslInUse(conn) == 1;
  if (facts.ssl_in_use) {
    facts.ssl_protocol = value_or_empty(PQsslAttribute(conn, "protocol"));
    facts.ssl_cipher = value_or_empty(PQsslAttribute(conn, "cipher"));
  }
  return connected;
}

std::size_t RoundTrip::add(Statement statement) {
  statements_.push_back(std::move(statement));
  return statements_.size() - 1;
}

void RoundTrip::end_segment() { segment_ends_.push_back(statements_.size()); }

namespace {

// Waits until a result can be read without blocking.
bool wait_for_input(PGconn* conn, std::chrono::milliseconds idle_timeout, std::string& failure) {
  while (PQisBusy(conn) == 1) {
    pollfd descriptor{PQsocket(conn), POLLIN, 0};
    const int ready = poll(&descriptor, 1, static_cast<int>(idle_timeout.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      failure = fmt::format("the server sent nothing for {} s", idle_timeout.count() / 1000);
      return false;
    }
    if (ready < 0 || PQconsumeInput(conn) == 0) {
      failure = one_line(PQerrorMessage(conn));
      return false;
    }
  }
  return true;
}

}  // namespace

QueryError error_of(const PGresult* result) {
  QueryError error;
  error.sqlstate = value_or_empty(PQresultErrorField(result, PG_DIAG_SQLSTATE));
  error.message = one_line(value_or_empty(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
  if (error.message.empty()) {
    error.message = one_line(PQresultErrorMessage(result));
  }
  return error;
}

bool RoundTrip::run(PGconn* conn, std::chrono::milliseconds idle_timeout) {
  outcomes_.clear();
  outcomes_.resize(statements_.size());
  if (segment_ends_.empty() || segment_ends_.back() != statements_.size()) {
    end_segment();
  }
  if (PQenterPipelineMode(conn) == 0) {
    failure_ = one_line(PQerrorMessage(conn));
    return false;
  }
  std::size_t next_sync = 0;
  for (std::size_t i = 0; i < statements_.size(); ++i) {
    const Statement& statement = statements_[i];
    std::vector<const char*> params;
    params.reserve(statement.params.size());
    for (const auto& param : statement.params) {
      params.push_back(param ? param->c_str() : nullptr);
    }
    // Every parameter is text, so a statement may leave one unused.
    const std::vector<Oid> types(params.size(), kTextOid);
    spdlog::trace("query: {}", statement.sql);
    if (PQsendQueryParams(conn, statement.sql.c_str(), static_cast<int>(params.size()),
                          types.data(), params.data(), nullptr, nullptr, 0) == 0) {
      failure_ = one_line(PQerrorMessage(conn));
      return false;
    }
    while (next_sync < segment_ends_.size() && segment_ends_[next_sync] == i + 1) {
      if (PQpipelineSync(conn) == 0) {
        failure_ = one_line(PQerrorMessage(conn));
        return false;
      }
      ++next_sync;
    }
  }

  std::size_t statement = 0;
  for (const std::size_t segment_end : segment_ends_) {
    for (; statement < segment_end; ++statement) {
      if (!wait_for_input(conn, idle_timeout, failure_)) {
        return false;
      }
      PgResult result(PQgetResult(conn));
      if (!result) {
        failure_ = one_line(PQerrorMessage(conn));
        return false;
      }
      switch (PQresultStatus(result.get())) {
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
          outcomes_[statement].result = std::move(result);
          break;
        case PGRES_PIPELINE_ABORTED:
          outcomes_[statement].error = {"", "skipped after an earlier error"};
          break;
        default:
          outcomes_[statement].error = error_of(result.get());
          break;
      }
      // Each statement's results end with a null result.
      if (!wait_for_input(conn, idle_timeout, failure_)) {
        return false;
      }
      PgResult end(PQgetResult(conn));
      if (end) {
        failure_ = "unexpected extra result";
        return false;
      }
    }
    if (!wait_for_input(conn, idle_timeout, failure_)) {
      return false;
    }
    PgResult sync(PQgetResult(conn));
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
      failure_ = PQstatus(conn) == CONNECTION_BAD ? one_line(PQerrorMessage(conn))
                                                  : "the server answered out of order";
      return false;
    }
  }
  if (PQexitPipelineMode(conn) == 0) {
    failure_ = one_line(PQerrorMessage(conn));
    return false;
  }
  return PQstatus(conn) == CONNECTION_OK;
}

StatementOutcome run_one(PGconn* conn, const Statement& statement,
                         std::chrono::milliseconds idle_timeout, std::string& failure) {
  StatementOutcome outcome;
  int sent = 0;
  if (statement.params.empty()) {
    sent = PQsendQuery(conn, statement.sql.c_str());
  } else {
    std::vector<const char*> params;
    params.reserve(statement.params.size());
    for (const auto& param : statement.params) {
      params.push_back(param ? param->c_str() : nullptr);
    }
    const std::vector<Oid> types(params.size(), kTextOid);
    sent = PQsendQueryParams(conn, statement.sql.c_str(), static_cast<int>(params.size()),
                             types.data(), params.data(), nullptr, nullptr, 0);
  }
  if (sent == 0) {
    failure = one_line(PQerrorMessage(conn));
    outcome.error = {"", failure};
    return outcome;
  }
  while (true) {
    if (!wait_for_input(conn, idle_timeout, failure)) {
      outcome.result.reset();
      outcome.error = {"", failure};
      return outcome;
    }
    PgResult result(PQgetResult(conn));
    if (!result) {
      break;
    }
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      outcome.result = std::move(result);
    } else {
      outcome.error = error_of(result.get());
    }
  }
  if (!outcome.ok() && outcome.error.message.empty()) {
    outcome.error.message = one_line(PQerrorMessage(conn));
  }
  if (PQstatus(conn) == CONNECTION_BAD && failure.empty()) {
    failure = one_line(PQerrorMessage(conn));
  }
  return outcome;
}

namespace {

// Cancel handles of the connections whose queries a signal must stop.
constexpr std::size_t kCancelSlots = 4;
std::array<std::atomic<PGcancel*>, kCancelSlots> g_cancels{};

}  // namespace

CancelOnSignal::CancelOnSignal(PGconn* conn) {
  PGcancel* cancel = PQgetCancel(conn);
  for (std::atomic<PGcancel*>& slot : g_cancels) {
    PGcancel* expected = nullptr;
    if (cancel != nullptr && slot.compare_exchange_strong(expected, cancel)) {
      slot_ = &slot;
      return;
    }
  }
  PQfreeCancel(cancel);
}

CancelOnSignal::~CancelOnSignal() {
  if (slot_ != nullptr) {
    PQfreeCancel(slot_->exchange(nullptr));
  }
}

void cancel_running_queries() noexcept {
  for (std::atomic<PGcancel*>& slot : g_cancels) {
    if (PGcancel* cancel = slot.load(); cancel != nullptr) {
      char error[256];
      PQcancel(cancel, error, sizeof error);
    }
  }
}

}  // namespace cdcpreflight
