// Query parameters of the management API (see query.hpp).
#include "api/query.hpp"

#include <fmt/format.h>

#include <charconv>

namespace uptime::api {

std::optional<std::string_view> query_value(const http_api::query_params& q, std::string_view name) {
  std::optional<std::string_view> out;
  for (const auto& [k, v] : q)
    if (k == name) out = v;
  return out;
}

namespace {
std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return v;
}
}  // namespace

std::variant<std::int64_t, http_api::response> int_param(const http_api::query_params& q, std::string_view name,
                                                         std::int64_t absent, std::int64_t min, std::int64_t max) {
  const auto text = query_value(q, name);
  if (!text) return absent;
  const auto v = parse_int(*text);
  if (!v || *v < min || *v > max)
    return http_api::error_response(http::status::bad_request,
                                    fmt::format("{} must be a whole number from {} to {}", name, min, max));
  return *v;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  const auto v = parse_int(text);
  if (!v || *v <= 0 || text.front() == '+') return std::nullopt;
  return v;
}

}  // namespace uptime::api
