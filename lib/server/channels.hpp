// From the config's channels to the notifier's, and the notify-test command's one-off
// delivery. Lives in server/ because it is the one place that knows both config/ and notify/.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "config/config.hpp"
#include "notify/alert.hpp"

namespace uptime::server {

std::map<std::string, notify::channel> channels_of(const config::config& cfg);

// "https://status.example.com:8443/base" -> "status.example.com:8443" (core::parse_http_url;
// credentials in the URL are left out).
std::string host_of(const std::string& base_url);

// Sends a test alert through the named channel and waits for the answer; prints whether it
// was delivered and, if not, the server's error. Returns 0 when delivered, 1 otherwise.
int send_test_alert(const config::config& cfg, const std::string& channel_name, std::ostream& out);

}  // namespace uptime::server
