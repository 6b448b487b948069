// What a command does around its work: diagnostics on stderr, the -o file,
// the password prompt, gathering from a live server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "cdcpreflight/facts.h"
#include "cli/flags.h"
#include "util/printable.h"
#include "version.h"

namespace cdcpreflight::cli {

// The logger on stderr, each message escaped (util/printable.h): diagnostics
// quote servers, snapshots and file names.
void set_up_logging(int verbosity);

// One line on stderr for what stops a run (exit 2): the words may quote a file
// name or a snapshot, so they are escaped.
template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "{}: error: {}\n", kToolName,
             printable(fmt::format(format, std::forward<Args>(args)...)));
}

// The -o file, opened only once everything a usage error can come from has
// been checked, and without emptying it: an earlier report there stays whole
// until this run has a whole one to put in its place. Interrupted meanwhile
// (discard_unfinished_output), it is left empty.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { close(); }

  // False, with the reason printed, when the file cannot be written.
  [[nodiscard]] bool open(const std::string& path);
  // Replaces the file's contents with `text`.
  [[nodiscard]] bool write(std::string_view text);
  // A run that ends before writing (a usage error) leaves the file as it found
  // it: an existing one untouched, a new one removed.
  void close();

 private:
  std::string path_;
  int fd_ = -1;
  bool created_ = false;
};

// Writes to `output` (opened) or, when `path` is empty, to stdout.
[[nodiscard]] bool write_output(const std::string& path, OutputFile& output,
                                const std::string& text);

// Whether two paths name the same existing file.
[[nodiscard]] bool same_file(const std::string& a, const std::string& b);

// Connects and gathers, after checking what can be checked before any network
// step (the conninfo string, the -W prompt, the -o file). nullopt, with the
// usage error printed, when the run cannot start.
// With --aws, the control plane is read at the same time (gather_aws).
[[nodiscard]] std::optional<Facts> gather_live(ConnectionFlags& connection,
                                               const TargetFlags& target, const AwsFlags& aws,
                                               const std::string& output_path, OutputFile& output);

// Async-signal-safe, for the SIGINT/SIGTERM handler: empties the -o file when
// the report in it is not yet whole, so an interrupted run leaves no report
// that could pass for a whole one (nor the one an earlier run left there).
void discard_unfinished_output() noexcept;

}  // namespace cdcpreflight::cli
