#include "gather/cancel.h"

#include <array>

#include "cdcpreflight/gather.h"

namespace cdcpreflight {

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
