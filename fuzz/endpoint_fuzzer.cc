// Host-name classification (src/aws/endpoint.cc) on arbitrary bytes. Properties:
// never crashes; the kind has a stable name; the identifier and region it reveals
// are non-empty lower-case labels of the host; DNS names are case-insensitive and may end with
// a dot, so neither changes the classification.
// The platforms' host names too (src/facts/platform.cc): platform detection from
// the host alone, and the poolers (the input's last two bytes also give the
// port, and the rest the host) on every platform: a pooler names itself, its
// platform and the direct endpoint; neither case nor a trailing dot changes
// whether there is one, or the platform detected.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/facts.h"
#include "cdcpreflight/platform.h"

namespace {

std::string ascii_case(std::string_view text, int (*convert)(int)) {
  std::string converted(text);
  for (char& c : converted) {
    c = static_cast<char>(convert(static_cast<unsigned char>(c)));
  }
  return converted;
}

// ASCII only, as DNS names are compared.
int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
int upper(int c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

bool same(const cdcpreflight::Endpoint& a, const cdcpreflight::Endpoint& b) {
  return a.kind == b.kind && a.identifier == b.identifier && a.region == b.region;
}

cdcpreflight::Platform detected(std::string host) {
  cdcpreflight::Facts facts;
  facts.connection.host = std::move(host);
  const cdcpreflight::PlatformDetection detection = cdcpreflight::detect_platform(facts);
  if (detection.platform != cdcpreflight::Platform::postgresql && detection.signal.empty()) {
    std::abort();  // a platform detected says which signal decided
  }
  return detection.platform;
}

void check_platforms(std::string_view host, int port) {
  using namespace cdcpreflight;
  const Platform platform = detected(std::string(host));
  const std::string shouted = ascii_case(host, upper);
  if (detected(shouted) != platform ||
      (!host.empty() && host.back() != '.' && detected(std::string(host) + ".") != platform)) {
    std::abort();
  }
  for (const PlatformInfo& info : platform_infos()) {
    const std::optional<Pooler> pooler = platform_pooler(host, port, info.platform);
    if (pooler && (pooler->what.empty() || pooler->direct.empty() ||
                   pooler->platform == Platform::postgresql)) {
      std::abort();
    }
    if (pooler.has_value() != platform_pooler(shouted, port, info.platform).has_value()) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cdcpreflight;
  const std::string_view host(reinterpret_cast<const char*>(data), size);
  const Endpoint endpoint = classify_host(host);

  const char* name = to_string(endpoint.kind);
  if (name == nullptr || *name == '\0') {
    std::abort();
  }
  const std::string lowered = ascii_case(host, lower);
  for (const std::string* part : {&endpoint.identifier, &endpoint.region}) {
    if (*part != ascii_case(*part, lower) || lowered.find(*part) == std::string::npos ||
        part->find('.') != std::string::npos) {
      std::abort();
    }
  }
  const bool rds_kind = endpoint.kind != EndpointKind::other &&
                        endpoint.kind != EndpointKind::ip_literal &&
                        endpoint.kind != EndpointKind::unix_socket;
  if (rds_kind && (endpoint.identifier.empty() ||
                   endpoint.region.empty() != (endpoint.kind == EndpointKind::global_writer))) {
    std::abort();  // an Aurora/RDS name always tells its cluster or instance, and region
  }
  if (!rds_kind && (!endpoint.identifier.empty() || !endpoint.region.empty())) {
    std::abort();
  }
  if (!same(classify_host(ascii_case(host, upper)), endpoint)) {
    std::abort();
  }
  if (endpoint.kind != EndpointKind::ip_literal && !host.empty() && host.back() != '.' &&
      !same(classify_host(std::string(host) + "."), endpoint)) {
    std::abort();
  }
  // The whole input as a host; and the input less its last two bytes, which
  // give the port (the corpus's platform seeds are so made).
  const int port = size >= 2 ? data[size - 2] << 8 | data[size - 1] : 5432;
  check_platforms(host, port);
  if (size > 2) {
    check_platforms(host.substr(0, size - 2), port);
  }
  return 0;
}
