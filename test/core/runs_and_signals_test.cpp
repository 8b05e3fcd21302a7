// Start/finish signals, exit codes, run durations, min/max runtime, failures_before_down and
// scheduled deadlines, at explicit instants.
#include <catch2/catch.hpp>

#include "core/monitor.hpp"

using namespace uptime::core;
using namespace std::chrono_literals;

namespace {
utc_time at(const char* iso) { return *parse_iso(iso); }
monitor_rules hourly(seconds grace = 5min) {
  monitor_rules r;
  r.expected_interval = 1h;
  r.grace_period = grace;
  return r;
}
push_report signal(push_signal s, std::string run_id = {}, std::string message = {}) {
  push_report p;
  p.signal = s;
  p.run_id = std::move(run_id);
  p.message = std::move(message);
  return p;
}
push_report exit_code(int code, std::string message = {}) {
  push_report p = signal(code == 0 ? push_signal::success : push_signal::failure, {}, std::move(message));
  p.exit_code = code;
  return p;
}
monitor_state up_at(const char* iso, const monitor_rules& r) { return on_push({}, r, {}, at(iso)).state; }
}  // namespace

TEST_CASE("a start signal changes no status and opens a run that must finish within the grace period") {
  const auto r = hourly();
  const auto s = up_at("2025-01-15T10:00:00Z", r);
  const auto started = on_push(s, r, signal(push_signal::start), at("2025-01-15T10:30:00Z"));
  CHECK_FALSE(started.change);
  CHECK(started.state.last_push_at == s.last_push_at);
  REQUIRE(started.state.open_runs.size() == 1);
  CHECK(going_down_at(started.state, r) == at("2025-01-15T10:35:00Z"));
  CHECK(started.next_expected_by == at("2025-01-15T10:35:00Z"));
  SECTION("a run that does not finish in time takes the monitor DOWN with why") {
    const auto late = on_deadline(started.state, r, at("2025-01-15T10:35:00Z"));
    REQUIRE(late.change);
    CHECK(late.change->reason == "started at 2025-01-15T10:30:00Z and did not finish within 5m");
    CHECK(late.state.open_runs.empty());
  }
  SECTION("the finish records the run's duration and closes it") {
    const auto done = on_push(started.state, r, signal(push_signal::success), at("2025-01-15T10:32:30.500Z"));
    REQUIRE(done.duration);
    CHECK(*done.duration == 150500ms);
    CHECK(done.state.open_runs.empty());
    CHECK(going_down_at(done.state, r) == at("2025-01-15T11:37:31Z"));  // from the finish, rounded up
  }
}

TEST_CASE("max_runtime overrides the grace period as a run's limit; no limit when both are zero") {
  auto r = hourly(0s);
  const auto s = on_push(up_at("2025-01-15T10:00:00Z", r), r, signal(push_signal::start), at("2025-01-15T10:10:00Z")).state;
  CHECK(going_down_at(s, r) == at("2025-01-15T11:00:00Z"));  // only the interval deadline
  r.max_runtime = 2h;
  CHECK(going_down_at(s, r) == at("2025-01-15T11:00:00Z"));  // the earlier of the two
  r.max_runtime = 20min;
  CHECK(going_down_at(s, r) == at("2025-01-15T10:30:00Z"));
}

TEST_CASE("a pending monitor whose first run never finishes goes DOWN") {
  const auto r = hourly();
  const auto s = on_push({}, r, signal(push_signal::start), at("2025-01-15T10:00:00Z")).state;
  CHECK(s.status == monitor_status::pending);
  const auto out = on_deadline(s, r, at("2025-01-15T10:05:00Z"));
  REQUIRE(out.change);
  CHECK(out.change->from == monitor_status::pending);
  CHECK(out.state.status == monitor_status::down);
}

TEST_CASE("overlapping runs are paired by run id; a finish without a matching start has no duration") {
  const auto r = hourly(1h);
  auto s = up_at("2025-01-15T09:00:00Z", r);
  s = on_push(s, r, signal(push_signal::start, "a"), at("2025-01-15T10:00:00Z")).state;
  s = on_push(s, r, signal(push_signal::start, "b"), at("2025-01-15T10:10:00Z")).state;
  const auto a_done = on_push(s, r, signal(push_signal::success, "a"), at("2025-01-15T10:20:00Z"));
  CHECK(a_done.duration == std::optional(std::chrono::milliseconds(20min)));
  REQUIRE(a_done.state.open_runs.size() == 1);
  CHECK(a_done.state.open_runs[0].run_id == "b");
  const auto stray = on_push(a_done.state, r, signal(push_signal::success, "zzz"), at("2025-01-15T10:21:00Z"));
  CHECK_FALSE(stray.duration);
  CHECK(stray.state.open_runs.size() == 1);
  const auto plain = on_push(a_done.state, r, signal(push_signal::success), at("2025-01-15T10:22:00Z"));
  CHECK_FALSE(plain.duration);  // "b" named a run id; a finish without one does not match it
}

TEST_CASE("only the newest 16 open runs are remembered") {
  const auto r = hourly(1h);
  monitor_state s;
  for (int i = 0; i < 20; ++i)
    s = on_push(s, r, signal(push_signal::start, "r" + std::to_string(i)), at("2025-01-15T10:00:00Z") + std::chrono::seconds(i)).state;
  CHECK(s.open_runs.size() == max_open_runs);
  CHECK(s.open_runs.front().run_id == "r4");
}

TEST_CASE("an exit code of 1 to 255 is a failure with the code and message as the reason") {
  const auto r = hourly();
  const auto s = up_at("2025-01-15T10:00:00Z", r);
  const auto failed = on_push(s, r, exit_code(3, "disk full"), at("2025-01-15T10:30:00Z"));
  REQUIRE(failed.change);
  CHECK(failed.change->reason == "exit code 3: disk full");
  CHECK(on_push(s, r, exit_code(127), at("2025-01-15T10:30:00Z")).change->reason == "exit code 127");
  CHECK_FALSE(on_push(s, r, exit_code(0), at("2025-01-15T10:30:00Z")).change);
}

TEST_CASE("a run shorter than min_runtime is a failure") {
  auto r = hourly();
  r.min_runtime = 10min;
  auto s = up_at("2025-01-15T10:00:00Z", r);
  s = on_push(s, r, signal(push_signal::start), at("2025-01-15T11:00:00Z")).state;
  const auto quick = on_push(s, r, signal(push_signal::success), at("2025-01-15T11:00:02Z"));
  CHECK(quick.failure);
  REQUIRE(quick.change);
  CHECK(quick.change->reason == "finished in 2s; expected to run at least 10m");
  SECTION("a long enough run is a success") {
    CHECK_FALSE(on_push(s, r, signal(push_signal::success), at("2025-01-15T11:10:00Z")).failure);
  }
  SECTION("a finish with no start cannot be judged and is a success") {
    CHECK_FALSE(on_push(up_at("2025-01-15T10:00:00Z", r), r, signal(push_signal::success), at("2025-01-15T11:00:00Z")).failure);
  }
}

TEST_CASE("failures_before_down needs that many failures in a row; a success resets the count") {
  auto r = hourly();
  r.failures_before_down = 3;
  auto s = up_at("2025-01-15T10:00:00Z", r);
  auto fail = [&](const char* when) { return on_push(s, r, signal(push_signal::failure), at(when)); };
  auto o = fail("2025-01-15T10:10:00Z");
  CHECK_FALSE(o.change);
  CHECK(o.state.consecutive_failures == 1);
  CHECK(o.state.last_push_at == at("2025-01-15T10:10:00Z"));  // the job did run
  s = o.state;
  s = fail("2025-01-15T10:20:00Z").state;
  s = on_push(s, r, signal(push_signal::success), at("2025-01-15T10:25:00Z")).state;
  CHECK(s.consecutive_failures == 0);
  s = fail("2025-01-15T10:30:00Z").state;
  s = fail("2025-01-15T10:40:00Z").state;
  const auto third = fail("2025-01-15T10:50:00Z");
  REQUIRE(third.change);
  CHECK(third.change->to == monitor_status::down);
}

TEST_CASE("a log signal changes nothing") {
  const auto r = hourly();
  const auto s = up_at("2025-01-15T10:00:00Z", r);
  const auto out = on_push(s, r, signal(push_signal::log, {}, "step 3 of 5"), at("2025-01-15T10:30:00Z"));
  CHECK(out.state == s);
  CHECK_FALSE(out.change);
  CHECK(out.next_expected_by == at("2025-01-15T11:05:00Z"));
}

TEST_CASE("a scheduled monitor's deadline is the next scheduled time after the last push, plus grace") {
  const auto* berlin = find_zone("Europe/Berlin");
  REQUIRE(berlin);
  monitor_rules r;
  r.schedule = std::make_shared<const cron_schedule>(std::get<cron_schedule>(parse_cron("0 2 * * *")));
  r.zone = berlin;
  r.grace_period = 30min;
  // 02:00 Berlin in winter is 01:00Z.
  const auto out = on_push({}, r, {}, at("2025-01-15T01:00:20Z"));
  CHECK(out.next_expected_by == at("2025-01-16T01:30:00Z"));
  const auto down = on_deadline(out.state, r, at("2025-01-16T01:30:00Z"));
  REQUIRE(down.change);
  CHECK(down.change->reason ==
        "No push since 2025-01-15T01:00:20Z, expected by 2025-01-16T01:00:00Z (0 2 * * *) + 30m grace");
  SECTION("on the spring-forward night the 02:00 run is expected at the transition") {
    const auto before = on_push({}, r, {}, at("2025-03-29T01:00:00Z"));
    CHECK(before.next_expected_by == at("2025-03-30T01:30:00Z"));  // 03:00 CEST = 01:00Z
  }
}

TEST_CASE("an outage moves the start of a run in progress, not one that had already overrun") {
  const auto r = hourly();  // runs: 5 min
  auto s = up_at("2025-01-15T10:00:00Z", r);
  s = on_push(s, r, signal(push_signal::start), at("2025-01-15T10:30:00Z")).state;
  const auto moved = shift_for_outage(s, r, at("2025-01-15T10:32:00Z"), at("2025-01-15T10:40:00Z"));
  CHECK(going_down_at(moved, r) == at("2025-01-15T10:43:00Z"));
  const auto kept = shift_for_outage(s, r, at("2025-01-15T10:36:00Z"), at("2025-01-15T10:40:00Z"));
  CHECK(going_down_at(kept, r) == at("2025-01-15T10:35:00Z"));
  SECTION("the run's duration still counts from its real start") {
    const auto done = on_push(moved, r, signal(push_signal::success), at("2025-01-15T10:41:00Z"));
    CHECK(done.duration == std::optional(std::chrono::milliseconds(11min)));
  }
}
