#include "cdcpreflight/facts.h"

namespace cdcpreflight {

const char* to_string(FactGroup group) {
  switch (group) {
    case FactGroup::server:
      return "server";
    case FactGroup::role:
      return "role";
    case FactGroup::schemas:
      return "schemas";
    case FactGroup::tables:
      return "tables";
    case FactGroup::publication:
      return "publication";
    case FactGroup::default_privileges:
      return "default_privileges";
    case FactGroup::activity:
      return "activity";
  }
  return "server";
}

const char* to_string(ConnectionFailure failure) {
  switch (failure) {
    case ConnectionFailure::none:
      return "none";
    case ConnectionFailure::dns:
      return "dns";
    case ConnectionFailure::refused:
      return "refused";
    case ConnectionFailure::timeout:
      return "timeout";
    case ConnectionFailure::authentication:
      return "authentication";
    case ConnectionFailure::tls:
      return "tls";
    case ConnectionFailure::database_missing:
      return "database_missing";
    case ConnectionFailure::lost:
      return "lost";
    case ConnectionFailure::other:
      return "other";
  }
  return "other";
}

void resolve_user(Facts& facts) {
  if (facts.user.empty()) {
    facts.user = facts.connection.connected_as;
  }
}

}  // namespace cdcpreflight
