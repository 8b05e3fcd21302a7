// /metrics through the real route table and endpoint, with a source the test controls: the
// families, their HELP and TYPE, per-monitor labels and values, series left out when unknown,
// a removed monitor's series gone at the next scrape, the server's counters, scrapes that
// arrive during a build sharing it, and the authenticator's refusal.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "api/metrics.hpp"
#include "support/run_until.hpp"

using namespace uptime;
using namespace uptime::api;

namespace {

// Answers with `monitors` at once, or holds the answer until release() when `hold` is set.
struct fake_source final : metrics_source {
  std::vector<monitor_sample> monitors;
  server_sample server;
  bool hold = false;
  int gatherings = 0;
  util::move_only_function<void(std::vector<monitor_sample>)> held;

  void sample_monitors(util::move_only_function<void(std::vector<monitor_sample>)> done) override {
    ++gatherings;
    if (hold) {
      held = std::move(done);
      return;
    }
    done(monitors);
  }
  server_sample sample_server() override { return server; }
  void release() {
    auto done = std::move(held);
    done(monitors);
  }
};

monitor_sample monitor(std::int64_t id, std::string name, std::string group, std::string_view status) {
  monitor_sample m;
  m.id = id;
  m.name = std::move(name);
  m.group = std::move(group);
  m.status = status;
  return m;
}

struct endpoint {
  net::io_context io;
  fake_source source;
  metrics_endpoint metrics{io, source};
  http_api::route_table routes;
  explicit endpoint(http_api::authenticator* auth = nullptr) { add_metrics_routes(routes, metrics, auth); }

  // Sends a GET; the answer lands in `out` once the io loop delivers it.
  void send(std::optional<http_api::response>& out, std::string target = "/metrics") {
    auto req = std::make_unique<http_api::request>();
    req->method = http::verb::get;
    req->method_string = "GET";
    req->target = std::move(target);
    routes.dispatch(*req, [&out](http_api::response r) { out = std::move(r); });
  }
  http_api::response scrape() {
    std::optional<http_api::response> out;
    send(out);
    test::run_until(io, [&] { return out.has_value(); });
    REQUIRE(out);
    return std::move(*out);
  }
  std::string scrape_text() { return std::string(scrape().body.view()); }
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("a scrape answers 200 in the text exposition format, version 0.0.4") {
  endpoint e;
  const auto r = e.scrape();
  CHECK(r.status == http::status::ok);
  CHECK(r.content_type == "text/plain; version=0.0.4; charset=utf-8");
}

TEST_CASE("every family has its HELP and TYPE lines, even with no monitors") {
  endpoint e;
  const auto text = e.scrape_text();
  const std::vector<std::pair<std::string, std::string>> families = {
      {"uptime_monitor_up", "gauge"},
      {"uptime_monitor_state", "gauge"},
      {"uptime_monitor_in_maintenance", "gauge"},
      {"uptime_monitor_last_push_timestamp_seconds", "gauge"},
      {"uptime_monitor_deadline_timestamp_seconds", "gauge"},
      {"uptime_monitor_last_run_duration_seconds", "gauge"},
      {"uptime_monitor_pushes_total", "counter"},
      {"uptime_push_requests_total", "counter"},
      {"uptime_alerts_pending", "gauge"},
      {"uptime_alert_deliveries_total", "counter"},
      {"uptime_store_commit_seconds", "histogram"},
      {"process_start_time_seconds", "gauge"},
      {"process_resident_memory_bytes", "gauge"},
  };
  for (const auto& [name, type] : families) {
    INFO(name);
    CHECK(text.find("# HELP " + name + " ") != std::string::npos);
    CHECK(has_line(text, "# TYPE " + name + " " + type));
  }
}

TEST_CASE("each monitor's series carry its id, name and group, escaped") {
  endpoint e;
  auto m = monitor(7, "Nightly \"db\" backup", "ops\\eu", "up");
  m.last_push_seconds = 1767225600;
  m.deadline_seconds = 1767229200;
  m.last_duration_seconds = 12.5;
  m.pushes_total = 42;
  e.source.monitors = {m};
  const auto text = e.scrape_text();
  const std::string labels = R"(id="7",name="Nightly \"db\" backup",group="ops\\eu")";
  CHECK(has_line(text, "uptime_monitor_up{" + labels + "} 1"));
  CHECK(has_line(text, "uptime_monitor_in_maintenance{" + labels + "} 0"));
  CHECK(has_line(text, "uptime_monitor_last_push_timestamp_seconds{" + labels + "} 1767225600"));
  CHECK(has_line(text, "uptime_monitor_deadline_timestamp_seconds{" + labels + "} 1767229200"));
  CHECK(has_line(text, "uptime_monitor_last_run_duration_seconds{" + labels + "} 12.5"));
  CHECK(has_line(text, "uptime_monitor_pushes_total{" + labels + "} 42"));
}

TEST_CASE("the state family has one series per state, 1 for the monitor's current one") {
  endpoint e;
  e.source.monitors = {monitor(1, "a", "", "paused")};
  const auto text = e.scrape_text();
  const std::string labels = R"(id="1",name="a",group="")";
  CHECK(has_line(text, "uptime_monitor_state{" + labels + R"(,state="pending"} 0)"));
  CHECK(has_line(text, "uptime_monitor_state{" + labels + R"(,state="up"} 0)"));
  CHECK(has_line(text, "uptime_monitor_state{" + labels + R"(,state="down"} 0)"));
  CHECK(has_line(text, "uptime_monitor_state{" + labels + R"(,state="paused"} 1)"));
}

TEST_CASE("up is 0 only for a down monitor: pending, up and paused are 1") {
  endpoint e;
  e.source.monitors = {monitor(1, "p", "", "pending"), monitor(2, "u", "", "up"),
                       monitor(3, "d", "", "down"), monitor(4, "z", "", "paused")};
  const auto text = e.scrape_text();
  CHECK(has_line(text, R"(uptime_monitor_up{id="1",name="p",group=""} 1)"));
  CHECK(has_line(text, R"(uptime_monitor_up{id="2",name="u",group=""} 1)"));
  CHECK(has_line(text, R"(uptime_monitor_up{id="3",name="d",group=""} 0)"));
  CHECK(has_line(text, R"(uptime_monitor_up{id="4",name="z",group=""} 1)"));
}

TEST_CASE("a time or duration that is unknown leaves its series out") {
  endpoint e;
  auto m = monitor(3, "never pushed", "", "pending");
  m.in_maintenance = true;
  e.source.monitors = {m};
  const auto text = e.scrape_text();
  CHECK(has_line(text, R"(uptime_monitor_in_maintenance{id="3",name="never pushed",group=""} 1)"));
  CHECK(text.find("uptime_monitor_last_push_timestamp_seconds{") == std::string::npos);
  CHECK(text.find("uptime_monitor_deadline_timestamp_seconds{") == std::string::npos);
  CHECK(text.find("uptime_monitor_last_run_duration_seconds{") == std::string::npos);
  CHECK(has_line(text, R"(uptime_monitor_pushes_total{id="3",name="never pushed",group=""} 0)"));
}

TEST_CASE("monitors are written by id whatever order the source gives them in") {
  endpoint e;
  e.source.monitors = {monitor(30, "c", "", "up"), monitor(4, "a", "", "up"), monitor(12, "b", "", "up")};
  const auto text = e.scrape_text();
  const auto a = text.find(R"(uptime_monitor_up{id="4")");
  const auto b = text.find(R"(uptime_monitor_up{id="12")");
  const auto c = text.find(R"(uptime_monitor_up{id="30")");
  CHECK(a < b);
  CHECK(b < c);
}

TEST_CASE("a monitor the source no longer has is gone from the next scrape") {
  endpoint e;
  e.source.monitors = {monitor(1, "Old name", "", "up"), monitor(2, "Other", "", "up")};
  CHECK(e.scrape_text().find("Old name") != std::string::npos);
  e.source.monitors = {monitor(3, "New name", "", "pending"), monitor(2, "Other", "", "up")};
  const auto text = e.scrape_text();
  CHECK(text.find("Old name") == std::string::npos);
  CHECK(text.find(R"(id="1")") == std::string::npos);
  CHECK(has_line(text, R"(uptime_monitor_up{id="3",name="New name",group=""} 1)"));
}

TEST_CASE("the server's counters, queue, commit times and process are in every scrape") {
  endpoint e;
  auto& s = e.source.server;
  s.push_answers = {{200, 10}, {403, 2}, {404, 0}};
  s.deliveries = {{"ops \"pager\"", "delivered", 3}, {"ops \"pager\"", "given_up", 1}};
  s.alerts_pending = 5;
  s.commit_seconds.upper_bounds = {0.001, 1};
  s.commit_seconds.cumulative = {2, 3, 3};
  s.commit_seconds.sum = 0.75;
  s.commit_seconds.count = 3;
  s.start_time_seconds = 1767225600.5;
  s.resident_memory_bytes = 52428800;
  const auto text = e.scrape_text();
  CHECK(has_line(text, R"(uptime_push_requests_total{code="200"} 10)"));
  CHECK(has_line(text, R"(uptime_push_requests_total{code="403"} 2)"));
  CHECK(has_line(text, R"(uptime_push_requests_total{code="404"} 0)"));
  CHECK(has_line(text, R"(uptime_alert_deliveries_total{channel="ops \"pager\"",result="delivered"} 3)"));
  CHECK(has_line(text, R"(uptime_alert_deliveries_total{channel="ops \"pager\"",result="given_up"} 1)"));
  CHECK(has_line(text, "uptime_alerts_pending 5"));
  CHECK(has_line(text, R"(uptime_store_commit_seconds_bucket{le="0.001"} 2)"));
  CHECK(has_line(text, R"(uptime_store_commit_seconds_bucket{le="1"} 3)"));
  CHECK(has_line(text, R"(uptime_store_commit_seconds_bucket{le="+Inf"} 3)"));
  CHECK(has_line(text, "uptime_store_commit_seconds_sum 0.75"));
  CHECK(has_line(text, "uptime_store_commit_seconds_count 3"));
  CHECK(has_line(text, "process_start_time_seconds 1767225600.5"));
  CHECK(has_line(text, "process_resident_memory_bytes 52428800"));
}

TEST_CASE("scrapes that arrive while one is being built wait for it and get the same text") {
  endpoint e;
  e.source.monitors = {monitor(1, "a", "", "up")};
  e.source.hold = true;
  std::optional<http_api::response> first, second, third;
  e.send(first);
  e.send(second);
  e.send(third);
  CHECK(e.source.gatherings == 1);  // one gathering for all three
  e.source.monitors = {monitor(1, "a", "", "down")};
  e.source.release();
  test::run_until(e.io, [&] { return first && second && third; });
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(third);
  CHECK(e.metrics.builds() == 1);
  CHECK(first->body.view() == second->body.view());
  CHECK(first->body.view() == third->body.view());
  CHECK(has_line(std::string(first->body.view()), R"(uptime_monitor_up{id="1",name="a",group=""} 0)"));
  // The build is over: the next scrape starts another.
  e.source.hold = false;
  e.scrape();
  CHECK(e.source.gatherings == 2);
  CHECK(e.metrics.builds() == 2);
}

TEST_CASE("with an authenticator, a scrape it refuses gets its answer and builds nothing") {
  struct refusing final : http_api::authenticator {
    std::variant<http_api::identity, http_api::response> authenticate(const http_api::request&) override {
      return http_api::unauthorized("Bearer", "API key required");
    }
  } auth;
  endpoint e(&auth);
  const auto r = e.scrape();
  CHECK(r.status == http::status::unauthorized);
  CHECK(e.source.gatherings == 0);
}
