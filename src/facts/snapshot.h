// Reading a snapshot written by `collect` (check --from). A snapshot may come
// from anywhere: anything it is not is said in one line, never a crash.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cdcpreflight/facts.h"

namespace cdcpreflight {

struct LoadedSnapshot {
  std::optional<Facts> facts;  // set when the snapshot is valid
  std::string error;           // otherwise: why, in one line (it may quote the file)
};

// The facts of a snapshot's text.
[[nodiscard]] LoadedSnapshot load_snapshot(std::string_view text);

// The facts of the snapshot in file `path`.
[[nodiscard]] LoadedSnapshot load_snapshot_file(const std::string& path);

}  // namespace cdcpreflight
