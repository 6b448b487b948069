// `cdc-preflight checks`: the catalogue, for people (text, Markdown) and
// programs (JSON).
#include <cstdio>

#include "cdcpreflight/report.h"
#include "cli/commands.h"

namespace cdcpreflight::cli {

namespace {

enum class CatalogueFormat { text, json, markdown };

class ChecksCommand : public Command {
 public:
  void add_flags(CLI::App& app) override {
    app.add_option_function<std::string>(
           "--format",
           [this](const std::string& value) {
             format_ = value == "json"       ? CatalogueFormat::json
                       : value == "markdown" ? CatalogueFormat::markdown
                                             : CatalogueFormat::text;
           },
           "Output format: " + choices_text(kCatalogueFormats) + " (default: text)")
        ->check(CLI::IsMember(choices_list(kCatalogueFormats)))
        ->type_name("FORMAT");
  }

  [[nodiscard]] ExitCode run(const CLI::App& /*app*/) override {
    std::string out;
    switch (format_) {
      case CatalogueFormat::text:
        out = render_catalogue_text();
        break;
      case CatalogueFormat::json:
        out = render_catalogue_json();
        break;
      case CatalogueFormat::markdown:
        out = render_catalogue_markdown();
        break;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return ExitCode::ready;
  }

 private:
  CatalogueFormat format_ = CatalogueFormat::text;
};

}  // namespace

std::unique_ptr<Command> make_checks_command() { return std::make_unique<ChecksCommand>(); }

}  // namespace cdcpreflight::cli
