// The route table: method + path pattern → handler. Patterns are literal segments and
// `{name}` segments (`/api/items/{id}/{part}`); a `{name}` matches one non-empty segment. What
// the table answers itself, all JSON:
// - a target that is not a valid origin-form: 400 {"error":"Malformed request target"};
// - a path no route matches: 404 {"error":"Not found"}, or a route's own 404 message when the
//   path starts with that route's literal segments (an endpoint can say what is missing for
//   a URL of its own that is incomplete);
// - a path some route matches, with a method none of them takes: 405 with Allow and
//   {"error":"Method not allowed"};
// - a route that requires an authenticator: the authenticator's refusal (auth.hpp).
// A GET route also serves HEAD (the listener sends the headers only).
//
// CORS (cors.hpp) is off until set_cors_origins() lists origins. Then a request whose Origin is
// listed, to a path a `cors` route matches, gets Access-Control-Allow-Origin and Vary: Origin
// on whatever it is answered (the handler's answer, the authenticator's refusal, the 405, the
// route's own 404); and a preflight (OPTIONS with Origin and Access-Control-Request-Method) to
// such a path is answered 204 by the table, without asking the authenticator, allowing the
// methods of the `cors` routes on that path. An unlisted origin gets no CORS field, and its
// preflight what any OPTIONS gets (405 with Allow).
//
// Routes are added before the listener starts; then the table is read on the io thread only.
// A lookup walks the routes in order (a few dozen are fine: each check is a segment count and
// some short compares); the first route whose path and method match wins. It allocates
// nothing for a request without a listed Origin (the push path); with one, the answer's CORS
// fields are added by a wrapper around `respond`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "http/auth.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "util/move_only_function.hpp"

namespace uptime::http_api {

// The values of a route's `{name}` segments, decoded; views into the request.
class path_params {
 public:
  static constexpr std::size_t max = 8;  // `{name}` segments a pattern may have

  std::size_t size() const { return size_; }
  // In pattern order.
  std::string_view operator[](std::size_t i) const { return values_[i]; }
  // By name; "" if the route has no such parameter (a matched value is never empty).
  std::string_view get(std::string_view name) const;

 private:
  friend class route_table;
  const std::vector<std::string>* names_ = nullptr;
  std::array<std::string_view, max> values_{};
  std::size_t size_ = 0;
};

// What a handler is told besides the request. Valid only during the handler's call.
struct route_match {
  path_params params;
  const identity* who = nullptr;  // set when the route requires an authenticator
};

// Called on the io thread; must call `respond` exactly once, now or later. It may move
// strings out of `req` (body, query); `req` and `match` are valid only during the call.
using handler = util::move_only_function<void(request& req, const route_match& match, respond_fn respond)>;

struct route_options {
  // Asked before the handler; must outlive the table.
  authenticator* auth = nullptr;
  // The 404 message for paths that start with this route's literal segments (those before its
  // first `{name}`) and match no route; empty: "Not found".
  std::string not_found_message;
  // Whether browser pages from the configured origins may call it (see above).
  bool cors = false;
};

class route_table {
 public:
  // `methods`: what the route takes (GET brings HEAD). Throws std::invalid_argument for a
  // pattern that does not start with '/', has an empty or unclosed `{}` or too many of them.
  void add(std::initializer_list<http::verb> methods, std::string_view pattern, handler h,
           route_options options = {});

  // Parses the target into `req.path` / `req.query` and calls the matching route's handler,
  // or answers itself (see above). `respond` is called exactly once.
  void dispatch(request& req, respond_fn respond);

  // The origins whose pages may call `cors` routes ("scheme://host[:port]", compared letter
  // case aside); empty turns CORS off. Replaced whole at a reload, on the io thread.
  void set_cors_origins(std::vector<std::string> origins);

 private:
  struct segment {
    std::string text;  // the literal, or the parameter's name
    bool param = false;
  };
  struct route {
    std::vector<segment> segments;
    std::size_t literal_prefix = 0;  // segments before the first `{name}`
    std::vector<std::string> param_names;
    std::uint64_t methods = 0;  // bit per http::verb
    std::string allow;          // the Allow value of its 405: methods as given, then HEAD
    handler h;
    route_options options;
  };

  static bool path_matches(const route& r, const request& req, path_params* params);
  static bool prefix_matches(const route& r, const request& req);
  // The methods of the routes matching the path (only `cors` ones if `cors_only`), each once,
  // in route order: an Allow value.
  std::string methods_of_path(const request& req, bool cors_only) const;
  // Whether a `cors` route matches the path.
  bool cors_path(const request& req) const;

  std::vector<route> routes_;
  std::vector<std::string> cors_origins_;  // lowercase
};

}  // namespace uptime::http_api
