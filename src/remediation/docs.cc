#include "remediation/docs.h"

#include "cdcpreflight/platform.h"

namespace cdcpreflight {

const char* setup_docs(Platform platform) { return platform_info(platform).setup_docs; }

}  // namespace cdcpreflight
