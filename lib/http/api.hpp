// The HTTP surface as the rest of the server sees it: requests already routed and checked
// (path, method, size), answered through a callback with a JSON response. http/ owns paths,
// methods and wire limits; whoever implements `api` (server/) owns what a push means.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "net.hpp"
#include "util/move_only_function.hpp"

namespace uptime::http_api {

// A request as the listener parsed it: what routing and the push handler read, and no more
// (the other header fields are not kept).
struct request {
  http::verb method = http::verb::get;
  std::string method_string;  // as sent: GET, POST, ...
  std::string target;         // the request-target: path and query, still encoded
  unsigned version = 11;      // 10 or 11
  std::string user_agent;     // the User-Agent field, or ""
  std::string body;
};

// An answer. Every answer of this API is JSON (sent with Content-Type application/json and
// Cache-Control no-store); the only other field is Allow, on a 405. Plain data rather than a
// Beast message: serialize() (listener.hpp) writes it in one pass, with no field list to
// build and free on every push.
struct response {
  http::status status = http::status::ok;
  std::string body;   // valid JSON; for HEAD its length is sent, not the body
  std::string allow;  // the Allow field of a 405, else empty
  unsigned version = 11;  // 10 or 11, the request's
  bool keep_alive = true;
  bool head = false;      // answering HEAD: send the headers only
};
// Called exactly once, on the io thread, with the answer.
using respond_fn = util::move_only_function<void(response)>;

// A JSON answer: `{"error": "..."}` bodies and the like, Content-Type application/json.
response json_response(http::status status, const json::value& body);
response error_response(http::status status, std::string_view message);
// `body` must already be valid JSON.
response raw_json_response(http::status status, std::string body);

// A push as routed. The views point into the request and are valid only during api::push();
// whatever outlives the call is moved out of the strings.
struct push_call {
  std::string_view monitor_id;  // the path segment as sent (may be non-numeric)
  std::string_view secret_key;  // never logged
  std::string_view signal;      // the segment after the key (start, fail, log, exit code), or ""
  std::vector<std::pair<std::string, std::string>> query;  // decoded ?name=value pairs
  std::string method;       // GET, POST or HEAD
  std::string body;
  std::string source_address;
  std::string user_agent;
};

class api {
 public:
  virtual ~api() = default;
  virtual void push(push_call call, respond_fn respond) = 0;
  // 200 {"status":"ok"} when the database is writable.
  virtual void health(respond_fn respond) = 0;
};

// Routes one request: /api/push/<id>/<key>[/<signal>] (GET|POST|HEAD), /health (GET|HEAD); every other
// path is 404 and a wrong method 405, both with JSON bodies.
// `source_address` is the client's address as text (kept in the push history).
// The request's body is moved out; the rest is left as it was.
void route(api& target, request& req, const std::string& source_address, respond_fn respond);

}  // namespace uptime::http_api
