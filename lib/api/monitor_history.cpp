// GET /api/v1/monitors/{id}/pushes, …/changes, …/alerts: a monitor's history, newest first,
// read from the store on its reader thread (see management.hpp).
#include <limits>
#include <optional>

#include "api/management.hpp"
#include "api/query.hpp"

namespace uptime::api {

namespace {

constexpr std::int64_t default_limit = 100;
constexpr std::int64_t max_limit = 1000;

json::value time_or_null(const std::optional<core::utc_time>& t) {
  if (!t) return nullptr;
  return json::string(core::format_iso(*t));
}

json::value text_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::string(s);
}

json::object push_json(const store::push_row& p) {
  return json::object{
      {"id", p.seq},
      {"received_at", core::format_iso(p.received_at)},
      {"method", p.method},
      {"source_address", p.source_address},
      {"user_agent", p.user_agent},
      {"signal", core::to_string(p.signal)},
      {"exit_code", p.exit_code ? json::value(*p.exit_code) : json::value(nullptr)},
      {"run_id", text_or_null(p.run_id)},
      {"duration_seconds", p.duration ? json::value(static_cast<double>(p.duration->count()) / 1000)
                                      : json::value(nullptr)},
      {"message", p.message},
      {"body", p.payload},
  };
}

json::object change_json(const store::change_record& c) {
  return json::object{{"at", core::format_iso(c.at)},
                      {"from", core::to_string(c.from)},
                      {"to", core::to_string(c.to)},
                      {"reason", c.reason}};
}

json::object alert_json(const store::outbox_row& r) {
  return json::object{{"id", r.id},
                      {"channel", r.channel},
                      {"event", r.event},
                      {"created_at", core::format_iso(r.created_at)},
                      {"attempts", r.attempts},
                      {"delivered_at", time_or_null(r.delivered_at)},
                      {"given_up_at", time_or_null(r.given_up_at)},
                      {"last_error", text_or_null(r.last_error)}};
}

// The answer of a history read: `{"<name>":[…]}`, or 500 if the read failed.
template <typename Row, typename ToJson>
auto answer_with(std::string_view name, http_api::respond_fn respond, ToJson to_json) {
  return [name, respond = std::move(respond), to_json](std::optional<std::vector<Row>> rows) mutable {
    if (!rows) return respond(http_api::error_response(http::status::internal_server_error, "Internal server error"));
    json::array a;
    a.reserve(rows->size());
    for (const auto& r : *rows) a.push_back(to_json(r));
    respond(http_api::json_response(http::status::ok, json::object{{name, std::move(a)}}));
  };
}

// The monitor of the path, or nullopt after answering 404. `limit` checked the same way.
struct history_request {
  store::monitor_id id = 0;
  std::size_t limit = 0;
};
std::optional<history_request> read_request(management_context& ctx, const http_api::request& req,
                                            const http_api::route_match& match, http_api::respond_fn& respond) {
  const auto id = parse_id(match.params.get("id"));
  if (!id || !ctx.live.engine().monitors().find(*id)) {
    respond(monitor_not_found());
    return std::nullopt;
  }
  const auto limit = int_param(req.query, "limit", default_limit, 1, max_limit);
  if (auto* bad = std::get_if<http_api::response>(&limit)) {
    respond(std::move(*bad));
    return std::nullopt;
  }
  return history_request{*id, static_cast<std::size_t>(std::get<std::int64_t>(limit))};
}

}  // namespace

void add_monitor_history_routes(http_api::route_table& routes, management_context& ctx) {
  const http_api::route_options read{.auth = ctx.read_auth, .not_found_message = {}, .cors = true};
  routes.add({http::verb::get}, "/api/v1/monitors/{id}/pushes",
             [&ctx](http_api::request& req, const http_api::route_match& match, http_api::respond_fn respond) {
               const auto r = read_request(ctx, req, match, respond);
               if (!r) return;
               const auto before = int_param(req.query, "before", 0, 1, std::numeric_limits<std::int64_t>::max());
               if (auto* bad = std::get_if<http_api::response>(&before)) return respond(std::move(*bad));
               std::optional<std::int64_t> below;
               if (query_value(req.query, "before")) below = std::get<std::int64_t>(before);
               ctx.db.push_history(r->id, r->limit, below,
                                   answer_with<store::push_row>("pushes", std::move(respond), push_json));
             },
             read);
  routes.add({http::verb::get}, "/api/v1/monitors/{id}/changes",
             [&ctx](http_api::request& req, const http_api::route_match& match, http_api::respond_fn respond) {
               const auto r = read_request(ctx, req, match, respond);
               if (!r) return;
               ctx.db.state_changes(r->id, r->limit,
                                    answer_with<store::change_record>("changes", std::move(respond), change_json));
             },
             read);
  routes.add({http::verb::get}, "/api/v1/monitors/{id}/alerts",
             [&ctx](http_api::request& req, const http_api::route_match& match, http_api::respond_fn respond) {
               const auto r = read_request(ctx, req, match, respond);
               if (!r) return;
               ctx.db.deliveries(r->id, r->limit,
                                 answer_with<store::outbox_row>("alerts", std::move(respond), alert_json));
             },
             read);
}

}  // namespace uptime::api
