// The management API (`/api/v1/…`): what its handlers share, and the functions that add its
// routes, one file per part: monitor_reads.cpp (monitors, one monitor, groups, status),
// monitor_history.cpp (a monitor's pushes, changes, alerts), monitor_actions.cpp (pause,
// resume, rotate-key). Read routes need a key of either scope, write routes a write key; a
// write key also sees push URLs (they hold the secret), a read key never does. Answers are
// JSON, times ISO-8601 UTC with `Z`; errors `{"error":"…"}`.
#pragma once

#include <string>

#include "api/live_monitors.hpp"
#include "core/time.hpp"
#include "http/auth.hpp"
#include "http/route_table.hpp"
#include "net.hpp"
#include "store/store.hpp"

namespace uptime::api {

struct management_context {
  net::io_context::executor_type io;  // long answers are written in slices posted here
  live_monitors& live;
  store::store& db;
  http_api::authenticator* read_auth;   // any valid key
  http_api::authenticator* write_auth;  // a write key
  core::utc_time started_at;
};

// Whether the caller proved a write key (and so may see push URLs).
bool may_see_secrets(const http_api::route_match& match);

// 404 {"error":"Monitor not found"}.
http_api::response monitor_not_found();

// Adds the routes; `ctx` must outlive the table.
void add_monitor_read_routes(http_api::route_table& routes, management_context& ctx);
void add_monitor_history_routes(http_api::route_table& routes, management_context& ctx);
void add_monitor_action_routes(http_api::route_table& routes, management_context& ctx);

}  // namespace uptime::api
