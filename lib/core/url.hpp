// The one parser of the http(s) URLs a user writes: server.base_url, webhook and chat
// endpoints, ntfy and Gotify servers; and the host names those URLs and e-mail addresses name.
// What it accepts: "http://" or "https://" (any case), an optional user:password@, a host that
// is a DNS name (letters, digits, '-' and '_' (container names have it), in dot-separated
// labels; a single label such as "localhost" too) or an address literal in
// brackets, an optional port 1..65535, then anything printable (path, query, fragment; only
// the query and fragment are told apart). ASCII only: no IDN, no control characters, no
// spaces. Pure text handling; it never resolves or fetches anything.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace uptime::core {

// The parts of a URL: views into the text it was parsed from.
struct http_url {
  std::string_view scheme;  // "http" or "https", as written ("HTTPS" too)
  std::string_view host;    // "status.example.com", "[::1]"
  std::string_view port;    // "8443"; "" when none is written
  std::string_view path;    // "/base" or "" (the rest up to ? or #)
  bool has_query_or_fragment = false;

  // "status.example.com:8443": the host and port, without credentials.
  std::string host_and_port() const;
};

// nullopt when `text` is not such a URL.
std::optional<http_url> parse_http_url(std::string_view text);

// Whether `url` is an absolute http(s) URL with a host; `allow_query` false also refuses
// '?' and '#'.
bool is_http_url(std::string_view url, bool allow_query = true);

// A DNS name as above (at most 253 characters, labels of 1 to 63), or an address literal
// "[192.0.2.1]", "[2001:db8::1]".
bool is_host_name(std::string_view host);

}  // namespace uptime::core
