// Request routing and JSON responses (see api.hpp).
#include <boost/url/parse.hpp>

#include "http/api.hpp"

namespace uptime::http_api {

response raw_json_response(http::status status, std::string body) {
  response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response json_response(http::status status, const json::value& body) {
  return raw_json_response(status, json::serialize(body));
}

response error_response(http::status status, std::string_view message) {
  return json_response(status, json::object{{"error", message}});
}

namespace {

response method_not_allowed(std::string_view allow) {
  auto res = error_response(http::status::method_not_allowed, "Method not allowed");
  res.set(http::field::allow, allow);
  return res;
}

}  // namespace

void route(api& target, request&& req, const tcp::endpoint& remote, respond_fn respond) {
  const auto parsed = boost::urls::parse_origin_form(req.target());
  if (!parsed) {
    respond(error_response(http::status::bad_request, "Malformed request target"));
    return;
  }
  std::vector<std::string> segments;
  for (auto seg : parsed->segments()) segments.push_back(seg);
  const auto method = req.method();

  if (segments.size() == 1 && segments[0] == "health") {
    if (method != http::verb::get && method != http::verb::head) {
      respond(method_not_allowed("GET, HEAD"));
      return;
    }
    target.health(std::move(respond));
    return;
  }

  if (segments.size() >= 2 && segments[0] == "api" && segments[1] == "push") {
    if (segments.size() < 4 || segments.size() > 5 || segments[2].empty() || segments[3].empty() ||
        (segments.size() == 5 && segments[4].empty())) {
      respond(error_response(http::status::not_found, "Push monitor not found"));
      return;
    }
    if (method != http::verb::get && method != http::verb::post && method != http::verb::head) {
      respond(method_not_allowed("GET, POST, HEAD"));
      return;
    }
    push_call call;
    call.monitor_id = std::move(segments[2]);
    call.secret_key = std::move(segments[3]);
    if (segments.size() == 5) call.signal = std::move(segments[4]);
    for (auto param : parsed->params()) call.query.emplace_back(param.key, param.has_value ? param.value : "");
    call.method = std::string(req.method_string());
    call.body = std::move(req.body());
    call.source_address = remote.address().to_string();
    call.user_agent = std::string(req[http::field::user_agent]);
    target.push(std::move(call), std::move(respond));
    return;
  }

  respond(error_response(http::status::not_found, "Not found"));
}

}  // namespace uptime::http_api
