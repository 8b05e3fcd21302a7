// A DOWN never comes before expected_interval + grace_period has passed since the push. The
// push's instant is kept to the millisecond; its deadline is that instant + interval + grace
// rounded up to the whole second, and that whole second is both what the answer, the database
// and the alerts show and what is enforced: the deadline shown is never before the one
// enforced (they are the same), and neither is before its time. Times read back from the
// database after a restart never bring a DOWN earlier either.
#include <catch2/catch.hpp>

#include "core/clock_step.hpp"
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
bool down_at(const monitor_state& s, const monitor_rules& r, const char* iso) {
  return on_deadline(s, r, at(iso)).state.status == monitor_status::down;
}
}  // namespace

TEST_CASE("a push late in its second is not DOWN before interval + grace has passed since it") {
  const auto rules = every(2s, 1s);
  const auto out = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z"));
  CHECK_FALSE(down_at(out.state, rules, "2025-01-15T10:00:03.000Z"));
  CHECK_FALSE(down_at(out.state, rules, "2025-01-15T10:00:03.899Z"));
  CHECK_FALSE(down_at(out.state, rules, "2025-01-15T10:00:03.999Z"));  // rounded up to the second
  CHECK(down_at(out.state, rules, "2025-01-15T10:00:04.000Z"));
}

TEST_CASE("the answer's deadline is the one enforced: interval + grace after the push, rounded up") {
  const auto rules = every(2s, 1s);
  const auto out = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z"));
  CHECK(format_iso(out.received_at) == "2025-01-15T10:00:00Z");
  CHECK(format_iso(out.next_expected_by) == "2025-01-15T10:00:04Z");
  CHECK(out.state.next_expected_at == out.next_expected_by);
  CHECK(going_down_at(out.state, rules) == out.next_expected_by);
  // A push in the first millisecond of its second: exactly received_at + interval + grace.
  const auto on_the_second = on_push({}, rules, {}, at("2025-01-15T10:00:00.000Z"));
  CHECK(on_the_second.next_expected_by - on_the_second.received_at == 3s);
}

TEST_CASE("a DOWN is dated at the deadline shown") {
  const auto rules = every(2s, 1s);
  const auto up = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;
  const auto down = on_deadline(up, rules, at("2025-01-15T10:00:04.200Z"));
  REQUIRE(down.change);
  CHECK(down.change->at == at("2025-01-15T10:00:04Z"));
  CHECK(down.state.status_since == at("2025-01-15T10:00:04Z"));
}

TEST_CASE("a push's status change is dated to the millisecond and shown to the second") {
  const auto out = on_push({}, every(60s, 0s), {}, at("2025-01-15T10:00:00.250Z"));
  REQUIRE(out.change);
  CHECK(out.change->at == at("2025-01-15T10:00:00.250Z"));
  CHECK(format_iso(out.change->at) == format_iso(out.received_at));
}

TEST_CASE("a run's deadline is rounded up to the second too") {
  monitor_rules rules = every(60s, 10s);
  rules.max_runtime = 5s;
  push_report start;
  start.signal = push_signal::start;
  const auto out = on_push({}, rules, start, at("2025-01-15T10:00:00.400Z"));
  CHECK(format_iso(out.next_expected_by) == "2025-01-15T10:00:06Z");
  CHECK(going_down_at(out.state, rules) == out.next_expected_by);
}

TEST_CASE("a state read back from whole seconds is not DOWN before the deadline it had") {
  const auto rules = every(2s, 1s);
  const auto live = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;
  // What the database holds: whole seconds, the fraction cut off (the deadline has none).
  monitor_state stored = live;
  stored.last_push_at = floor_to_second(*live.last_push_at);
  const auto reloaded = from_whole_seconds(stored);
  CHECK(reloaded.next_expected_at == live.next_expected_at);
  CHECK_FALSE(down_at(reloaded, rules, "2025-01-15T10:00:03.999Z"));
  CHECK(down_at(reloaded, rules, "2025-01-15T10:00:04.000Z"));
  CHECK(format_iso(*reloaded.last_push_at) == "2025-01-15T10:00:00Z");
  // Re-armed from the last push (the rules changed while the server was stopped): never
  // before the new interval has passed since the real push.
  const auto rearmed = apply_rules(reloaded, every(5s, 0s));
  CHECK(*rearmed.next_expected_at >= at("2025-01-15T10:00:05.900Z"));
}

TEST_CASE("a replayed push from the database is not DOWN before the deadline the live push set") {
  const auto rules = every(2s, 1s);
  const auto live = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;
  // push_history holds received_at as whole seconds; the store replays it at the second's end.
  const auto replayed = replay_push({}, rules, {}, latest_in_second(at("2025-01-15T10:00:00Z")));
  CHECK(*replayed.next_expected_at >= *live.next_expected_at);
  CHECK(format_iso(*replayed.last_push_at) == "2025-01-15T10:00:00Z");
  CHECK(format_iso(*replayed.next_expected_at) == "2025-01-15T10:00:04Z");
}

TEST_CASE("a log push answers with the current deadline") {
  const auto rules = every(2s, 1s);
  const auto up = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;
  push_report log;
  log.signal = push_signal::log;
  const auto out = on_push(up, rules, log, at("2025-01-15T10:00:01.500Z"));
  CHECK(format_iso(out.next_expected_by) == "2025-01-15T10:00:04Z");
  CHECK(out.state.next_expected_at == up.next_expected_at);
}

TEST_CASE("a deadline moved by an outage or a clock step stays a whole second, rounded up") {
  const auto rules = every(2s, 1s);
  const auto up = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;  // due 10:00:04
  const auto after_outage = shift_for_outage(up, rules, at("2025-01-15T10:00:01.000Z"),
                                             at("2025-01-15T10:00:03.300Z"));  // 2.3 s down
  CHECK(after_outage.next_expected_at == at("2025-01-15T10:00:07Z"));  // 06.3, rounded up
  const auto stepped_back = shift_for_clock_step(up, rules, at("2025-01-15T10:00:01Z"), -1500ms);
  CHECK(stepped_back.next_expected_at == at("2025-01-15T10:00:03Z"));  // 02.5, rounded up
}
