// Cancelling the server's work when the tool is interrupted.
#pragma once

#include <libpq-fe.h>

#include <atomic>

namespace cdcpreflight {

// While alive, a SIGINT/SIGTERM cancels the connection's running query
// (cancel_running_queries), so that the server stops waiting for a client that
// is gone: a temporary slot being created is then dropped at once.
class CancelOnSignal {
 public:
  explicit CancelOnSignal(PGconn* conn);
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

 private:
  std::atomic<PGcancel*>* slot_ = nullptr;
};

// cancel_running_queries() is declared in cdcpreflight/gather.h.

}  // namespace cdcpreflight
