// The server's settings and version as the checks read them: typed once here,
// from the raw text gather recorded (ServerFacts::settings, server_version_num),
// so that no check parses a GUC string or compares version numbers for a
// capability.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "cdcpreflight/facts.h"

namespace cdcpreflight {

// One setting: absent (the server did not report it), or present with its
// typed value, which is nullopt when its text does not parse.
template <typename T>
struct TypedSetting {
  bool present = false;
  std::optional<T> value;
  std::string text;  // as the server reported it (in its unit), for messages
  bool pending_restart = false;
};

struct ServerSettings {
  TypedSetting<std::string> wal_level;
  // Aurora and RDS only; on, 1, true or yes.
  TypedSetting<bool> rds_logical_replication;
  TypedSetting<std::chrono::milliseconds> wal_sender_timeout;
  TypedSetting<std::int64_t> max_replication_slots;
  TypedSetting<std::int64_t> max_wal_senders;
  // Megabytes; -1: unlimited. PostgreSQL 13 and later.
  TypedSetting<std::int64_t> max_slot_wal_keep_size_mb;
};

[[nodiscard]] ServerSettings settings_of(const ServerFacts& server);

// What the server's version can do.
struct Capabilities {
  // PostgreSQL 13: a partitioned table can be published as itself, and
  // publish_via_partition_root exists (before, its leaf partitions are
  // published one by one).
  bool publishes_partitioned_tables = false;
  // PostgreSQL 13: max_slot_wal_keep_size exists (before, slots keep all the
  // WAL they need).
  bool limits_slot_wal = false;
};

[[nodiscard]] Capabilities capabilities_of(const ServerFacts& server);

// A PostgreSQL-compatible engine ClickPipes refuses, from version(): YugabyteDB
// ("PostgreSQL 11.2-YB-2.18.0.0-b0 on …", as PeerDB reads it), else nullopt.
[[nodiscard]] std::optional<std::string> refused_engine(const ServerFacts& server);

}  // namespace cdcpreflight
