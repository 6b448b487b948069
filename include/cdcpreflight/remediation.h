// A fix, as every check gives one for `warn` and `fail`: runnable SQL,
// console or parameter-group steps, shell commands, a documentation link.
#pragma once

#include <string>
#include <vector>

namespace cdcpreflight {

struct Remediation {
  std::vector<std::string> sql;       // runnable statements, identifiers quoted
  std::vector<std::string> steps;     // console / parameter-group / operational steps
  std::vector<std::string> commands;  // shell commands (AWS CLI, pg_ctl)
  std::string docs;                   // a documentation link

  [[nodiscard]] bool empty() const {
    return sql.empty() && steps.empty() && commands.empty() && docs.empty();
  }
};

}  // namespace cdcpreflight
