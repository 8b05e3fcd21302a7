// A DOWN never comes before expected_interval + grace_period has passed since the push: the
// deadline is kept to the millisecond, while the answer and the database show whole seconds
// (received_at + interval + grace, the second the deadline falls in). Times read back from
// the database after a restart are taken at the end of their second, so no restart brings a
// DOWN earlier either.
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
bool down_at(const monitor_state& s, const monitor_rules& r, const char* iso) {
  return on_deadline(s, r, at(iso)).state.status == monitor_status::down;
}
}  // namespace

TEST_CASE("a push late in its second is not DOWN before interval + grace has passed since it") {
  const auto rules = every(2s, 1s);
  const auto out = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z"));
  CHECK_FALSE(down_at(out.state, rules, "2025-01-15T10:00:03.000Z"));
  CHECK_FALSE(down_at(out.state, rules, "2025-01-15T10:00:03.500Z"));
  CHECK_FALSE(down_at(out.state, rules, "2025-01-15T10:00:03.899Z"));
  CHECK(down_at(out.state, rules, "2025-01-15T10:00:03.900Z"));
}

TEST_CASE("the answer shows whole seconds, its deadline exactly interval + grace after received_at") {
  const auto rules = every(2s, 1s);
  const auto out = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z"));
  CHECK(format_iso(out.received_at) == "2025-01-15T10:00:00Z");
  CHECK(format_iso(out.next_expected_by) == "2025-01-15T10:00:03Z");
  CHECK(out.next_expected_by - out.received_at == 3s);
  // The deadline enforced is never before the one shown.
  CHECK(out.state.next_expected_at == at("2025-01-15T10:00:03.900Z"));
  CHECK(*out.state.next_expected_at >= out.next_expected_by);
}

TEST_CASE("a DOWN at a mid-second deadline is dated at that deadline") {
  const auto rules = every(2s, 1s);
  const auto up = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;
  const auto down = on_deadline(up, rules, at("2025-01-15T10:00:04.200Z"));
  REQUIRE(down.change);
  CHECK(down.change->at == at("2025-01-15T10:00:03.900Z"));
  CHECK(down.state.status_since == at("2025-01-15T10:00:03.900Z"));
  CHECK(format_iso(*down.state.status_since) == "2025-01-15T10:00:03Z");
}

TEST_CASE("a push's status change is dated to the millisecond and shown to the second") {
  const auto out = on_push({}, every(60s, 0s), {}, at("2025-01-15T10:00:00.250Z"));
  REQUIRE(out.change);
  CHECK(out.change->at == at("2025-01-15T10:00:00.250Z"));
  CHECK(format_iso(out.change->at) == format_iso(out.received_at));
}

TEST_CASE("a state read back from whole seconds is not DOWN before the deadline it had") {
  const auto rules = every(2s, 1s);
  const auto live = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;
  // What the database holds: whole seconds, the fraction cut off.
  monitor_state stored = live;
  stored.last_push_at = floor_to_second(*live.last_push_at);
  stored.next_expected_at = floor_to_second(*live.next_expected_at);
  const auto reloaded = from_whole_seconds(stored);
  CHECK(*reloaded.next_expected_at >= *live.next_expected_at);
  CHECK_FALSE(down_at(reloaded, rules, "2025-01-15T10:00:03.899Z"));
  CHECK(down_at(reloaded, rules, "2025-01-15T10:00:04.000Z"));
  // Shown as before.
  CHECK(format_iso(*reloaded.last_push_at) == "2025-01-15T10:00:00Z");
  CHECK(format_iso(*reloaded.next_expected_at) == "2025-01-15T10:00:03Z");
  // Re-armed from the last push (the rules changed while the server was stopped).
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
  CHECK(format_iso(*replayed.next_expected_at) == "2025-01-15T10:00:03Z");
}

TEST_CASE("a log push answers with the current deadline cut to the second") {
  const auto rules = every(2s, 1s);
  const auto up = on_push({}, rules, {}, at("2025-01-15T10:00:00.900Z")).state;
  push_report log;
  log.signal = push_signal::log;
  const auto out = on_push(up, rules, log, at("2025-01-15T10:00:01.500Z"));
  CHECK(format_iso(out.next_expected_by) == "2025-01-15T10:00:03Z");
  CHECK(out.state.next_expected_at == up.next_expected_at);
}
