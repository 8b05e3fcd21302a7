// CORS (the Fetch standard's cross-origin rules) for the routes that allow it: which origins
// a browser page may call the API from, the headers that let it read an answer, and the answer
// to a preflight. Off unless origins are configured; a listed origin is echoed, never `*`
// (answers depend on a key, and `*` would also let any page read the public ones). The route
// table decides which answers get these (route_table.hpp); this file only builds them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/response.hpp"

namespace uptime::http_api {

// What a preflight allows a page to send, and how long a browser may remember the answer.
inline constexpr std::string_view cors_allowed_headers = "Authorization, X-Api-Key, Content-Type";
inline constexpr std::string_view cors_max_age = "600";

// The configured origins ("scheme://host[:port]"), lowercased so that a lookup needs no copy.
std::vector<std::string> normalize_cors_origins(std::vector<std::string> origins);

// Whether `origin` (a request's Origin field, as sent) is one of `origins` (normalized), letter
// case aside. Allocates nothing.
bool cors_origin_listed(const std::vector<std::string>& origins, std::string_view origin);

// Adds `Access-Control-Allow-Origin: <origin>` and `Origin` to the answer's Vary (joined to a
// Vary it has already, so a cache sees one list).
void add_cors_headers(response& res, std::string_view origin);

// The 204 answer to a preflight from a listed `origin` for a path that takes `methods` (an
// Allow-style list).
response cors_preflight_response(std::string_view origin, std::string methods);

}  // namespace uptime::http_api
