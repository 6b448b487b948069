// The reports meant for people (text, Markdown, GitHub annotations) show the
// first entries of each list of a check (details, steps, statements, commands)
// and count the rest: 100,000 tables without a primary key must not make a
// 100,000-line ticket. JSON and the SQL script list every entry.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace cdcpreflight {

inline constexpr std::size_t kEntriesShown = 10;

// What the rest of each kind of list is, and where to find all of it.
inline constexpr std::string_view kMoreDetails = "more (all of them in --format json)";
inline constexpr std::string_view kMoreSteps = "more steps (all of them in --format sql)";
inline constexpr std::string_view kMoreStatements = "more statements (all of them in --format sql)";
inline constexpr std::string_view kMoreCommands = "more commands (all of them in --format json)";

// "… and N <more>" for the entries past the first kEntriesShown of `total`.
[[nodiscard]] inline std::string more_line(std::size_t total, std::string_view more) {
  return fmt::format("… and {} {}", total - kEntriesShown, more);
}

// The first kEntriesShown entries, then, when there are more, one last entry
// "<prefix>… and N <more>" (prefix: a comment marker inside a code block).
[[nodiscard]] inline std::vector<std::string> capped(const std::vector<std::string>& entries,
                                                     std::string_view more,
                                                     std::string_view prefix = "") {
  if (entries.size() <= kEntriesShown) {
    return entries;
  }
  std::vector<std::string> shown(entries.begin(),
                                 entries.begin() + static_cast<std::ptrdiff_t>(kEntriesShown));
  shown.push_back(fmt::format("{}{}", prefix, more_line(entries.size(), more)));
  return shown;
}

}  // namespace cdcpreflight
