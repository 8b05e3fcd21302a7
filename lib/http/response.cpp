// Response helpers (see response.hpp).
#include "http/response.hpp"

#include <algorithm>

namespace uptime::http_api {

namespace {
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

const header_field* response::find_header(std::string_view name) const {
  for (const auto& h : headers)
    if (h.name.size() == name.size() &&
        std::equal(h.name.begin(), h.name.end(), name.begin(),
                   [](char a, char b) { return lower(a) == lower(b); }))
      return &h;
  return nullptr;
}

response raw_json_response(http::status status, std::string body) {
  // Built in place (this answers most requests): the body's string is moved once.
  return response{status, json_content_type, no_store, {}, response_body(std::move(body))};
}

response json_response(http::status status, const json::value& body) {
  return raw_json_response(status, json::serialize(body));
}

response error_response(http::status status, std::string_view message) {
  return json_response(status, json::object{{"error", message}});
}

}  // namespace uptime::http_api
