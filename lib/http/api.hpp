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

using response = http::response<http::string_body>;
using request = http::request<http::string_body>;
// Called exactly once, on the io thread, with the answer.
using respond_fn = util::move_only_function<void(response)>;

// A JSON answer: `{"error": "..."}` bodies and the like, Content-Type application/json.
response json_response(http::status status, const json::value& body);
response error_response(http::status status, std::string_view message);
// `body` must already be valid JSON.
response raw_json_response(http::status status, std::string body);

struct push_call {
  std::string monitor_id;   // the path segment as sent (may be non-numeric)
  std::string secret_key;   // never logged
  std::string signal;       // the segment after the key (start, fail, log, exit code), or ""
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
void route(api& target, request&& req, const std::string& source_address, respond_fn respond);

}  // namespace uptime::http_api
