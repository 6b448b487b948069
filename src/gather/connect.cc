#include "gather/connect.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gather/conninfo.h"
#include "gather/queries.h"
#include "util/printable.h"
#include "util/secrets.h"
#include "util/text.h"

namespace cdcpreflight {

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

namespace {

// Server notices and warnings (a NOTICE raised by the server, a WARNING about a
// setting) go to the log, one line each, escaped: they are the server's words,
// and the server may be someone else's.
void log_notice(void* /*arg*/, const char* message) {
  const std::string line = printable(libpq_message(message != nullptr ? message : ""));
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
    facts.failure_message = libpq_message(std::string(PQerrorMessage(conn)) + pending.gave_up);
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

// One wait on every unfinished connection, then one step of each that is ready
// (or has nothing to wait on) and the end of each whose timer ran out. False
// when waiting itself failed, which ends every attempt, as in libpq's own wait.
bool poll_once(std::vector<Pending>& pending) {
  std::vector<pollfd> descriptors;
  std::vector<std::size_t> polled;  // the connection of each descriptor
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
    return true;
  }
  if (ready < 0) {
    const std::string why = fmt::format("poll() failed: {}", std::strerror(errno));
    for (Pending& p : pending) {
      if (!p.done()) {
        p.gave_up = why;
        p.status = PGRES_POLLING_FAILED;
      }
    }
    return false;
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
  return true;
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
  while (!std::all_of(pending.begin(), pending.end(), [](const Pending& p) { return p.done(); })) {
    // Nothing is checked without the first: when it fails, the others are
    // closed unfinished.
    if (!poll_once(pending) || pending.front().status == PGRES_POLLING_FAILED) {
      break;
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

}  // namespace cdcpreflight
