// Wall-clock steps at explicit instants: told apart from time passing, and never a false DOWN
// (a step forward) nor a late one (a step back).
#include <catch2/catch.hpp>

#include "core/clock_step.hpp"

using namespace uptime::core;
using namespace std::chrono_literals;

namespace {
utc_time at(const char* iso) { return *parse_iso(iso); }
monitor_rules every(seconds interval) {
  monitor_rules r;
  r.expected_interval = interval;
  return r;
}
const std::chrono::steady_clock::time_point boot{};
// A monitor with a 5-minute run limit whose run started at `start`.
monitor_rules with_run_limit() {
  monitor_rules r = every(1h);
  r.max_runtime = 5min;
  return r;
}
monitor_state run_started_at(const char* start) {
  push_report p;
  p.signal = push_signal::start;
  return on_push({}, with_run_limit(), p, at(start)).state;
}
}  // namespace

TEST_CASE("a wall clock that moves with the monotonic clock has not stepped") {
  const clock_reading before{at("2026-12-03T10:00:00Z"), boot + 100s};
  CHECK_FALSE(wall_clock_step(before, {at("2026-12-03T10:00:01Z"), boot + 101s}));
  // NTP slewing and reading the two clocks at slightly different moments are not steps.
  CHECK_FALSE(wall_clock_step(before, {at("2026-12-03T10:00:01.400Z"), boot + 101s}));
  CHECK_FALSE(wall_clock_step(before, {at("2026-12-03T10:00:00.600Z"), boot + 101s}));
}

TEST_CASE("a wall clock that moves by more or less than the monotonic clock stepped") {
  const clock_reading before{at("2026-12-03T10:00:00Z"), boot + 100s};
  CHECK(wall_clock_step(before, {at("2026-12-03T11:00:01Z"), boot + 101s}) == 3600s);
  CHECK(wall_clock_step(before, {at("2026-12-03T09:00:01Z"), boot + 101s}) == -3600s);
  // A VM paused for ten minutes: the monotonic clock did not count them.
  CHECK(wall_clock_step(before, {at("2026-12-03T10:10:00Z"), boot + 100s}) == 600s);
}

TEST_CASE("a step forward does not make a job late: a 10-minute monitor pushed 11 s before stays UP") {
  const auto pushed = on_push({}, every(10min), {}, at("2026-12-03T10:00:00Z")).state;
  const auto now = at("2026-12-03T11:00:11Z");  // 11 s later, plus a step of an hour
  const auto s = shift_for_clock_step(pushed, every(10min), now, 3600s);
  CHECK_FALSE(on_deadline(s, every(10min), now).change);
  // It goes DOWN when ten minutes have really passed since the push.
  CHECK(going_down_at(s, every(10min)) == now + 10min - 11s);
  CHECK_FALSE(on_deadline(s, every(10min), now + 10min - 12s).change);
  CHECK(on_deadline(s, every(10min), now + 10min - 11s).change);
  // Without the shift, the step alone would have sent it DOWN: the false alarm this prevents.
  CHECK(on_deadline(pushed, every(10min), now).change);
}

TEST_CASE("a step back does not give a job more time: a 60 s monitor goes DOWN 60 s after its push") {
  const auto pushed = on_push({}, every(60s), {}, at("2026-12-03T10:00:00Z")).state;
  const auto now = at("2026-12-03T09:00:10Z");  // 10 s later, minus a step of an hour
  const auto s = shift_for_clock_step(pushed, every(60s), now, -3600s);
  CHECK(going_down_at(s, every(60s)) == now + 50s);
  CHECK_FALSE(on_deadline(s, every(60s), now + 49s).change);
  const auto down = on_deadline(s, every(60s), now + 50s);
  REQUIRE(down.change);
  CHECK(down.change->to == monitor_status::down);
  // Without the shift it would have stayed UP for an hour past its deadline.
  CHECK_FALSE(on_deadline(pushed, every(60s), now + 50s).change);
  CHECK(s.last_push_at == now - 10s);
}

TEST_CASE("a step back keeps an open run's duration and time limit true") {
  const auto r = with_run_limit();
  const auto started = run_started_at("2026-12-03T10:00:00Z");
  REQUIRE(started.open_runs.size() == 1);
  const auto now = at("2026-12-03T09:01:00Z");  // a minute into the run, after a step back of 1 h
  const auto s = shift_for_clock_step(started, r, now, -3600s);
  CHECK(going_down_at(s, r) == now + 4min);
  const auto finish = on_push(s, r, {}, now + 2min);
  REQUIRE(finish.duration);
  CHECK(*finish.duration == 3min);
}

TEST_CASE("a step forward counts as an outage for an open run: its limit moves, its start stays") {
  const auto r = with_run_limit();
  const auto started = run_started_at("2026-12-03T10:00:00Z");
  const auto now = at("2026-12-03T11:01:00Z");  // a minute in, plus a step of an hour
  const auto s = shift_for_clock_step(started, r, now, 3600s);
  CHECK(going_down_at(s, r) == now + 4min);
  CHECK(s.open_runs.front().started_at == at("2026-12-03T10:00:00Z"));
}
