// Parsing http(s) URLs and host names (see url.hpp).
#include "core/url.hpp"

#include <algorithm>
#include <charconv>

namespace uptime::core {

namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char c) {
           return p == (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
         });
}

bool valid_port(std::string_view port) {
  unsigned number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  return !port.empty() && ec == std::errc() && end == port.data() + port.size() && number >= 1 &&
         number <= 65535;
}

}  // namespace

std::string http_url::host_and_port() const {
  std::string out(host);
  if (!port.empty()) out.append(":").append(port);
  return out;
}

std::optional<http_url> parse_http_url(std::string_view text) {
  http_url u;
  std::size_t authority_start = 0;
  if (starts_with_nocase(text, "http://")) {
    authority_start = 7;
  } else if (starts_with_nocase(text, "https://")) {
    authority_start = 8;
  } else {
    return std::nullopt;
  }
  u.scheme = text.substr(0, authority_start - 3);
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f)
      return std::nullopt;
  }
  const std::size_t authority_end =
      std::min(text.find_first_of("/?#", authority_start), text.size());
  std::string_view authority = text.substr(authority_start, authority_end - authority_start);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  u.host = authority;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = authority.substr(0, close + 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      u.port = rest.substr(1);
      if (u.port.empty()) return std::nullopt;
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
    if (u.port.empty()) return std::nullopt;
  }
  if (!u.port.empty() && !valid_port(u.port)) return std::nullopt;
  if (u.host.empty() || !is_host_name(u.host)) return std::nullopt;
  const std::string_view rest = text.substr(authority_end);
  const std::size_t query = rest.find_first_of("?#");
  u.path = rest.substr(0, query);
  u.has_query_or_fragment = query != std::string_view::npos;
  return u;
}

bool is_http_url(std::string_view url, bool allow_query) {
  const auto u = parse_http_url(url);
  return u && (allow_query || !u->has_query_or_fragment);
}

bool is_host_name(std::string_view d) {
  if (d.size() >= 2 && d.front() == '[' && d.back() == ']') {
    const std::string_view inside = d.substr(1, d.size() - 2);
    // IPv4 or IPv6 digits only: "[smtp.example.com:587]" is not an address.
    return !inside.empty() && std::all_of(inside.begin(), inside.end(), [](char c) {
      return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
             c == ':';
    });
  }
  if (d.empty() || d.size() > 253) return false;
  std::size_t start = 0;
  while (start <= d.size()) {
    const std::size_t dot = std::min(d.find('.', start), d.size());
    const std::string_view label = d.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    if (!std::all_of(label.begin(), label.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_'; }))
      return false;
    start = dot + 1;
  }
  return true;
}

}  // namespace uptime::core
