// The counters /metrics reads from the parts that own them: the push endpoint's answers by
// HTTP status, and the dispatcher's delivery attempts by channel and result.
#include <catch2/catch.hpp>

#include <deque>
#include <optional>
#include <string>

#include "api/push.hpp"
#include "notify/dispatcher.hpp"
#include "support/run_until.hpp"

using namespace uptime;
using namespace uptime::api;

namespace {

// Answers each push at once with `result`.
struct answering_receiver final : push_receiver {
  push_result result = push_accepted{};
  void receive(push_request, push_done done) override { done(result); }
};

std::uint64_t count_of(const push_answer_counts& counts, int code) {
  for (const auto& [c, n] : counts.totals())
    if (c == code) return n;
  return ~std::uint64_t{0};  // absent
}

void push(http_api::route_table& routes, std::string target) {
  http_api::request req;
  req.method = http::verb::get;
  req.method_string = "GET";
  req.target = std::move(target);
  routes.dispatch(req, [](http_api::response) {});
}

// Holds every send until the test completes it.
struct held_transport final : notify::transport {
  std::deque<notify::delivery_done> sends;
  void send(notify::outbound, notify::delivery_done done) override { sends.push_back(std::move(done)); }
  void complete(bool ok) {
    auto d = std::move(sends.front());
    sends.pop_front();
    d({ok, ok ? "" : "HTTP 500"});
  }
};

notify::queued_alert alert_for(std::string channel, core::utc_time now) {
  notify::queued_alert q;
  q.outbox_id = 1;
  q.channel = std::move(channel);
  q.what.alert_id = "a1";
  q.what.monitor_id = 1;
  q.what.monitor_name = "job";
  q.what.status = "down";
  q.what.previous_status = "up";
  q.what.occurred_at = now;
  q.created_at = now;
  q.next_attempt_at = now;
  return q;
}

}  // namespace

TEST_CASE("push answers are counted by HTTP status, the usual ones listed from the start") {
  answering_receiver receiver;
  push_answer_counts counts;
  http_api::route_table routes;
  add_push_routes(routes, receiver, &counts);
  CHECK(counts.totals() ==
        std::vector<std::pair<int, std::uint64_t>>{{200, 0}, {400, 0}, {403, 0}, {404, 0}, {500, 0}});
  push(routes, "/api/push/5/key");
  push(routes, "/api/push/5/key/start");
  receiver.result = push_wrong_key{};
  push(routes, "/api/push/5/wrong");
  push(routes, "/api/push/x/key");  // not an id: 404 without asking the receiver
  receiver.result = push_not_written{};
  push(routes, "/api/push/5/key");
  CHECK(count_of(counts, 200) == 2);
  CHECK(count_of(counts, 403) == 1);
  CHECK(count_of(counts, 404) == 1);
  CHECK(count_of(counts, 500) == 1);
  CHECK(count_of(counts, 400) == 0);
}

TEST_CASE("push routes given no counter answer as before") {
  answering_receiver receiver;
  http_api::route_table routes;
  add_push_routes(routes, receiver);
  http_api::request req;
  req.method = http::verb::get;
  req.method_string = "GET";
  req.target = "/api/push/5/key";
  std::optional<http_api::response> out;
  routes.dispatch(req, [&](http_api::response r) { out = std::move(r); });
  REQUIRE(out);
  CHECK(out->status == http::status::ok);
}

TEST_CASE("delivery attempts are counted per channel: delivered, failed and retried, given up") {
  net::io_context io;
  held_transport t;
  auto now = *core::parse_iso("2025-01-01T00:00:00Z");
  core::retry_policy policy;
  policy.first_delay = std::chrono::milliseconds(10);
  policy.give_up_after = std::chrono::hours(1);
  notify::dispatcher d(io, t, [&] { return now; }, policy, {});
  d.set_channels({{"a", notify::channel{"a", "webhook", {{"url", "http://127.0.0.1:9/a"}, {"method", "POST"}}}}});
  d.enqueue(alert_for("a", now));
  t.complete(true);
  d.enqueue(alert_for("a", now));
  t.complete(false);  // retried later
  CHECK(d.pending() == 1);
  now += std::chrono::hours(2);  // past the retry window: the next failure gives up
  test::run_until(io, [&] { return !t.sends.empty(); });  // the retry timer
  REQUIRE(t.sends.size() == 1);
  t.complete(false);
  d.enqueue(alert_for("gone", now));  // a channel no longer configured: given up at once
  const auto& totals = d.totals();
  REQUIRE(totals.count("a") == 1);
  CHECK(totals.at("a").delivered == 1);
  CHECK(totals.at("a").failed == 1);
  CHECK(totals.at("a").given_up == 1);
  REQUIRE(totals.count("gone") == 1);
  CHECK(totals.at("gone").given_up == 1);
  CHECK(d.pending() == 0);
}
