// Pausing and resuming at explicit instants: a paused monitor never goes DOWN, its pushes are
// recorded, a finished push resumes it unless manual_resume, and an explicit resume returns
// to the status from before with the deadline counted from the resume.
#include <catch2/catch.hpp>

#include "core/alerting.hpp"
#include "core/monitor.hpp"
#include "core/pause.hpp"

using namespace uptime::core;
using namespace std::chrono_literals;

namespace {
utc_time at(const char* iso) { return *parse_iso(iso); }
monitor_rules hourly() {
  monitor_rules r;
  r.expected_interval = 1h;
  r.grace_period = 5min;
  return r;
}
push_report signal(push_signal s, std::string run_id = {}) {
  push_report p;
  p.signal = s;
  p.run_id = std::move(run_id);
  return p;
}
monitor_state up_since(const char* iso) { return on_push({}, hourly(), {}, at(iso)).state; }
monitor_state paused_at(const monitor_state& s, const char* iso) { return pause(s, at(iso))->state; }
}  // namespace

TEST_CASE("a paused monitor has no deadline and never goes DOWN, however long it waits") {
  const auto s = paused_at(up_since("2026-01-01T10:00:00Z"), "2026-01-01T10:30:00Z");
  CHECK(s.status == monitor_status::paused);
  CHECK(s.paused_from == monitor_status::up);
  CHECK_FALSE(going_down_at(s, hourly()));
  CHECK_FALSE(on_deadline(s, hourly(), at("2027-01-01T00:00:00Z")).change);
}

TEST_CASE("pausing is a status change that alerts nobody, and pausing twice changes nothing") {
  const auto out = pause(up_since("2026-01-01T10:00:00Z"), at("2026-01-01T10:30:00Z"));
  REQUIRE(out);
  CHECK(out->change.from == monitor_status::up);
  CHECK(out->change.to == monitor_status::paused);
  CHECK(out->change.at == at("2026-01-01T10:30:00Z"));
  CHECK_FALSE(is_alerting(out->change));
  CHECK_FALSE(pause(out->state, at("2026-01-01T10:31:00Z")));
}

TEST_CASE("a pause forgets open runs, so their time limits cannot fire at the resume") {
  auto rules = hourly();
  rules.max_runtime = 10min;
  auto s = on_push(up_since("2026-01-01T10:00:00Z"), rules, signal(push_signal::start), at("2026-01-01T10:01:00Z")).state;
  REQUIRE(s.open_runs.size() == 1);
  s = paused_at(s, "2026-01-01T10:02:00Z");
  CHECK(s.open_runs.empty());
}

TEST_CASE("resume returns an UP monitor to UP with its deadline counted from the resume") {
  const auto s = paused_at(up_since("2026-01-01T10:00:00Z"), "2026-01-01T10:30:00Z");
  const auto out = resume(s, hourly(), at("2026-01-03T08:00:00.250Z"));
  REQUIRE(out);
  CHECK(out->state.status == monitor_status::up);
  CHECK(out->change.from == monitor_status::paused);
  CHECK(out->change.to == monitor_status::up);
  CHECK_FALSE(is_alerting(out->change));
  CHECK(going_down_at(out->state, hourly()) == at("2026-01-03T09:05:01Z"));
}

TEST_CASE("resume leaves a DOWN monitor DOWN, with its reason, until a push") {
  auto s = on_deadline(up_since("2026-01-01T10:00:00Z"), hourly(), at("2026-01-01T12:00:00Z")).state;
  REQUIRE(s.status == monitor_status::down);
  const auto reason = s.reason;
  s = paused_at(s, "2026-01-01T12:10:00Z");
  const auto out = resume(s, hourly(), at("2026-01-01T13:00:00Z"));
  REQUIRE(out);
  CHECK(out->state.status == monitor_status::down);
  CHECK(out->state.reason == reason);
  // The DOWN was alerted before the pause: coming back to it is not news.
  CHECK(out->change.from == monitor_status::paused);
  CHECK(out->change.to == monitor_status::down);
}

TEST_CASE("a pending monitor resumes pending") {
  const auto out = resume(paused_at({}, "2026-01-01T10:00:00Z"), hourly(), at("2026-01-01T11:00:00Z"));
  REQUIRE(out);
  CHECK(out->state.status == monitor_status::pending);
  CHECK_FALSE(going_down_at(out->state, hourly()));
}

TEST_CASE("resume of a monitor that is not paused is refused") {
  CHECK_FALSE(resume(up_since("2026-01-01T10:00:00Z"), hourly(), at("2026-01-01T10:10:00Z")));
  CHECK_FALSE(resume({}, hourly(), at("2026-01-01T10:10:00Z")));
}

TEST_CASE("a successful push resumes a paused monitor: UP, from paused, alerting nobody") {
  const auto s = paused_at(up_since("2026-01-01T10:00:00Z"), "2026-01-01T10:30:00Z");
  const auto out = on_push(s, hourly(), {}, at("2026-01-01T11:00:00Z"));
  CHECK(out.state.status == monitor_status::up);
  REQUIRE(out.change);
  CHECK(out.change->from == monitor_status::paused);
  CHECK(out.change->to == monitor_status::up);
  CHECK_FALSE(is_alerting(*out.change));
  CHECK(out.next_expected_by == at("2026-01-01T12:05:00Z"));
}

TEST_CASE("a failure push resumes a paused monitor DOWN, and that is alerted") {
  const auto s = paused_at(up_since("2026-01-01T10:00:00Z"), "2026-01-01T10:30:00Z");
  const auto out = on_push(s, hourly(), signal(push_signal::failure), at("2026-01-01T11:00:00Z"));
  CHECK(out.state.status == monitor_status::down);
  REQUIRE(out.change);
  CHECK(out.change->from == monitor_status::paused);
  CHECK(is_alerting(*out.change));
}

TEST_CASE("a push resuming a monitor that was DOWN before the pause brings it UP without a recovery alert") {
  auto s = on_deadline(up_since("2026-01-01T10:00:00Z"), hourly(), at("2026-01-01T12:00:00Z")).state;
  s = paused_at(s, "2026-01-01T12:10:00Z");
  const auto out = on_push(s, hourly(), {}, at("2026-01-01T13:00:00Z"));
  CHECK(out.state.status == monitor_status::up);
  CHECK(out.state.reason.empty());
  REQUIRE(out.change);
  CHECK_FALSE(is_alerting(*out.change));  // as Healthchecks: paused -> up is not news
}

TEST_CASE("with manual_resume a push is recorded but the monitor stays paused") {
  auto rules = hourly();
  rules.manual_resume = true;
  const auto s = paused_at(up_since("2026-01-01T10:00:00Z"), "2026-01-01T10:30:00Z");
  for (auto sig : {push_signal::success, push_signal::failure}) {
    const auto out = on_push(s, rules, signal(sig), at("2026-01-01T11:00:00.400Z"));
    CHECK(out.state.status == monitor_status::paused);
    CHECK_FALSE(out.change);
    CHECK(out.state.last_push_at == at("2026-01-01T11:00:00.400Z"));
    CHECK(out.next_expected_by == at("2026-01-01T11:00:00Z"));  // nothing enforced
    CHECK_FALSE(going_down_at(out.state, rules));
  }
}

TEST_CASE("start and log pushes do not resume a paused monitor; the run's finish does, with its duration") {
  const auto s = paused_at(up_since("2026-01-01T10:00:00Z"), "2026-01-01T10:30:00Z");
  auto out = on_push(s, hourly(), signal(push_signal::log), at("2026-01-01T10:40:00Z"));
  CHECK(out.state.status == monitor_status::paused);
  out = on_push(out.state, hourly(), signal(push_signal::start, "r1"), at("2026-01-01T10:41:00Z"));
  CHECK(out.state.status == monitor_status::paused);
  CHECK_FALSE(going_down_at(out.state, hourly()));  // the run's time limit waits too
  out = on_push(out.state, hourly(), signal(push_signal::success, "r1"), at("2026-01-01T10:43:30Z"));
  CHECK(out.state.status == monitor_status::up);
  REQUIRE(out.duration);
  CHECK(*out.duration == 150s);
  CHECK(out.state.last_duration == std::chrono::milliseconds(150s));
}

TEST_CASE("a replayed push keeps a paused monitor paused, with what it returns to") {
  const auto s = paused_at(up_since("2026-01-01T10:00:00Z"), "2026-01-01T10:30:00Z");
  const auto replayed = replay_push(s, hourly(), {}, at("2026-01-01T11:00:00Z"));
  CHECK(replayed.status == monitor_status::paused);
  CHECK(replayed.paused_from == monitor_status::up);
}

TEST_CASE("paused is a status stored and read back by name") {
  CHECK(to_string(monitor_status::paused) == "paused");
  CHECK(parse_status("paused") == monitor_status::paused);
}
