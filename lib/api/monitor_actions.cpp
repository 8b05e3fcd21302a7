// POST /api/v1/monitors/{id}/pause, …/resume, …/rotate-key (write key; see management.hpp).
// None takes a body: one is refused with 400, so a client that meant to send settings learns
// they were not read.
#include "api/management.hpp"
#include "api/query.hpp"
#include "config/config.hpp"

namespace uptime::api {

namespace {

using monitors::action_result;

// 200 with the monitor as it is now, or the refusal of `r`.
http_api::response answer(management_context& ctx, store::monitor_id id, action_result r) {
  switch (r) {
    case action_result::not_found: return monitor_not_found();
    case action_result::not_paused:
      return http_api::error_response(http::status::conflict, "Monitor is not paused");
    case action_result::not_written:
      return http_api::error_response(http::status::internal_server_error, "Internal server error");
    case action_result::done: break;
  }
  auto* m = ctx.live.engine().monitors().find(id);
  if (!m) return monitor_not_found();  // removed by a reload meanwhile
  std::string badge_key;
  return http_api::json_response(
      http::status::ok,
      monitor_to_json(ctx.live.view(*m, ctx.live.engine().wall().now(), badge_key), {ctx.live.base_url(), true}));
}

// The monitor id of an action's path, or nullopt after answering (404, or 400 for a body).
std::optional<store::monitor_id> action_target(management_context& ctx, const http_api::request& req,
                                               const http_api::route_match& match, http_api::respond_fn& respond) {
  const auto id = parse_id(match.params.get("id"));
  if (!id || !ctx.live.engine().monitors().find(*id)) {
    respond(monitor_not_found());
    return std::nullopt;
  }
  if (!req.body.empty()) {
    respond(http_api::error_response(http::status::bad_request, "This endpoint takes no request body"));
    return std::nullopt;
  }
  return id;
}

}  // namespace

void add_monitor_action_routes(http_api::route_table& routes, management_context& ctx) {
  const http_api::route_options write{.auth = ctx.write_auth, .not_found_message = {}, .cors = true};
  // Pause and resume answer alike: the monitor as it is once the change is written.
  using status_action = void (monitors::operator_actions::*)(store::monitor_id, monitors::operator_actions::done_fn);
  const auto status_route = [&ctx](status_action what) {
    return [&ctx, what](http_api::request& req, const http_api::route_match& match, http_api::respond_fn respond) {
      const auto id = action_target(ctx, req, match, respond);
      if (!id) return;
      (ctx.live.engine().actions().*what)(*id, [&ctx, id = *id, respond = std::move(respond)](action_result r) mutable {
        respond(answer(ctx, id, r));
      });
    };
  };
  routes.add({http::verb::post}, "/api/v1/monitors/{id}/pause", status_route(&monitors::operator_actions::pause), write);
  routes.add({http::verb::post}, "/api/v1/monitors/{id}/resume", status_route(&monitors::operator_actions::resume), write);
  routes.add({http::verb::post}, "/api/v1/monitors/{id}/rotate-key",
             [&ctx](http_api::request& req, const http_api::route_match& match, http_api::respond_fn respond) {
               const auto id = action_target(ctx, req, match, respond);
               if (!id) return;
               ctx.live.engine().actions().rotate_key(
                   *id, [&ctx, id = *id, respond = std::move(respond)](action_result r, std::string key) mutable {
                     if (r != action_result::done) return respond(answer(ctx, id, r));
                     respond(http_api::json_response(
                         http::status::ok,
                         json::object{{"id", id}, {"push_url", config::push_url(ctx.live.base_url(), id, key)}}));
                   });
             },
             write);
}

}  // namespace uptime::api
