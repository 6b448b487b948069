#include "gather/connection.h"

#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <string_view>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gather/queries.h"
#include "util/printable.h"
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
  return mask_inline_passwords(line);
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool looks_like_conninfo(std::string_view dbname) {
  return contains(dbname, "=") || dbname.starts_with("postgresql://") ||
         dbname.starts_with("postgres://");
}

// Rejects a conninfo string that libpq cannot parse, before any network step.
void check_conninfo(const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dbname.c_str(), &error);
  if (options == nullptr) {
    std::string message =
        error != nullptr ? mask_conninfo_error(dbname, one_line(error)) : "out of memory";
    PQfreemem(error);
    throw InvalidConninfo("invalid connection string in -d/--dbname: " + message);
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
  // Something that is not PostgreSQL answered (an HTTP server, a stray
  // listener): not a TLS problem, whatever word libpq's complaint starts with.
  if (contains(message, "invalid response to SSL negotiation") ||
      contains(message, "invalid response to GSSAPI negotiation") ||
      contains(message, "expected authentication request from server")) {
    return ConnectionFailure::other;
  }
  if (contains(message, "SSL") || contains(message, "certificate") ||
      contains(message, "GSSAPI encryption")) {
    return ConnectionFailure::tls;
  }
  return ConnectionFailure::other;
}

namespace {}  // namespace

void check_connect_options(const ConnectOptions& options) {
  if (!options.dbname.empty() && looks_like_conninfo(options.dbname)) {
    check_conninfo(options.dbname);
  }
}

namespace {

// Server notices and warnings (a NOTICE raised by the server, a WARNING about a
// setting) go to the log, one line each, escaped: they are the server's words,
// and the server may be someone else's.
void log_notice(void* /*arg*/, const char* message) {
  const std::string line = printable(one_line(message != nullptr ? message : ""));
  if (line.starts_with("WARNING:")) {
    spdlog::warn("server: {}", line);
  } else {
    spdlog::info("server: {}", line);
  }
}

// PQconnectStartParams with psql's order: fields of a conninfo string in dbname
// override -h/-p/-U and connect_timeout; application_name is only a fallback.
// `startup_options`, when not empty, is sent as the startup packet's options
// after every other source, so nothing can override it.
PgConn start_connection(const ConnectOptions& options, Replication replication,
                        const std::string& startup_options) {
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  // Every value must outlive PQconnectStartParams: options' strings, or literals.
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
  add("options", startup_options.c_str());
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PgConn conn(PQconnectStartParams(keywords.data(), values.data(), /*expand_dbname=*/1));
  if (conn) {
    PQsetNoticeProcessor(conn.get(), log_notice, nullptr);
  }
  return conn;
}

// The effective connect_timeout in seconds as libpq's blocking connect reads
// it: none when 0 or negative, at least 2 s otherwise.
std::optional<std::chrono::seconds> connect_timeout_of(PGconn* conn) {
  const std::string value = effective_option(conn, "connect_timeout");
  if (value.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  const long seconds = std::strtol(value.c_str(), &end, 10);
  while (end != nullptr && *end != '\0' && std::isspace(static_cast<unsigned char>(*end)) != 0) {
    ++end;
  }
  if (errno != 0 || end == value.c_str() || *end != '\0' || seconds > INT_MAX ||
      seconds < INT_MIN) {
    throw InvalidConninfo(fmt::format(
        "invalid connection settings: invalid integer value \"{}\" for connection option "
        "\"connect_timeout\"",
        mask_inline_passwords(one_line(value))));
  }
  if (seconds <= 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::max(seconds, 2L));
}

using Clock = std::chrono::steady_clock;

// One connection being made with PQconnectPoll, bounded as libpq's blocking
// connect bounds it: connect_timeout for each host and address tried.
struct Pending {
  PgConn conn;
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;  // libpq's state after a start
  std::optional<std::chrono::seconds> timeout;
  std::optional<Clock::time_point> deadline;
  std::string attempt;  // the host, port and address being tried
  std::string gave_up;  // why this side gave up, after libpq's words: "timeout expired"

  [[nodiscard]] bool done() const {
    return status == PGRES_POLLING_OK || status == PGRES_POLLING_FAILED;
  }

  // Restarts the timer when libpq has moved on to another host or address.
  void track_attempt(Clock::time_point now) {
    PGconn* c = conn.get();
    std::string current = fmt::format("{}\n{}\n{}", value_or_empty(PQhost(c)),
                                      value_or_empty(PQport(c)), value_or_empty(PQhostaddr(c)));
    if (timeout && (!deadline || current != attempt)) {
      deadline = now + *timeout;
    }
    attempt = std::move(current);
  }

  void advance(Clock::time_point now) {
    status = PQconnectPoll(conn.get());
    if (!done()) {
      track_attempt(now);
    }
  }
};

// Starts a connection; a failure before any network step (an invalid option,
// an unresolvable host) leaves it done.
Pending start_pending(const ConnectOptions& options, Replication replication,
                      const std::string& startup_options) {
  Pending pending;
  pending.conn = start_connection(options, replication, startup_options);
  if (!pending.conn || PQstatus(pending.conn.get()) == CONNECTION_BAD) {
    pending.status = PGRES_POLLING_FAILED;
    return pending;
  }
  pending.timeout = connect_timeout_of(pending.conn.get());
  pending.track_attempt(Clock::now());
  return pending;
}

Connected finish_pending(Pending& pending, const ConnectOptions& options) {
  Connected connected;
  connected.conn = std::move(pending.conn);
  PGconn* conn = connected.conn.get();
  ConnectionFacts& facts = connected.facts;
  if (conn == nullptr) {
    facts.failure = ConnectionFailure::other;
    facts.failure_message = "out of memory allocating a connection";
    return connected;
  }
  // The one description of the connection shown anywhere: libpq's own values,
  // masked where a password can be (a database name libpq did not expand, e.g.
  // a URI from PGDATABASE, is shown as the user wrote it).
  facts.host = mask_inline_passwords(value_or_empty(PQhost(conn)));
  facts.port = std::atoi(value_or_empty(PQport(conn)).c_str());
  facts.dbname = mask_inline_passwords(value_or_empty(PQdb(conn)));
  facts.connected_as = mask_inline_passwords(value_or_empty(PQuser(conn)));
  facts.sslmode = effective_option(conn, "sslmode");
  if (pending.status != PGRES_POLLING_OK || PQstatus(conn) != CONNECTION_OK) {
    // libpq's words: the attempt's "connection to server at … failed: " and,
    // when the timer ran out, "timeout expired".
    facts.failure_message = one_line(std::string(PQerrorMessage(conn)) + pending.gave_up);
    // libpq validates option values (port, sslmode, …) before any network step;
    // a value it quotes may be part of a password typed into a -d URI.
    if (facts.failure_message.starts_with("invalid ")) {
      throw InvalidConninfo("invalid connection settings: " +
                            mask_conninfo_error(options.dbname, facts.failure_message));
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

}  // namespace

std::vector<Connected> connect_together(const ConnectOptions& options,
                                        const std::vector<Replication>& kinds) {
  std::vector<Connected> connected(kinds.size());
  if (kinds.empty()) {
    return connected;
  }
  check_connect_options(options);
  std::vector<Pending> pending;
  pending.reserve(kinds.size());
  pending.push_back(start_pending(options, kinds.front(), {}));
  if (pending.front().done()) {
    connected.front() = finish_pending(pending.front(), options);
    return connected;  // the others are never started
  }
  // A replication connection runs no SQL of the tool's, but pins the safe
  // search_path all the same, at its start: the user's startup options as
  // libpq resolved them for the first connection (a -d field, PGOPTIONS, a
  // service file), then the tool's.
  const std::string replication_options =
      fmt::format("{} {}", effective_option(pending.front().conn.get(), "options"),
                  queries::kSafeSearchPathOption);
  for (std::size_t i = 1; i < kinds.size(); ++i) {
    pending.push_back(start_pending(options, kinds[i],
                                    kinds[i] == Replication::database ? replication_options : ""));
  }

  std::vector<pollfd> descriptors;
  std::vector<std::size_t> polled;  // the connection of each descriptor
  while (!std::all_of(pending.begin(), pending.end(), [](const Pending& p) { return p.done(); })) {
    descriptors.clear();
    polled.clear();
    std::optional<Clock::time_point> wake;
    bool at_once = false;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const Pending& p = pending[i];
      if (p.done()) {
        continue;
      }
      const int socket = PQsocket(p.conn.get());
      if (socket < 0) {
        at_once = true;  // nothing to wait on: let libpq go on
      } else {
        descriptors.push_back(
            {socket, static_cast<short>(p.status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0});
        polled.push_back(i);
      }
      if (p.deadline && (!wake || *p.deadline < *wake)) {
        wake = p.deadline;
      }
    }
    int wait_ms = -1;
    if (at_once) {
      wait_ms = 0;
    } else if (wake) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*wake - Clock::now()).count();
      wait_ms = static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
    }
    const int ready = poll(descriptors.data(), descriptors.size(), wait_ms);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready < 0) {  // as libpq's own wait: a hard failure ends every attempt
      const std::string why = fmt::format("poll() failed: {}", std::strerror(errno));
      for (Pending& p : pending) {
        if (!p.done()) {
          p.gave_up = why;
          p.status = PGRES_POLLING_FAILED;
        }
      }
      break;
    }
    const Clock::time_point now = Clock::now();
    std::vector<bool> woken(pending.size(), false);
    for (std::size_t d = 0; d < descriptors.size(); ++d) {
      woken[polled[d]] = descriptors[d].revents != 0;
    }
    for (std::size_t i = 0; i < pending.size(); ++i) {
      Pending& p = pending[i];
      if (p.done()) {
        continue;
      }
      if (woken[i] || PQsocket(p.conn.get()) < 0) {
        p.advance(now);
      } else if (p.deadline && now >= *p.deadline) {
        p.gave_up = "timeout expired";
        p.status = PGRES_POLLING_FAILED;
      }
    }
    if (pending.front().status == PGRES_POLLING_FAILED) {
      break;  // the others are closed unfinished: nothing is checked without the first
    }
  }
  connected.front() = finish_pending(pending.front(), options);
  if (connected.front().facts.connected) {
    for (std::size_t i = 1; i < pending.size(); ++i) {
      connected[i] = finish_pending(pending[i], options);
    }
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

bool send_one(PGconn* conn, const Statement& statement, std::string& failure) {
  int sent = 0;
  spdlog::trace("query: {}", statement.sql);
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
    return false;
  }
  return true;
}

StatementOutcome collect_one(PGconn* conn, std::chrono::milliseconds idle_timeout,
                             std::string& failure) {
  StatementOutcome outcome;
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

StatementOutcome run_one(PGconn* conn, const Statement& statement,
                         std::chrono::milliseconds idle_timeout, std::string& failure) {
  if (!send_one(conn, statement, failure)) {
    StatementOutcome outcome;
    outcome.error = {"", failure};
    return outcome;
  }
  return collect_one(conn, idle_timeout, failure);
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
