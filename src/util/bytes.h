// Sizes for people: 1024-based, as pg_size_pretty ("8.0 kB", "1.5 GB").
#pragma once

#include <cstdint>
#include <string>

namespace cdcpreflight {

[[nodiscard]] std::string pretty_bytes(std::int64_t bytes);

}  // namespace cdcpreflight
