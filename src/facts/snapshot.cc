#include "facts/snapshot.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cdcpreflight {

LoadedSnapshot load_snapshot(std::string_view text) {
  LoadedSnapshot loaded;
  try {
    const nlohmann::json json = nlohmann::json::parse(text);
    if (!json.is_object() || !json.contains("facts_version")) {
      loaded.error = "not a cdc-preflight snapshot (no facts_version)";
      return loaded;
    }
    loaded.facts = json.get<Facts>();
  } catch (const std::exception& error) {
    std::string why = error.what();
    if (why.size() > 200) {  // a parser quotes the token, which may be megabytes
      why = why.substr(0, 200) + "…";
    }
    loaded.error = fmt::format("not a valid snapshot: {}", why);
  }
  return loaded;
}

LoadedSnapshot load_snapshot_file(const std::string& path) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in) {
    return {std::nullopt, std::strerror(errno)};
  }
  std::string text;
  try {
    text.assign(std::istreambuf_iterator<char>(in), {});
  } catch (const std::exception& error) {  // a directory, an I/O error
    return {std::nullopt, fmt::format("not a valid snapshot: {}", error.what())};
  }
  return load_snapshot(text);
}

}  // namespace cdcpreflight
