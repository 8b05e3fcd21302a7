// The server's glue between config/ and notify/: channel conversion, the host shown in alerts
// instead of the push URL, and notify-test's answers that need no network.
#include <catch2/catch.hpp>

#include <sstream>

#include "server/channels.hpp"

using namespace uptime;

TEST_CASE("alerts show the push URL's host and port, never its path") {
  CHECK(server::host_of("https://status.example.com") == "status.example.com");
  CHECK(server::host_of("https://status.example.com:8443/base") == "status.example.com:8443");
  CHECK(server::host_of("http://localhost:5000") == "localhost:5000");
  CHECK(server::host_of("status.example.com/x") == "status.example.com");
}

TEST_CASE("configured channels become the notifier's channels with their fields") {
  config::config cfg;
  cfg.notifications["ops"] = config::channel_settings{"ops", "webhook", {{"url", "http://127.0.0.1:9/x"}}, 3};
  const auto channels = server::channels_of(cfg);
  REQUIRE(channels.count("ops") == 1);
  CHECK(channels.at("ops").type == "webhook");
  CHECK(channels.at("ops").field("url") == "http://127.0.0.1:9/x");
}

TEST_CASE("notify-test names a channel that does not exist and fails") {
  config::config cfg;
  cfg.file = "/etc/uptime-monitor/config.yaml";
  std::ostringstream out;
  CHECK(server::send_test_alert(cfg, "nope", out) == 1);
  CHECK(out.str() == "No channel named \"nope\" under notifications: in /etc/uptime-monitor/config.yaml\n");
}

TEST_CASE("notify-test reports settings that cannot make a message, without sending") {
  config::config cfg;
  cfg.notifications["mail"] = config::channel_settings{"mail", "email", {{"host", "smtp.example.com"}}, 1};
  std::ostringstream out;
  CHECK(server::send_test_alert(cfg, "mail", out) == 1);
  CHECK(out.str().rfind("Not sent: channel \"mail\" (email):", 0) == 0);
}
