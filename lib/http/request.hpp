// A request as the HTTP layer hands it to a handler: the request line, the few header fields
// that anything reads, the client's address, the body, and the target split into decoded path
// segments and query pairs. It is not a field list: the reader copies only the fields named
// here (a list built and freed for every request costs more than the rest of its parsing), so a
// feature that needs another field adds it here and in detail/request_parser.
#pragma once

#include <boost/container/small_vector.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net.hpp"

namespace uptime::http_api {

// Decoded ?name=value pairs in the order sent; a name without '=' has an empty value.
using query_params = std::vector<std::pair<std::string, std::string>>;

// One per connection, reused request after request: its strings keep their capacity.
// `path` holds views into `target` or `decoded_path`: a request must not be copied or moved
// once its target is parsed (handlers get it by reference).
struct request {
  // ---- the request line and header (request_reader)
  http::verb method = http::verb::get;
  std::string method_string;  // as sent: GET, POST, ...
  std::string target;         // the request-target: path and query, still encoded
  unsigned version = 11;      // 10 or 11
  bool keep_alive = true;     // whether the connection may carry another request
  // Header fields, "" when absent. A field sent several times is read as one list, joined with
  // ", " (RFC 9110 §5.3), Cookie with "; " (RFC 6265 §5.4); User-Agent keeps the last one.
  std::string user_agent;
  std::string authorization;  // a credential: never logged
  std::string if_none_match;
  std::string accept_encoding;
  std::string cookie;  // may carry a session: never logged
  // X-Api-Key: a credential, never logged. Not a list: sent twice it is "" (no key), since two
  // keys joined would be neither.
  std::string x_api_key;
  // CORS (http/cors.hpp): the page's origin, and what a preflight asks to send.
  std::string origin;
  std::string access_control_request_method;
  std::string access_control_request_headers;
  std::string body;
  // ---- the connection (listener): the client's address as text, "" if unknown. Set once for
  // the connection's life: a handler copies it, never moves it out.
  std::string source_address;
  // ---- the target, split by parse_target() (route_table::dispatch calls it)
  boost::container::small_vector<std::string_view, 6> path;  // percent-decoded segments
  std::vector<std::string> decoded_path;  // storage for segments that needed decoding
  query_params query;
};

// Splits `req.target` (origin-form) into `req.path` and `req.query`, percent-decoded; false if
// it is not a valid origin-form target. "/" has no segments; "/a/" has "a" and "".
bool parse_target(request& req);

}  // namespace uptime::http_api
