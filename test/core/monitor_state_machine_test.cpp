// The push monitor's life at explicit instants: pending -> up -> down -> up, failure pushes,
// deadlines to the second, rule changes and server outages.
#include <catch2/catch.hpp>

#include "core/monitor.hpp"

using namespace uptime::core;
using namespace std::chrono_literals;

namespace {
utc_time at(const char* iso) { return *parse_iso(iso); }
monitor_rules every(seconds interval, seconds grace) {
  monitor_rules r;
  r.expected_interval = interval;
  r.grace_period = grace;
  return r;
}
monitor_rules daily() { return every(24h, 1h); }
push_report failed_with(std::string message) {
  push_report p;
  p.signal = push_signal::failure;
  p.message = std::move(message);
  return p;
}
}  // namespace

TEST_CASE("a new monitor is pending and has no deadline") {
  monitor_state s;
  CHECK(s.status == monitor_status::pending);
  CHECK_FALSE(going_down_at(s, daily()));
  CHECK_FALSE(on_deadline(s, daily(), at("2030-01-01T00:00:00Z")).change);
}

TEST_CASE("the first push makes a pending monitor UP and sets the deadline to push + interval + grace") {
  const auto out = on_push({}, daily(), {}, at("2025-01-15T10:30:00.700Z"));
  CHECK(out.received_at == at("2025-01-15T10:30:00Z"));
  CHECK(out.next_expected_by == at("2025-01-16T11:30:01Z"));  // rounded up to the second
  CHECK(out.state.status == monitor_status::up);
  CHECK(out.state.status_since == at("2025-01-15T10:30:00.700Z"));
  REQUIRE(out.change);
  CHECK(out.change->from == monitor_status::pending);
  CHECK(out.change->to == monitor_status::up);
  CHECK(going_down_at(out.state, daily()) == at("2025-01-16T11:30:01Z"));
}

TEST_CASE("a push while UP moves the deadline without a transition") {
  const auto first = on_push({}, daily(), {}, at("2025-01-15T10:30:00Z"));
  const auto second = on_push(first.state, daily(), {}, at("2025-01-16T10:00:00Z"));
  CHECK_FALSE(second.change);
  CHECK(second.state.status_since == at("2025-01-15T10:30:00Z"));
  CHECK(going_down_at(second.state, daily()) == at("2025-01-17T11:00:00Z"));
}

TEST_CASE("an UP monitor stays UP one second before its deadline and goes DOWN at it") {
  const auto up = on_push({}, daily(), {}, at("2025-01-15T10:30:00Z")).state;
  CHECK_FALSE(on_deadline(up, daily(), at("2025-01-16T11:29:59.999Z")).change);
  const auto down = on_deadline(up, daily(), at("2025-01-16T11:30:00Z"));
  REQUIRE(down.change);
  CHECK(down.state.status == monitor_status::down);
  CHECK(down.change->at == at("2025-01-16T11:30:00Z"));
  CHECK(down.state.reason == "No push since 2025-01-15T10:30:00Z, expected every 24h + 1h grace");
  CHECK_FALSE(going_down_at(down.state, daily()));
}

TEST_CASE("a DOWN noticed late is still dated at the deadline") {
  const auto up = on_push({}, every(60s, 0s), {}, at("2025-01-15T10:30:00Z")).state;
  const auto down = on_deadline(up, every(60s, 0s), at("2025-01-15T10:45:00Z"));
  REQUIRE(down.change);
  CHECK(down.change->at == at("2025-01-15T10:31:00Z"));
  CHECK(down.state.reason == "No push since 2025-01-15T10:30:00Z, expected every 1m");
}

TEST_CASE("a push after DOWN recovers the monitor with a transition to UP") {
  const auto up = on_push({}, daily(), {}, at("2025-01-15T10:30:00Z")).state;
  const auto down = on_deadline(up, daily(), at("2025-01-17T00:00:00Z")).state;
  const auto back = on_push(down, daily(), {}, at("2025-01-17T00:00:05Z"));
  REQUIRE(back.change);
  CHECK(back.change->from == monitor_status::down);
  CHECK(back.change->to == monitor_status::up);
  CHECK(back.state.reason.empty());
  CHECK(going_down_at(back.state, daily()) == at("2025-01-18T01:00:05Z"));
}

TEST_CASE("a push reporting failure sends the monitor DOWN at once with its message") {
  const auto up = on_push({}, daily(), {}, at("2025-01-15T10:30:00Z")).state;
  const auto failed = on_push(up, daily(), failed_with("disk full"), at("2025-01-15T11:00:00Z"));
  REQUIRE(failed.change);
  CHECK(failed.change->to == monitor_status::down);
  CHECK(failed.change->reason == "disk full");
  CHECK(failed.state.last_push_at == at("2025-01-15T11:00:00Z"));
  CHECK_FALSE(going_down_at(failed.state, daily()));
  SECTION("a second failure while DOWN is no new transition") {
    const auto again = on_push(failed.state, daily(), failed_with("still full"), at("2025-01-15T12:00:00Z"));
    CHECK_FALSE(again.change);
    CHECK(again.state.reason == "still full");
  }
  SECTION("a failure without a message still gives a reason") {
    const auto bare = on_push(up, daily(), failed_with(""), at("2025-01-15T11:00:00Z"));
    CHECK(bare.change->reason == "The job reported a failure");
  }
}

TEST_CASE("a first push that reports failure takes a pending monitor straight to DOWN") {
  const auto out = on_push({}, daily(), failed_with("exit 3"), at("2025-01-15T10:30:00Z"));
  REQUIRE(out.change);
  CHECK(out.change->from == monitor_status::pending);
  CHECK(out.change->to == monitor_status::down);
}

TEST_CASE("the failure statuses are error, fail, failure and down in any case") {
  for (auto s : {"error", "fail", "failure", "down", "ERROR", "Down"}) CHECK(is_failure_status(s));
  for (auto s : {"ok", "up", "success", "", "errors", "warn"}) CHECK_FALSE(is_failure_status(s));
}

TEST_CASE("a changed interval re-arms the deadline from the last push") {
  const auto up = on_push({}, daily(), {}, at("2025-01-15T10:30:00Z")).state;
  const auto retimed = apply_rules(up, every(1h, 5min));
  CHECK(going_down_at(retimed, every(1h, 5min)) == at("2025-01-15T11:35:00Z"));
  CHECK(apply_rules(monitor_state{}, every(1h, 0s)) == monitor_state{});
}

TEST_CASE("a server outage moves later every deadline that fell after the last liveness record") {
  const auto up = on_push({}, every(10min, 0s), {}, at("2025-01-15T10:00:00Z")).state;  // due 10:10
  SECTION("deadline inside the outage") {
    const auto shifted = shift_for_outage(up, every(10min, 0s), at("2025-01-15T10:05:00Z"), at("2025-01-15T10:20:00Z"));
    CHECK(going_down_at(shifted, every(10min, 0s)) == at("2025-01-15T10:25:00Z"));
    CHECK_FALSE(on_deadline(shifted, every(10min, 0s), at("2025-01-15T10:20:00Z")).change);
  }
  SECTION("deadline after the restart") {
    const auto shifted = shift_for_outage(up, every(10min, 0s), at("2025-01-15T10:01:00Z"), at("2025-01-15T10:02:00Z"));
    CHECK(going_down_at(shifted, every(10min, 0s)) == at("2025-01-15T10:11:00Z"));
  }
  SECTION("a deadline that passed while the server still ran is decided at once") {
    const auto kept = shift_for_outage(up, every(10min, 0s), at("2025-01-15T10:15:00Z"), at("2025-01-15T10:30:00Z"));
    CHECK(going_down_at(kept, every(10min, 0s)) == at("2025-01-15T10:10:00Z"));
    CHECK(on_deadline(kept, every(10min, 0s), at("2025-01-15T10:30:00Z")).change);
  }
}

TEST_CASE("a 400-day interval goes DOWN at its deadline, not early and not never") {
  const monitor_rules yearly = every(std::chrono::days{400}, 0s);
  const auto up = on_push({}, yearly, {}, at("2025-01-01T00:00:00Z")).state;
  CHECK(going_down_at(up, yearly) == at("2026-02-05T00:00:00Z"));
  CHECK_FALSE(on_deadline(up, yearly, at("2026-02-04T23:59:59Z")).change);
  CHECK(on_deadline(up, yearly, at("2026-02-05T00:00:00Z")).change);
}

TEST_CASE("status names round-trip through their database text") {
  for (auto s : {monitor_status::pending, monitor_status::up, monitor_status::down})
    CHECK(parse_status(to_string(s)) == s);
  CHECK_FALSE(parse_status("UP"));
}

TEST_CASE("a replayed push sets the push fields as on_push would, and keeps the status") {
  // DOWN after its deadline, then the record of an earlier push (seen after a crash) replayed:
  // it must not bring the monitor back UP, only carry its fields.
  auto up = on_push({}, daily(), {}, at("2025-01-15T10:30:00Z")).state;
  auto down = on_deadline(up, daily(), at("2025-01-16T11:30:00Z")).state;
  REQUIRE(down.status == monitor_status::down);
  push_report failed;
  failed.signal = push_signal::failure;
  failed.message = "disk full";
  const auto replayed = replay_push(down, daily(), failed, at("2025-01-16T12:00:00Z"));
  const auto live = on_push(down, daily(), failed, at("2025-01-16T12:00:00Z")).state;
  CHECK(replayed.status == monitor_status::down);
  CHECK(replayed.status_since == down.status_since);
  CHECK(replayed.reason == down.reason);
  CHECK(replayed.last_push_at == live.last_push_at);
  CHECK(replayed.next_expected_at == live.next_expected_at);
  CHECK(replayed.consecutive_failures == live.consecutive_failures);
  CHECK(replayed.open_runs == live.open_runs);

  const auto from_pending = replay_push({}, daily(), {}, at("2025-01-15T10:30:00Z"));
  CHECK(from_pending.status == monitor_status::pending);
  CHECK(from_pending.last_push_at == at("2025-01-15T10:30:00Z"));
}
