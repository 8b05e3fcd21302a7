// The dispatcher with a transport that answers when the test says so: order per monitor and
// channel, retries with backoff, giving up, and one hung channel not delaying another.
#include <catch2/catch.hpp>

#include <deque>

#include "notify/dispatcher.hpp"

using namespace uptime;
using namespace uptime::notify;
using namespace std::chrono_literals;

namespace {

// Holds every send until the test completes it: a channel that hangs is one never completed.
struct held_transport final : transport {
  struct pending_send {
    outbound what;
    delivery_done done;
  };
  std::deque<pending_send> sends;
  void send(outbound what, delivery_done done) override {
    sends.push_back({std::move(what), std::move(done)});
  }
  std::string url(std::size_t i) const { return std::get<http_request>(sends.at(i).what).url; }
  void complete(std::size_t i, bool ok, std::string error = "HTTP 500") {
    auto d = std::move(sends.at(i).done);
    sends.erase(sends.begin() + static_cast<long>(i));
    d({ok, std::move(error)});
  }
};

struct fixture {
  net::io_context io;
  held_transport t;
  core::utc_time now = *core::parse_iso("2025-01-01T00:00:00Z");
  std::vector<std::string> log;
  dispatcher d{io, t, [this] { return now; }, core::retry_policy{}, outcomes()};

  fixture() {
    d.set_channels({{"a", channel{"a", "webhook", {{"url", "http://127.0.0.1:9/a"}, {"method", "POST"}}}},
                    {"b", channel{"b", "webhook", {{"url", "http://127.0.0.1:9/b"}, {"method", "POST"}}}}});
  }

  dispatcher::outcomes outcomes() {
    dispatcher::outcomes o;
    o.delivered = [this](const queued_alert& q, core::utc_time) { log.push_back("delivered " + q.what.alert_id); };
    o.failed = [this](const queued_alert& q, const std::string&) {
      log.push_back("failed " + q.what.alert_id + " #" + std::to_string(q.attempts) + " next " +
                    core::format_iso(q.next_attempt_at));
    };
    o.gave_up = [this](const queued_alert& q, core::utc_time, const std::string& e) {
      log.push_back("gave up " + q.what.alert_id + ": " + e);
    };
    return o;
  }

  queued_alert alert_for(std::string id, std::string ch, std::int64_t monitor = 1) {
    queued_alert q;
    q.outbox_id = 1;
    q.channel = std::move(ch);
    q.what.alert_id = std::move(id);
    q.what.monitor_id = monitor;
    q.what.monitor_name = "job";
    q.what.status = "down";
    q.what.previous_status = "up";
    q.what.occurred_at = now;
    q.created_at = now;
    q.next_attempt_at = now;
    return q;
  }

  void run() {
    io.restart();
    io.poll();
  }
};

}  // namespace

TEST_CASE("alerts for one monitor and channel are sent one at a time, in order") {
  fixture f;
  f.d.enqueue(f.alert_for("down-1", "a"));
  f.d.enqueue(f.alert_for("up-1", "a"));
  REQUIRE(f.t.sends.size() == 1);
  f.t.complete(0, true);
  REQUIRE(f.t.sends.size() == 1);
  f.t.complete(0, true);
  CHECK(f.log == std::vector<std::string>{"delivered down-1", "delivered up-1"});
  CHECK(f.d.pending() == 0);
}

TEST_CASE("a hung channel does not delay another channel or another monitor") {
  fixture f;
  f.d.enqueue(f.alert_for("x", "a", 1));
  f.d.enqueue(f.alert_for("y", "b", 1));
  f.d.enqueue(f.alert_for("z", "a", 2));
  REQUIRE(f.t.sends.size() == 3);  // all three lanes started at once
  f.t.complete(2, true);
  f.t.complete(1, true);
  CHECK(f.log == std::vector<std::string>{"delivered z", "delivered y"});
  CHECK(f.d.pending() == 1);  // "x" still hangs on its own lane
}

TEST_CASE("a failed delivery is retried after 1 s, then 2 s, and delivered later") {
  fixture f;
  f.d.enqueue(f.alert_for("d", "a"));
  f.t.complete(0, false);
  CHECK(f.log.back() == "failed d #1 next 2025-01-01T00:00:01Z");
  f.now += 1s;
  f.io.restart();
  f.io.run_one_for(3s);  // the retry timer
  REQUIRE(f.t.sends.size() == 1);
  f.t.complete(0, false);
  CHECK(f.log.back() == "failed d #2 next 2025-01-01T00:00:03Z");
  f.now += 2s;
  f.io.restart();
  f.io.run_one_for(4s);
  REQUIRE(f.t.sends.size() == 1);
  f.t.complete(0, true);
  CHECK(f.log.back() == "delivered d");
}

TEST_CASE("an alert still failing at the end of the retry window is given up and the next one goes") {
  fixture f;
  auto old = f.alert_for("old", "a");
  old.created_at = f.now - 24h;
  f.d.enqueue(old);
  f.d.enqueue(f.alert_for("new", "a"));
  f.t.complete(0, false, "connection refused");
  CHECK(f.log.front() == "gave up old: connection refused");
  REQUIRE(f.t.sends.size() == 1);
  f.t.complete(0, true);
  CHECK(f.log.back() == "delivered new");
}

TEST_CASE("an alert for a channel that was removed from the config is given up with the reason") {
  fixture f;
  f.d.enqueue(f.alert_for("lost", "gone"));
  CHECK(f.t.sends.empty());
  REQUIRE(f.log.size() == 1);
  CHECK(f.log[0] == "gave up lost: channel \"gone\" is no longer configured");
}

TEST_CASE("an alert whose retry time is later waits for it") {
  fixture f;
  auto later = f.alert_for("later", "a");
  later.next_attempt_at = f.now + 5s;
  f.d.enqueue(later);
  CHECK(f.t.sends.empty());
  f.now += 5s;
  f.io.restart();
  f.io.run_one_for(6s);
  CHECK(f.t.sends.size() == 1);
}
