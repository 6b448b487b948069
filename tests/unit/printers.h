// gtest printers: statuses and kinds show by name in failure messages.
#pragma once

#include <ostream>

#include "cdcpreflight/check.h"
#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/facts.h"

namespace cdcpreflight {

inline void PrintTo(Status status, std::ostream* out) { *out << to_string(status); }
inline void PrintTo(EndpointKind kind, std::ostream* out) { *out << to_string(kind); }
inline void PrintTo(ConnectionFailure failure, std::ostream* out) { *out << to_string(failure); }

}  // namespace cdcpreflight
