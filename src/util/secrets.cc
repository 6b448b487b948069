#include "util/secrets.h"

#include <mutex>
#include <regex>
#include <vector>

namespace cdcpreflight {

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::string> secrets;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

void register_secret(std::string secret) {
  if (secret.empty()) {
    return;
  }
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  r.secrets.push_back(std::move(secret));
}

std::string mask_inline_passwords(std::string_view text) {
  static const std::regex conninfo_password(R"((password\s*=\s*)('(\\.|[^'])*'|[^\s'"]+))",
                                            std::regex::icase);
  static const std::regex uri_password(R"((postgres(ql)?://[^:/@\s]*:)[^@\s]*@)",
                                       std::regex::icase);
  const std::string masked = std::regex_replace(std::string(text), conninfo_password, "$1********");
  return std::regex_replace(masked, uri_password, "$1********@");
}

std::string scrub_secrets(std::string_view text) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  std::string scrubbed(text);
  for (const std::string& secret : r.secrets) {
    for (std::size_t at = scrubbed.find(secret); at != std::string::npos;
         at = scrubbed.find(secret, at + 8)) {
      scrubbed.replace(at, secret.size(), "********");
    }
  }
  return scrubbed;
}

}  // namespace cdcpreflight
