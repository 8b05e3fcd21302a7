// Request routing and JSON responses (see api.hpp).
#include <boost/container/small_vector.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <optional>

#include "http/api.hpp"

namespace uptime::http_api {

response raw_json_response(http::status status, std::string body) {
  response res;
  res.status = status;
  res.body = std::move(body);
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
  res.allow = allow;
  return res;
}

}  // namespace

namespace {

struct split_target {
  // Views into the target, or into `decoded` when the target needed percent-decoding.
  boost::container::small_vector<std::string_view, 6> segments;
  std::vector<std::string> decoded;
  std::vector<std::pair<std::string, std::string>> query;
};

// The characters of a path that needs no decoding: unreserved characters and '/'.
constexpr auto plain_path_char = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
  return table;
}();

// Paths and queries as Boost.URL reads them (percent-decoding, validation). A plain target —
// no '%', no query, only URL-safe characters, which is what a push URL is — is split by hand,
// in place: this runs for every push.
std::optional<split_target> split(std::string_view target) {
  split_target out;
  const bool plain = !target.empty() && target.front() == '/' &&
                     std::all_of(target.begin(), target.end(), [](char c) {
                       return plain_path_char[static_cast<unsigned char>(c)];
                     });
  if (plain) {
    std::string_view rest = target.substr(1);
    for (;;) {
      const auto slash = rest.find('/');
      out.segments.push_back(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    if (out.segments.size() == 1 && out.segments[0].empty()) out.segments.clear();  // "/"
    return out;
  }
  const auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  const auto segments = parsed->segments();
  out.decoded.reserve(segments.size());  // no reallocation: the views below stay valid
  for (auto seg : segments) out.segments.push_back(out.decoded.emplace_back(seg));
  for (auto param : parsed->params())
    out.query.emplace_back(param.key, param.has_value ? param.value : "");
  return out;
}

}  // namespace

void route(api& target, request& req, const std::string& source_address, respond_fn respond) {
  auto parsed = split(req.target);
  if (!parsed) {
    respond(error_response(http::status::bad_request, "Malformed request target"));
    return;
  }
  auto& segments = parsed->segments;
  const auto method = req.method;

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
    call.monitor_id = segments[2];
    call.secret_key = segments[3];
    if (segments.size() == 5) call.signal = segments[4];
    call.query = std::move(parsed->query);
    call.method = req.method_string;
    call.body = std::move(req.body);
    call.source_address = source_address;
    call.user_agent = req.user_agent;
    target.push(std::move(call), std::move(respond));
    return;
  }

  respond(error_response(http::status::not_found, "Not found"));
}

}  // namespace uptime::http_api
