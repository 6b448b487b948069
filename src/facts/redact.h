// collect --redact: a snapshot a customer can share. Host, database, role,
// schema, table, publication, slot and prepared-transaction names become stable
// placeholders (the same name always gets the same one); whatever a verdict
// depends on stays: the endpoint kind (and region) of the host, whether a name
// contains a dot, counts, sizes, settings, flags.
#pragma once

#include "cdcpreflight/facts.h"

namespace cdcpreflight {

[[nodiscard]] Facts redact(const Facts& facts);

}  // namespace cdcpreflight
