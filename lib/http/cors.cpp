// CORS answers (see cors.hpp).
#include "http/cors.hpp"

#include <algorithm>

namespace uptime::http_api {

namespace {
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::vector<std::string> normalize_cors_origins(std::vector<std::string> origins) {
  for (auto& o : origins) std::transform(o.begin(), o.end(), o.begin(), lower);
  return origins;
}

bool cors_origin_listed(const std::vector<std::string>& origins, std::string_view origin) {
  return std::any_of(origins.begin(), origins.end(), [&](const std::string& listed) {
    return listed.size() == origin.size() &&
           std::equal(listed.begin(), listed.end(), origin.begin(),
                      [](char l, char o) { return l == lower(o); });
  });
}

void add_cors_headers(response& res, std::string_view origin) {
  res.add_header("Access-Control-Allow-Origin", std::string(origin));
  for (auto& h : res.headers)
    if (h.name.size() == 4 && lower(h.name[0]) == 'v' && lower(h.name[1]) == 'a' &&
        lower(h.name[2]) == 'r' && lower(h.name[3]) == 'y') {
      h.value += ", Origin";
      return;
    }
  res.add_header("Vary", "Origin");
}

response cors_preflight_response(std::string_view origin, std::string methods) {
  response res;
  res.status = http::status::no_content;
  res.add_header("Access-Control-Allow-Methods", std::move(methods));
  res.add_header("Access-Control-Allow-Headers", std::string(cors_allowed_headers));
  res.add_header("Access-Control-Max-Age", std::string(cors_max_age));
  add_cors_headers(res, origin);
  return res;
}

}  // namespace uptime::http_api
