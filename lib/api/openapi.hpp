// GET /api/v1/openapi.json: the OpenAPI 3.1 description of the push API, the management API,
// /metrics, badges and /health. The document is lib/api/openapi.json, compiled in as text
// (lib/CMakeLists.txt), so nothing is read from disk at run time; test/integration/
// test_openapi.py checks it against the real answers. Served without a key: it holds no
// data, only the shape of the answers.
#pragma once

#include <string_view>

#include "http/route_table.hpp"

namespace uptime::api {

// The document (generated source, from lib/api/openapi.json).
std::string_view openapi_document();

void add_openapi_routes(http_api::route_table& routes);

}  // namespace uptime::api
