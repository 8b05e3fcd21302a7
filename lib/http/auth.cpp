// Helpers for authenticators (see auth.hpp).
#include "http/auth.hpp"

namespace uptime::http_api {

std::optional<std::string_view> bearer_token(const request& req) {
  constexpr std::string_view scheme = "bearer";
  std::string_view v = req.authorization;
  if (v.size() <= scheme.size() || v[scheme.size()] != ' ') return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if ((v[i] | 0x20) != scheme[i]) return std::nullopt;  // exact for letters
  v.remove_prefix(scheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  // token68 has no spaces or commas: a field sent twice reads "Bearer a, Bearer b", no token.
  if (v.empty() || v.find_first_of(" ,\t") != std::string_view::npos) return std::nullopt;
  return v;
}

response unauthorized(std::string challenge, std::string_view message) {
  auto res = error_response(http::status::unauthorized, message);
  res.add_header("WWW-Authenticate", std::move(challenge));
  return res;
}

}  // namespace uptime::http_api
