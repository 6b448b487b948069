#include "remediation/docs.h"

namespace cdcpreflight {

const char* setup_docs(Platform platform) {
  switch (platform) {
    case Platform::aurora:
      return kAuroraSetupDocs;
    case Platform::rds:
      return kRdsSetupDocs;
    case Platform::postgresql:
      break;
  }
  return kGenericSetupDocs;
}

}  // namespace cdcpreflight
