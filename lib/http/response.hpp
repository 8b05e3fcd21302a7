// An answer as handlers build it and serialize() writes it: status, content type, a few extra
// header fields, and a body that is either owned text or a view of bytes that live as long as
// the program (embedded assets). JSON is the default: a response nobody touched is
// `application/json` with `Cache-Control: no-store`, which every API answer sends. Plain data,
// not a Beast message: no field container to build and free for every answer.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net.hpp"
#include "util/move_only_function.hpp"

namespace uptime::http_api {

inline constexpr std::string_view json_content_type = "application/json";
inline constexpr std::string_view no_store = "no-store";

// A header field beyond the ones serialize() writes itself (Content-Type, Cache-Control,
// Content-Length, Connection): ETag, Vary, Content-Encoding, WWW-Authenticate, Retry-After,
// Set-Cookie, Allow, Location... The name is static text (a literal); the value is owned.
struct header_field {
  std::string_view name;
  std::string value;
};

// Owned text, or a view of static bytes that is never copied.
class response_body {
 public:
  response_body() = default;
  response_body(std::string owned) noexcept : owned_(std::move(owned)) {}  // NOLINT: a body is text
  response_body(const char* text) : owned_(text) {}                       // NOLINT: as above
  // `bytes` must outlive every response that holds it (memory that lives for the program).
  static response_body static_bytes(std::string_view bytes) noexcept {
    response_body b;
    b.static_ = bytes;
    b.is_static_ = true;
    return b;
  }
  std::string_view view() const noexcept { return is_static_ ? static_ : std::string_view(owned_); }
  std::size_t size() const noexcept { return view().size(); }
  bool is_static() const noexcept { return is_static_; }

 private:
  std::string owned_;
  std::string_view static_;
  bool is_static_ = false;
};

struct response {
  http::status status = http::status::ok;
  std::string_view content_type = json_content_type;  // static text
  std::string_view cache_control = no_store;          // static text; "" sends no field
  std::vector<header_field> headers;                   // sent in this order
  response_body body;     // for HEAD its length is sent, not the body
  unsigned version = 11;  // 10 or 11, the request's (set by the listener)
  bool keep_alive = true;
  bool head = false;  // answering HEAD: send the headers only (set by the listener)

  void add_header(std::string_view name, std::string value) {
    headers.push_back({name, std::move(value)});
  }
  // The first field called `name` (case-insensitive), or nullptr.
  const header_field* find_header(std::string_view name) const;
};

// Called exactly once, on the io thread, with the answer.
using respond_fn = util::move_only_function<void(response)>;

// JSON answers (Content-Type application/json, Cache-Control no-store).
response json_response(http::status status, const json::value& body);
// `{"error":"<message>"}`.
response error_response(http::status status, std::string_view message);
// `body` must already be valid JSON.
response raw_json_response(http::status status, std::string body);

}  // namespace uptime::http_api
