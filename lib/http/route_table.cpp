// Target parsing and routing (see route_table.hpp and request.hpp).
#include "http/route_table.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <stdexcept>

#include "http/cors.hpp"

namespace uptime::http_api {

namespace {

// The characters of a path that needs no decoding: unreserved characters and '/'.
constexpr auto plain_path_char = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
  return table;
}();

constexpr std::uint64_t method_bit(http::verb v) { return std::uint64_t{1} << static_cast<unsigned>(v); }
static_assert(static_cast<unsigned>(http::verb::unlink) < 64, "a method mask holds every verb");

response method_not_allowed(std::string allow) {
  auto res = error_response(http::status::method_not_allowed, "Method not allowed");
  res.add_header("Allow", std::move(allow));
  return res;
}

}  // namespace

// Paths and queries as Boost.URL reads them (percent-decoding, validation). A plain target —
// no '%', no query, only URL-safe characters, the common case by far — is split by hand, in
// place, into the request's inline segment storage, with no allocation: this runs for every
// request.
bool parse_target(request& req) {
  req.path.clear();
  req.decoded_path.clear();
  req.query.clear();
  const std::string_view target = req.target;
  const bool plain = !target.empty() && target.front() == '/' &&
                     std::all_of(target.begin(), target.end(), [](char c) {
                       return plain_path_char[static_cast<unsigned char>(c)];
                     });
  if (plain) {
    std::string_view rest = target.substr(1);
    for (;;) {
      const auto slash = rest.find('/');
      req.path.push_back(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    if (req.path.size() == 1 && req.path[0].empty()) req.path.clear();  // "/"
    return true;
  }
  const auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  const auto segments = parsed->segments();
  req.decoded_path.reserve(segments.size());  // no reallocation: the views below stay valid
  for (auto seg : segments) req.path.push_back(req.decoded_path.emplace_back(seg));
  for (auto param : parsed->params())
    req.query.emplace_back(param.key, param.has_value ? param.value : "");
  return true;
}

std::string_view path_params::get(std::string_view name) const {
  if (!names_) return {};
  for (std::size_t i = 0; i < size_; ++i)
    if ((*names_)[i] == name) return values_[i];
  return {};
}

void route_table::add(std::initializer_list<http::verb> methods, std::string_view pattern, handler h,
                      route_options options) {
  const auto bad = [&](const char* why) {
    throw std::invalid_argument("route pattern \"" + std::string(pattern) + "\": " + why);
  };
  if (pattern.empty() || pattern.front() != '/') bad("must start with '/'");
  route r;
  if (pattern != "/") {
    std::string_view rest = pattern.substr(1);
    for (;;) {
      const auto slash = rest.find('/');
      const auto text = rest.substr(0, slash);
      segment s;
      if (!text.empty() && text.front() == '{') {
        if (text.size() < 3 || text.back() != '}') bad("a parameter is written {name}");
        s.param = true;
        s.text = text.substr(1, text.size() - 2);
        r.param_names.push_back(s.text);
      } else {
        if (text.find_first_of("{}") != std::string_view::npos) bad("a parameter is a whole segment");
        s.text = text;
        if (r.param_names.empty()) ++r.literal_prefix;
      }
      r.segments.push_back(std::move(s));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
  }
  if (r.param_names.size() > path_params::max) bad("too many parameters");
  bool get = false, head = false;
  for (const auto m : methods) {
    r.methods |= method_bit(m);
    get = get || m == http::verb::get;
    head = head || m == http::verb::head;
    if (!r.allow.empty()) r.allow += ", ";
    r.allow += http::to_string(m);
  }
  if (get && !head) {
    r.methods |= method_bit(http::verb::head);
    r.allow += ", HEAD";
  }
  r.h = std::move(h);
  r.options = std::move(options);
  routes_.push_back(std::move(r));
}

bool route_table::path_matches(const route& r, const request& req, path_params* params) {
  if (r.segments.size() != req.path.size()) return false;
  std::size_t n = 0;
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    const auto& s = r.segments[i];
    if (!s.param) {
      if (req.path[i] != s.text) return false;
    } else {
      if (req.path[i].empty()) return false;
      if (params) params->values_[n++] = req.path[i];
    }
  }
  if (params) {
    params->names_ = &r.param_names;
    params->size_ = n;
  }
  return true;
}

bool route_table::prefix_matches(const route& r, const request& req) {
  if (req.path.size() < r.literal_prefix) return false;
  for (std::size_t i = 0; i < r.literal_prefix; ++i)
    if (req.path[i] != r.segments[i].text) return false;
  return true;
}

std::string route_table::methods_of_path(const request& req, bool cors_only) const {
  std::uint64_t listed = 0;
  std::string allow;
  for (const auto& r : routes_) {
    if ((cors_only && !r.options.cors) || !path_matches(r, req, nullptr)) continue;
    std::string_view rest = r.allow;
    while (!rest.empty()) {
      const auto comma = rest.find(", ");
      const auto name = rest.substr(0, comma);
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 2);
      const auto bit = method_bit(http::string_to_verb(name));
      if (listed & bit) continue;
      listed |= bit;
      if (!allow.empty()) allow += ", ";
      allow += name;
    }
  }
  return allow;
}

bool route_table::cors_path(const request& req) const {
  return std::any_of(routes_.begin(), routes_.end(),
                     [&](const route& r) { return r.options.cors && path_matches(r, req, nullptr); });
}

void route_table::set_cors_origins(std::vector<std::string> origins) {
  cors_origins_ = normalize_cors_origins(std::move(origins));
}

void route_table::dispatch(request& req, respond_fn respond) {
  if (!parse_target(req)) {
    respond(error_response(http::status::bad_request, "Malformed request target"));
    return;
  }
  // A page from a listed origin: answers of `cors` routes carry the CORS fields. Checked only
  // when the request has an Origin, so other requests pay one empty() test.
  const bool listed_origin =
      !req.origin.empty() && !cors_origins_.empty() && cors_origin_listed(cors_origins_, req.origin);
  if (listed_origin && req.method == http::verb::options && !req.access_control_request_method.empty()) {
    auto methods = methods_of_path(req, true);
    if (!methods.empty()) {
      respond(cors_preflight_response(req.origin, std::move(methods)));
      return;
    }
  }
  const auto answer = [&](response res, bool cors_route) {
    if (listed_origin && cors_route) add_cors_headers(res, req.origin);
    respond(std::move(res));
  };

  const route* wrong_method = nullptr;  // the first route whose path matched
  bool several_wrong = false;
  route_match match;
  for (auto& r : routes_) {
    if (!path_matches(r, req, &match.params)) continue;
    if (!(r.methods & method_bit(req.method))) {
      several_wrong = wrong_method != nullptr;
      if (!wrong_method) wrong_method = &r;
      continue;
    }
    if (listed_origin && r.options.cors) {
      // The handler may answer later, and may move strings out of `req`: the origin goes with
      // the wrapper.
      respond = [inner = std::move(respond), origin = std::string(req.origin)](response res) mutable {
        add_cors_headers(res, origin);
        inner(std::move(res));
      };
    }
    if (!r.options.auth) {
      r.h(req, match, std::move(respond));
      return;
    }
    auto verdict = r.options.auth->authenticate(req);
    if (auto* refusal = std::get_if<response>(&verdict)) {
      respond(std::move(*refusal));
      return;
    }
    match.who = &std::get<identity>(verdict);
    r.h(req, match, std::move(respond));
    return;
  }
  if (wrong_method) {
    const bool cors_route = listed_origin && cors_path(req);
    // Several routes on this path (say GET on one, PUT on another): their methods together.
    answer(method_not_allowed(several_wrong ? methods_of_path(req, false) : wrong_method->allow), cors_route);
    return;
  }
  for (const auto& r : routes_)
    if (!r.options.not_found_message.empty() && prefix_matches(r, req)) {
      answer(error_response(http::status::not_found, r.options.not_found_message), r.options.cors);
      return;
    }
  respond(error_response(http::status::not_found, "Not found"));
}

}  // namespace uptime::http_api
