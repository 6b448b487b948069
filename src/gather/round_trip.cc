#include "gather/round_trip.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace cdcpreflight {

namespace {

constexpr Oid kTextOid = 25;

struct Broken {
  std::string why;
  bool silent = false;
};

// Waits until a result can be read without blocking; while_waiting, if any,
// is called after each of its slices of silence. The wait ends when the
// server has said nothing for idle_timeout.
std::optional<Broken> wait_for_input(PGconn* conn, std::chrono::milliseconds idle_timeout,
                                     const WhileWaiting* while_waiting = nullptr) {
  const auto slice =
      while_waiting != nullptr ? std::min(while_waiting->every, idle_timeout) : idle_timeout;
  std::chrono::milliseconds silence{0};
  while (PQisBusy(conn) == 1) {
    pollfd descriptor{PQsocket(conn), POLLIN, 0};
    const int ready = poll(&descriptor, 1, static_cast<int>(slice.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      silence += slice;
      if (silence >= idle_timeout) {
        return Broken{fmt::format("the server sent nothing for {} s", idle_timeout.count() / 1000),
                      true};
      }
      if (while_waiting != nullptr) {
        while_waiting->call();
      }
      continue;
    }
    silence = std::chrono::milliseconds{0};
    if (ready < 0 || PQconsumeInput(conn) == 0) {
      return Broken{libpq_error(conn)};
    }
  }
  return std::nullopt;
}

std::vector<const char*> parameters_of(const Statement& statement) {
  std::vector<const char*> params;
  params.reserve(statement.params.size());
  for (const auto& param : statement.params) {
    params.push_back(param ? param->c_str() : nullptr);
  }
  return params;
}

// Every parameter is text, so a statement may leave one unused.
int send_with_parameters(PGconn* conn, const Statement& statement) {
  const std::vector<const char*> params = parameters_of(statement);
  const std::vector<Oid> types(params.size(), kTextOid);
  return PQsendQueryParams(conn, statement.sql.c_str(), static_cast<int>(params.size()),
                           types.data(), params.data(), nullptr, nullptr, 0);
}

}  // namespace

QueryError error_of(const PGresult* result) {
  QueryError error;
  error.sqlstate = value_or_empty(PQresultErrorField(result, PG_DIAG_SQLSTATE));
  error.message =
      libpq_message(value_or_empty(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
  if (error.message.empty()) {
    error.message = libpq_message(PQresultErrorMessage(result));
  }
  return error;
}

std::size_t RoundTrip::add(Statement statement) {
  statements_.push_back(std::move(statement));
  return statements_.size() - 1;
}

void RoundTrip::end_segment() { segment_ends_.push_back(statements_.size()); }

bool RoundTrip::run(PGconn* conn, std::chrono::milliseconds idle_timeout) {
  outcomes_.clear();
  outcomes_.resize(statements_.size());
  if (segment_ends_.empty() || segment_ends_.back() != statements_.size()) {
    end_segment();
  }
  if (PQenterPipelineMode(conn) == 0 || !send(conn) || !read(conn, idle_timeout)) {
    if (failure_.empty()) {
      failure_ = libpq_error(conn);
    }
    return false;
  }
  if (PQexitPipelineMode(conn) == 0) {
    failure_ = libpq_error(conn);
    return false;
  }
  return PQstatus(conn) == CONNECTION_OK;
}

bool RoundTrip::send(PGconn* conn) {
  std::size_t next_sync = 0;
  for (std::size_t i = 0; i < statements_.size(); ++i) {
    spdlog::trace("query: {}", statements_[i].sql);
    if (send_with_parameters(conn, statements_[i]) == 0) {
      return false;
    }
    while (next_sync < segment_ends_.size() && segment_ends_[next_sync] == i + 1) {
      if (PQpipelineSync(conn) == 0) {
        return false;
      }
      ++next_sync;
    }
  }
  return true;
}

bool RoundTrip::read(PGconn* conn, std::chrono::milliseconds idle_timeout) {
  const auto wait = [&] {
    if (const std::optional<Broken> broken = wait_for_input(conn, idle_timeout)) {
      failure_ = broken->why;
      return false;
    }
    return true;
  };
  std::size_t statement = 0;
  for (const std::size_t segment_end : segment_ends_) {
    for (; statement < segment_end; ++statement) {
      if (!wait()) {
        return false;
      }
      PgResult result(PQgetResult(conn));
      if (!result) {
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
      if (!wait()) {
        return false;
      }
      if (PgResult end(PQgetResult(conn)); end) {
        failure_ = "unexpected extra result";
        return false;
      }
    }
    if (!wait()) {
      return false;
    }
    PgResult sync(PQgetResult(conn));
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
      failure_ =
          PQstatus(conn) == CONNECTION_BAD ? libpq_error(conn) : "the server answered out of order";
      return false;
    }
  }
  return true;
}

std::optional<std::string> send_one(PGconn* conn, const Statement& statement) {
  spdlog::trace("query: {}", statement.sql);
  const int sent = statement.params.empty() ? PQsendQuery(conn, statement.sql.c_str())
                                            : send_with_parameters(conn, statement);
  if (sent == 0) {
    return libpq_error(conn);
  }
  return std::nullopt;
}

StatementOutcome collect_one(PGconn* conn, std::chrono::milliseconds idle_timeout,
                             const WhileWaiting* while_waiting) {
  StatementOutcome outcome;
  while (true) {
    if (const std::optional<Broken> broken = wait_for_input(conn, idle_timeout, while_waiting)) {
      outcome.result.reset();
      outcome.error = {"", broken->why};
      outcome.broken = broken->why;
      outcome.silent = broken->silent;
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
    outcome.error.message = libpq_error(conn);
  }
  if (PQstatus(conn) == CONNECTION_BAD) {
    outcome.broken = libpq_error(conn);
  }
  return outcome;
}

StatementOutcome run_one(PGconn* conn, const Statement& statement,
                         std::chrono::milliseconds idle_timeout) {
  if (std::optional<std::string> failure = send_one(conn, statement)) {
    StatementOutcome outcome;
    outcome.error = {"", *failure};
    outcome.broken = *failure;
    return outcome;
  }
  return collect_one(conn, idle_timeout);
}

}  // namespace cdcpreflight
