// GET /api/v1/monitors, /api/v1/monitors/{id}, /api/v1/groups, /api/v1/status (see
// management.hpp). A page of up to 10,000 monitors is written in slices, the io thread
// answering pushes between them, so a large listing never holds a push up for long.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "api/management.hpp"
#include "api/query.hpp"

namespace uptime::api {

namespace {

constexpr std::int64_t default_page = 1000;
constexpr std::int64_t max_page = 10000;
// Monitors looked at (or written) per io turn: a few milliseconds of work.
constexpr std::size_t slice = 500;

json::object rules_json(const monitors::monitor_entry& m) {
  const auto& r = m.rules;
  json::object o;
  o["expected_interval_seconds"] = r.expected_interval.count();
  o["grace_period_seconds"] = r.grace_period.count();
  o["schedule"] = r.schedule ? json::value(r.schedule->text) : json::value(nullptr);
  o["timezone"] = r.zone ? json::value(core::zone_name(*r.zone)) : json::value(nullptr);
  o["max_runtime_seconds"] = r.max_runtime.count();
  o["min_runtime_seconds"] = r.min_runtime.count();
  o["failures_before_down"] = r.failures_before_down;
  o["manual_resume"] = r.manual_resume;
  o["require_payload"] = m.require_payload;
  o["remind_every_seconds"] = m.remind_every.count();
  json::array channels;
  for (const auto& c : m.channels) channels.emplace_back(c);
  o["notifications"] = std::move(channels);
  return o;
}

// One page of the monitor list, written a slice at a time.
class list_job : public std::enable_shared_from_this<list_job> {
 public:
  list_job(management_context& ctx, http_api::respond_fn respond)
      : ctx_(ctx), respond_(std::move(respond)) {}

  std::optional<core::monitor_status> status;
  std::optional<std::string> group;
  std::int64_t after = 0;
  std::size_t limit = default_page;
  bool with_push_url = false;

  void run() {
    out_ = "{\"monitors\":[";
    step();
  }

 private:
  void step() {
    auto& registry = ctx_.live.engine().monitors();
    const auto& ids = registry.ids_in_order();
    // Found again by id each turn: a reload between slices may have rebuilt the list.
    auto it = std::upper_bound(ids.begin(), ids.end(), after);
    const auto now = ctx_.live.engine().wall().now();
    std::string badge_key;
    for (std::size_t looked = 0; it != ids.end() && looked < slice; ++it, ++looked) {
      auto* m = registry.find(*it);
      after = *it;
      if (!m || (status && m->state.status != *status) || (group && m->group != *group)) continue;
      if (written_ == limit) {  // one more match: there is a next page
        more_ = true;
        break;
      }
      if (written_ > 0) out_ += ',';
      out_ += json::serialize(monitor_to_json(ctx_.live.view(*m, now, badge_key),
                                              {ctx_.live.base_url(), with_push_url}));
      ++written_;
      last_written_ = *it;
    }
    if (it != ids.end() && !more_) {
      net::post(ctx_.io, [self = shared_from_this()] { self->step(); });
      return;
    }
    out_ += "],\"next_after\":";
    out_ += more_ ? std::to_string(last_written_) : "null";
    out_ += '}';
    respond_(http_api::raw_json_response(http::status::ok, std::move(out_)));
  }

  management_context& ctx_;
  http_api::respond_fn respond_;
  std::string out_;
  std::size_t written_ = 0;
  std::int64_t last_written_ = 0;
  bool more_ = false;
};

void list_monitors(management_context& ctx, http_api::request& req, const http_api::route_match& match,
                   http_api::respond_fn respond) {
  const auto limit = int_param(req.query, "limit", default_page, 1, max_page);
  if (auto* bad = std::get_if<http_api::response>(&limit)) return respond(std::move(*bad));
  const auto after = int_param(req.query, "after", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (auto* bad = std::get_if<http_api::response>(&after)) return respond(std::move(*bad));
  std::optional<core::monitor_status> status;
  if (const auto s = query_value(req.query, "status")) {
    status = core::parse_status(*s);
    if (!status)
      return respond(http_api::error_response(http::status::bad_request,
                                              "status must be one of pending, up, down, paused"));
  }
  auto job = std::make_shared<list_job>(ctx, std::move(respond));
  job->status = status;
  if (const auto g = query_value(req.query, "group")) job->group = std::string(*g);
  job->limit = static_cast<std::size_t>(std::get<std::int64_t>(limit));
  job->after = std::get<std::int64_t>(after);
  job->with_push_url = may_see_secrets(match);
  job->run();
}

}  // namespace

bool may_see_secrets(const http_api::route_match& match) { return match.who && match.who->scope == "write"; }

http_api::response monitor_not_found() {
  return http_api::error_response(http::status::not_found, "Monitor not found");
}

void add_monitor_read_routes(http_api::route_table& routes, management_context& ctx) {
  const http_api::route_options read{.auth = ctx.read_auth, .not_found_message = {}, .cors = true};
  routes.add({http::verb::get}, "/api/v1/monitors",
             [&ctx](http_api::request& req, const http_api::route_match& match, http_api::respond_fn respond) {
               list_monitors(ctx, req, match, std::move(respond));
             },
             read);

  routes.add({http::verb::get}, "/api/v1/monitors/{id}",
             [&ctx](http_api::request&, const http_api::route_match& match, http_api::respond_fn respond) {
               const auto id = parse_id(match.params.get("id"));
               auto* m = id ? ctx.live.engine().monitors().find(*id) : nullptr;
               if (!m) return respond(monitor_not_found());
               std::string badge_key;
               auto o = monitor_to_json(ctx.live.view(*m, ctx.live.engine().wall().now(), badge_key),
                                        {ctx.live.base_url(), may_see_secrets(match)});
               o["rules"] = rules_json(*m);
               respond(http_api::json_response(http::status::ok, o));
             },
             read);

  routes.add({http::verb::get}, "/api/v1/groups",
             [&ctx](http_api::request&, const http_api::route_match&, http_api::respond_fn respond) {
               json::array groups;
               for (const auto& g : ctx.live.groups()) {
                 groups.push_back(json::object{
                     {"name", g.name},
                     {"status", g.status},
                     {"counts", json::object{{"up", g.up}, {"down", g.down}, {"pending", g.pending}, {"paused", g.paused}}},
                     {"badge_url", badge_url(ctx.live.base_url(), ctx.live.group_badge_key(g.name), ".svg")}});
               }
               respond(http_api::json_response(http::status::ok, json::object{{"groups", std::move(groups)}}));
             },
             read);

  routes.add({http::verb::get}, "/api/v1/status",
             [&ctx](http_api::request&, const http_api::route_match&, http_api::respond_fn respond) {
               std::int64_t up = 0, down = 0, pending = 0, paused = 0;
               for (const auto& g : ctx.live.groups()) {
                 up += g.up;
                 down += g.down;
                 pending += g.pending;
                 paused += g.paused;
               }
               respond(http_api::json_response(
                   http::status::ok,
                   json::object{{"version", UPTIME_VERSION_STRING},
                                {"started_at", core::format_iso(ctx.started_at)},
                                {"monitors", json::object{{"up", up}, {"down", down}, {"pending", pending}, {"paused", paused}}}}));
             },
             read);
}

}  // namespace uptime::api
