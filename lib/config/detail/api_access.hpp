// The settings that say who may use the management API and how: api_keys: (hashed as they are
// read; a key's text never appears in a message), server.cors_origins and metrics:. Internal
// to config/; config.cpp calls these where the keys appear.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/detail/reader.hpp"

namespace uptime::config::detail {

// api_keys: a list of {name, key | key_sha256, scope}.
void parse_api_keys(reader& r, const entry& e, std::vector<api_key_settings>& out);

// server.cors_origins: a list of origins.
void parse_cors_origins(reader& r, const entry& e, std::vector<std::string>& out);

// metrics: {public: true|false}.
void parse_metrics(reader& r, const entry& e, config& c);

// "HTTPS://Grafana.Example.com:443/" -> "https://grafana.example.com": what a browser sends
// as Origin for a page there; nullopt when `text` is not an http(s) origin (a path, a query,
// credentials, no host).
std::optional<std::string> normalize_origin(std::string_view text);

}  // namespace uptime::config::detail
