// The health endpoint's route and answers (see health.hpp).
#include "api/health.hpp"

namespace uptime::api {

void add_health_routes(http_api::route_table& routes, health_probe& probe) {
  routes.add({http::verb::get}, "/health",
             [&probe](http_api::request&, const http_api::route_match&, http_api::respond_fn respond) {
               probe.check(health_done(std::move(respond)));
             });
}

void health_done::operator()(health_result result) {
  if (result.database_writable)
    respond_(http_api::json_response(http::status::ok, json::object{{"status", "ok"}}));
  else
    respond_(http_api::json_response(
        http::status::service_unavailable,
        json::object{{"status", "error"}, {"error", "The database is not writable"}}));
}

}  // namespace uptime::api
