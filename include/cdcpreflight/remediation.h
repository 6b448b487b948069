// A fix, as every check gives one for `warn` and `fail`: runnable SQL,
// console or parameter-group steps, shell commands, a documentation link.
#pragma once

#include <string>
#include <vector>

namespace cdcpreflight {

// A server parameter a fix sets.
struct ParameterChange {
  std::string name;
  std::string value;      // as the parameter group takes it (e.g. "1" for rds.logical_replication)
  std::string sql_value;  // as ALTER SYSTEM takes it, already a safe literal ("'logical'", "0")
};

struct Remediation {
  std::vector<std::string> sql;       // runnable statements, identifiers quoted
  std::vector<std::string> steps;     // console / parameter-group / operational steps
  std::vector<std::string> commands;  // shell commands (AWS CLI, pg_ctl)
  std::string docs;                   // a documentation link
  // The parameters the steps and commands set in a parameter group (Aurora,
  // RDS): what one fix for the whole parameter group gathers (see
  // combine_parameter_fixes, cdcpreflight/check.h). Not rendered by itself.
  std::vector<ParameterChange> parameters;

  [[nodiscard]] bool empty() const {
    return sql.empty() && steps.empty() && commands.empty() && docs.empty();
  }
};

}  // namespace cdcpreflight
