// Host-name classification (src/aws/endpoint.cc) on arbitrary bytes. Properties:
// never crashes; the kind has a stable name; the identifier and region it reveals
// are non-empty lower-case labels of the host; DNS names are case-insensitive and may end with
// a dot, so neither changes the classification.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cdcpreflight/endpoint.h"

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
  return 0;
}
