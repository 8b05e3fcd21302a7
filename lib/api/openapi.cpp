// The OpenAPI document's route (see openapi.hpp).
#include "api/openapi.hpp"

namespace uptime::api {

void add_openapi_routes(http_api::route_table& routes) {
  routes.add({http::verb::get}, "/api/v1/openapi.json",
             [](http_api::request&, const http_api::route_match&, http_api::respond_fn respond) {
               http_api::response r;
               r.body = http_api::response_body::static_bytes(openapi_document());
               r.cache_control = "public, max-age=3600";
               respond(std::move(r));
             });
}

}  // namespace uptime::api
