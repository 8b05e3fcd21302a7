// One monitor as JSON: the object the management API, the status pages and the CLI
// (`monitors --json`) all show, written in one place so they never disagree. Times are
// ISO-8601 UTC with `Z` (null when unknown), as in the push answer; `next_expected_by` is the
// deadline enforced, shown only while the monitor is up. `push_url` holds the secret key:
// only a caller allowed to see it (a write key, an admin, the local CLI) asks for it; a
// read-only key or a public page never gets it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/monitor.hpp"
#include "net.hpp"
#include "store/store.hpp"

namespace uptime::api {

// What the serializer reads, from wherever the monitor comes (a stored record today; the
// registry's live entry when the API serves it).
struct monitor_view {
  store::monitor_id id = 0;
  std::string_view name;
  std::string_view group;
  std::string_view type;
  bool enabled = true;
  const core::monitor_state* state = nullptr;
  std::int64_t push_count = 0;
  std::string_view last_message;
  std::string_view secret_key;
  bool in_maintenance = false;
  // Time UP over time UP or DOWN (pending, paused and maintenance not counted); nullopt: no data.
  std::optional<double> uptime_24h, uptime_7d, uptime_30d;
  std::string_view badge_key;  // "" when not known (the CLI): badge_url is null
};
monitor_view view_of(const store::monitor_record& r);

// "<base_url>/badge/<badge_key><suffix>" (suffix ".svg", "/uptime-30d.svg", …).
std::string badge_url(std::string_view base_url, std::string_view badge_key, std::string_view suffix);

struct monitor_json_options {
  std::string_view public_base_url;  // for push_url
  bool with_push_url = false;        // the caller may see the secret key
};

// {"id","name","group","type","enabled","status","paused","in_maintenance","last_push_at",
//  "next_expected_by","last_message","push_count","last_duration_seconds",
//  "uptime_ratio":{"24h","7d","30d"},"badge_url"[,"push_url"]}
json::object monitor_to_json(const monitor_view& m, const monitor_json_options& options);

}  // namespace uptime::api
