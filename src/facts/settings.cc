#include "cdcpreflight/settings.h"

#include <charconv>

namespace cdcpreflight {

namespace {

// The setting's raw entry, or a TypedSetting that is not present.
template <typename T>
TypedSetting<T> raw(const ServerFacts& server, const std::string& name, const Setting** found) {
  TypedSetting<T> typed;
  const auto entry = server.settings.find(name);
  *found = entry == server.settings.end() ? nullptr : &entry->second;
  if (*found != nullptr) {
    typed.present = true;
    typed.text = (*found)->value;
    typed.pending_restart = (*found)->pending_restart;
  }
  return typed;
}

std::optional<std::int64_t> whole_number(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

TypedSetting<std::int64_t> integer(const ServerFacts& server, const std::string& name) {
  const Setting* found = nullptr;
  TypedSetting<std::int64_t> typed = raw<std::int64_t>(server, name, &found);
  if (found != nullptr) {
    typed.value = whole_number(found->value);
  }
  return typed;
}

// A duration in its pg_settings unit (ms, s or min).
TypedSetting<std::chrono::milliseconds> duration(const ServerFacts& server,
                                                 const std::string& name) {
  const Setting* found = nullptr;
  TypedSetting<std::chrono::milliseconds> typed =
      raw<std::chrono::milliseconds>(server, name, &found);
  if (found == nullptr) {
    return typed;
  }
  const std::optional<std::int64_t> number = whole_number(found->value);
  if (!number) {
    return typed;
  }
  std::int64_t per_unit = 1;
  if (found->unit == "s") {
    per_unit = 1000;
  } else if (found->unit == "min") {
    per_unit = 60000;
  }
  typed.value = std::chrono::milliseconds(*number * per_unit);
  return typed;
}

}  // namespace

ServerSettings settings_of(const ServerFacts& server) {
  ServerSettings settings;
  const Setting* found = nullptr;
  settings.wal_level = raw<std::string>(server, "wal_level", &found);
  if (found != nullptr) {
    settings.wal_level.value = found->value;
  }
  settings.rds_logical_replication = raw<bool>(server, "rds.logical_replication", &found);
  if (found != nullptr) {
    const std::string& value = found->value;
    settings.rds_logical_replication.value =
        value == "on" || value == "1" || value == "true" || value == "yes";
  }
  settings.wal_sender_timeout = duration(server, "wal_sender_timeout");
  settings.max_replication_slots = integer(server, "max_replication_slots");
  settings.max_wal_senders = integer(server, "max_wal_senders");
  settings.max_slot_wal_keep_size_mb = integer(server, "max_slot_wal_keep_size");
  return settings;
}

namespace {

// Skips `^\d+(\.\d+)*` at `at`; npos when there is no digit there.
std::size_t after_version(std::string_view text, std::size_t at) {
  const auto digits = [&](std::size_t from) {
    std::size_t end = from;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    return end;
  };
  std::size_t end = digits(at);
  if (end == at) return std::string_view::npos;
  while (end + 1 < text.size() && text[end] == '.' && digits(end + 1) > end + 1) {
    end = digits(end + 1);
  }
  return end;
}

}  // namespace

std::optional<std::string> refused_engine(const ServerFacts& server) {
  // PeerDB: ^PostgreSQL \d+(?:\.\d+)*-YB-\d+(?:\.\d+)*-
  constexpr std::string_view kPrefix = "PostgreSQL ";
  const std::string_view text = server.version_string;
  if (!text.starts_with(kPrefix)) return std::nullopt;
  std::size_t at = after_version(text, kPrefix.size());
  if (at == std::string_view::npos || text.substr(at, 4) != "-YB-") return std::nullopt;
  at = after_version(text, at + 4);
  if (at == std::string_view::npos || at >= text.size() || text[at] != '-') return std::nullopt;
  return "YugabyteDB";
}

Capabilities capabilities_of(const ServerFacts& server) {
  Capabilities capabilities;
  capabilities.publishes_partitioned_tables = server.version_num >= 130000;
  capabilities.limits_slot_wal = server.version_num >= 130000;
  return capabilities;
}

}  // namespace cdcpreflight
