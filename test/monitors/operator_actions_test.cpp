// Pause, resume and key rotation through the running engine (monitors/actions.hpp), and
// maintenance windows holding alerts (monitors/maintenance.hpp), with a manual clock and a
// real SQLite store: what the registry holds, what is written, what is alerted.
#include <catch2/catch.hpp>

// GCC 12 sees the push_result variant in engine_fixture::push as maybe uninitialized once
// inlined here (a known false positive with std::variant moves); every member has a value.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "core/maintenance.hpp"
#include "engine_fixture.hpp"

using namespace uptime;
using namespace std::chrono_literals;
using uptime::test::at;
using uptime::test::engine_fixture;
using uptime::test::run_until;

namespace {

monitors::action_result act(engine_fixture& f, void (monitors::operator_actions::*what)(store::monitor_id, monitors::operator_actions::done_fn)) {
  std::optional<monitors::action_result> out;
  (f.engine->actions().*what)(1, [&](monitors::action_result r) { out = r; });
  run_until(f.io, [&] { return out.has_value(); });
  REQUIRE(out);
  return *out;
}

core::maintenance_window one_off(const char* from, const char* to) {
  core::maintenance_window w;
  w.name = "migration";
  w.start = at(from);
  w.end = at(to);
  return w;
}

}  // namespace

TEST_CASE("a paused monitor is written paused, never goes DOWN on its timer, and resumes UP") {
  engine_fixture f;
  f.push(f.key());
  CHECK(act(f, &monitors::operator_actions::pause) == monitors::action_result::done);
  CHECK(f.backup().state.status == core::monitor_status::paused);
  CHECK_FALSE(f.backup().timer_armed);
  f.clock.advance(10min);
  f.timer_fires();
  CHECK(f.backup().state.status == core::monitor_status::paused);
  CHECK(act(f, &monitors::operator_actions::pause) == monitors::action_result::done);  // again: no change

  CHECK(act(f, &monitors::operator_actions::resume) == monitors::action_result::done);
  CHECK(f.backup().state.status == core::monitor_status::up);
  CHECK(f.backup().state.next_expected_at == at("2025-03-01T12:11:10Z"));  // from the resume
  CHECK(act(f, &monitors::operator_actions::resume) == monitors::action_result::not_paused);

  const auto changes = f.changes();
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].from == core::monitor_status::paused);
  CHECK(changes[0].to == core::monitor_status::up);
  CHECK(changes[1].to == core::monitor_status::paused);
  CHECK(f.alerts.empty());  // pending -> up, pause and resume alert nobody
}

TEST_CASE("pausing an unknown monitor is refused") {
  engine_fixture f;
  std::optional<monitors::action_result> out;
  f.engine->actions().pause(99, [&](monitors::action_result r) { out = r; });
  CHECK(out == monitors::action_result::not_found);
}

TEST_CASE("a rotated key works once written and the old one is refused") {
  engine_fixture f;
  const auto old_key = f.key();
  std::optional<std::string> new_key;
  f.engine->actions().rotate_key(1, [&](monitors::action_result r, std::string key) {
    CHECK(r == monitors::action_result::done);
    new_key = std::move(key);
  });
  run_until(f.io, [&] { return new_key.has_value(); });
  REQUIRE(new_key);
  CHECK(*new_key != old_key);
  CHECK(std::holds_alternative<monitors::push_wrong_key>(f.push(old_key)));
  CHECK(std::holds_alternative<monitors::push_accepted>(f.push(*new_key)));
  // A poll of the database that read the old key just before the rotation was written
  // does not bring it back.
  f.engine->on_secrets_changed({{1, old_key}});
  CHECK(std::holds_alternative<monitors::push_wrong_key>(f.push(old_key)));
}

TEST_CASE("a DOWN inside a maintenance window is recorded but alerted only when the window ends") {
  engine_fixture f;
  f.push(f.key());
  f.engine->maintenance_windows().set_windows({one_off("2025-03-01T12:00:30Z", "2025-03-01T12:05:00Z")});
  f.clock.advance(1min);  // in the window
  f.engine->maintenance_windows().set_windows({one_off("2025-03-01T12:00:30Z", "2025-03-01T12:05:00Z")});
  REQUIRE(f.engine->maintenance_windows().in_maintenance(f.backup()));
  f.clock.advance(20s);
  f.timer_fires();
  CHECK(f.backup().state.status == core::monitor_status::down);
  CHECK(f.backup().state.alert_held);
  CHECK(f.alerts.empty());

  f.clock.advance(at("2025-03-01T12:05:00Z") - f.clock.now());  // the window ends
  f.engine->maintenance_windows().set_windows({one_off("2025-03-01T12:00:30Z", "2025-03-01T12:05:00Z")});
  run_until(f.io, [&] { return !f.alerts.empty(); });
  REQUIRE(f.alerts.size() == 1);
  CHECK(f.alerts[0].event == "down");
  CHECK_FALSE(f.backup().state.alert_held);
  // Once: another look at the windows alerts nothing more.
  f.engine->maintenance_windows().set_windows({});
  f.io.restart();
  f.io.run_for(50ms);
  CHECK(f.alerts.size() == 1);
}

TEST_CASE("a DOWN that recovers inside its maintenance window alerts nothing at all") {
  engine_fixture f;
  f.push(f.key());
  f.clock.advance(1min);
  f.engine->maintenance_windows().set_windows({one_off("2025-03-01T12:00:30Z", "2025-03-01T12:05:00Z")});
  f.clock.advance(20s);
  f.timer_fires();
  REQUIRE(f.backup().state.status == core::monitor_status::down);
  f.push(f.key());
  CHECK(f.backup().state.status == core::monitor_status::up);
  CHECK_FALSE(f.backup().state.alert_held);
  f.clock.advance(at("2025-03-01T12:06:00Z") - f.clock.now());
  f.engine->maintenance_windows().set_windows({one_off("2025-03-01T12:00:30Z", "2025-03-01T12:05:00Z")});
  f.io.restart();
  f.io.run_for(50ms);
  CHECK(f.alerts.empty());
}

TEST_CASE("uptime ratios count time UP over time UP or DOWN from the recorded changes") {
  engine_fixture f;
  f.push(f.key());  // 12:00:00 up
  f.clock.advance(70s);
  f.timer_fires();  // 12:01:10 down
  f.clock.advance(70s);
  f.push(f.key());  // 12:02:20 up again after 70 s DOWN
  f.clock.advance(140s);  // 12:04:40
  const auto& history = f.engine->monitors().history();
  const auto ratio = history.uptime(1, f.backup().state.status, f.clock.now(), std::chrono::hours(24));
  REQUIRE(ratio);
  CHECK(*ratio == Approx(210.0 / 280.0));
}
