// The badge endpoints: a monitor's or a group's status as an image for a README, as JSON, and
// in shields.io's endpoint format, with no API key (the badge key in the URL is the
// capability, badge_keys.hpp). GET (and HEAD):
//   /badge/<key>.svg              flat SVG badge: label = name, message = up|down|pending|paused
//   /badge/<key>.json             {"name":…,"status":…}
//   /badge/<key>.shields          {"schemaVersion":1,"label":…,"message":…,"color":…}
//   /badge/<key>/uptime-30d.svg   label = name, message = "99.95%" or "no data"
// Every 200 carries `Cache-Control: max-age=60`. An unknown key, a malformed key, an unknown
// extension and any other path under /badge all get the same 404 {"error":"Badge not found"}
// (no-store, as the route table's own 404s), so a prober learns nothing from the answer.
// This file owns the routes and the bytes of the answers; what a key names is the source's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/route_table.hpp"

namespace uptime::api {

struct badge_subject {
  std::string name;
  std::string status;                // "up" | "down" | "pending" | "paused"
  std::optional<double> uptime_30d;  // 0..1, nullopt = no data
};

// What the badge endpoints ask of the server.
class badge_source {
 public:
  virtual ~badge_source() = default;
  // Io thread, answer at once from memory; nullopt: no such key. `badge_key` has already
  // passed plausible_badge_key (at most 64 characters of [0-9a-z-]); it is a view into the
  // request, valid only during the call.
  virtual std::optional<badge_subject> find_badge(std::string_view badge_key) = 0;
};

// Adds the badge routes to `routes`; `source` must outlive the table.
void add_badge_routes(http_api::route_table& routes, badge_source& source);

// The cheap shape check done before asking the source: 1 to 64 characters of [0-9a-z-].
// Every monitor and group badge key passes; hostile input (long, NUL, "../", '%') does not.
bool plausible_badge_key(std::string_view key);

inline constexpr std::string_view svg_content_type = "image/svg+xml; charset=utf-8";
inline constexpr std::string_view badge_cache_control = "max-age=60";

}  // namespace uptime::api
