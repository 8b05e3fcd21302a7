// The monitors' shell rules driven by a manual clock, with no sleeping: pushes through the push
// path, deadlines decided when their timer fires (deadlines::expire stands in for the timer),
// clock steps, reminders, and what reaches the store. A real SQLite store behind the engine.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "config/config.hpp"
#include "monitors/clock.hpp"
#include "monitors/engine.hpp"
#include "net.hpp"
#include "support/run_until.hpp"
#include "store/store.hpp"
#include "support/temp_db.hpp"

#include "engine_fixture.hpp"

using namespace uptime;
using namespace std::chrono_literals;
using uptime::test::run_until;

using uptime::test::at;
using uptime::test::engine_fixture;

TEST_CASE("a push is answered with its deadline, a wrong key or an unknown monitor is refused") {
  engine_fixture f;
  const auto ok = f.push(f.key());
  const auto* accepted = std::get_if<monitors::push_accepted>(&ok);
  REQUIRE(accepted);
  CHECK(accepted->received_at == at("2025-03-01T12:00:00Z"));
  CHECK(accepted->next_expected_by == at("2025-03-01T12:01:10Z"));
  CHECK(f.backup().state.status == core::monitor_status::up);
  CHECK(std::holds_alternative<monitors::push_wrong_key>(f.push("wrong-key")));

  std::optional<monitors::push_result> unknown;
  monitors::push_request r;
  r.id = 77;
  r.secret_key = "x";
  f.engine->push().receive(std::move(r), [&](monitors::push_result out) { unknown = std::move(out); });
  REQUIRE(unknown);
  CHECK(std::holds_alternative<monitors::push_not_found>(*unknown));
}

TEST_CASE("a timer that fires before the deadline re-arms, and one after it makes the monitor DOWN") {
  engine_fixture f;
  REQUIRE(std::holds_alternative<monitors::push_accepted>(f.push(f.key())));
  f.clock.advance(69'999ms);  // a millisecond before interval + grace
  f.timer_fires();
  CHECK(f.backup().state.status == core::monitor_status::up);

  f.clock.advance(1ms);
  f.timer_fires();
  CHECK(f.backup().state.status == core::monitor_status::down);
  run_until(f.io, [&] { return !f.alerts.empty(); });
  REQUIRE(f.alerts.size() == 1);
  CHECK(f.alerts[0].event == "down");
  CHECK(f.alerts[0].channel == "ops");
  const auto changes = f.changes();
  REQUIRE(changes.size() == 2);  // pending -> up, up -> down
  CHECK(changes[0].to == core::monitor_status::down);
  CHECK(changes[0].at == at("2025-03-01T12:01:10Z"));
}

TEST_CASE("a wall clock step forward moves the deadline later instead of making the job late") {
  engine_fixture f;
  REQUIRE(std::holds_alternative<monitors::push_accepted>(f.push(f.key())));
  f.clock.advance(30s);
  f.engine->wall().now();  // a reading before the step
  f.clock.set(at("2025-03-01T13:00:30Z"));  // an hour on in no time: a step, not time passing
  f.timer_fires();
  CHECK(f.backup().state.status == core::monitor_status::up);
  REQUIRE(f.backup().state.next_expected_at);
  CHECK(*f.backup().state.next_expected_at == at("2025-03-01T13:01:10Z"));
  f.clock.advance(40s);  // and then time passes: DOWN 70 s after the push, not counting the step
  f.timer_fires();
  CHECK(f.backup().state.status == core::monitor_status::down);
}

TEST_CASE("a monitor DOWN is reminded about every remind_every, once per instant") {
  engine_fixture f(300s);
  REQUIRE(std::holds_alternative<monitors::push_accepted>(f.push(f.key())));
  f.clock.advance(70s);
  f.timer_fires();
  REQUIRE(f.backup().state.status == core::monitor_status::down);
  run_until(f.io, [&] { return f.alerts.size() == 1; });
  f.clock.advance(299s);
  f.timer_fires();  // a second early: nothing
  f.io.restart();
  f.io.run_for(50ms);
  CHECK(f.alerts.size() == 1);
  f.clock.advance(1s);
  f.timer_fires();
  run_until(f.io, [&] { return f.alerts.size() == 2; });
  REQUIRE(f.alerts.size() == 2);
  CHECK(f.alerts[1].event == "reminder");
  f.timer_fires();  // the same instant again: no second reminder
  f.io.restart();
  f.io.run_for(50ms);
  CHECK(f.alerts.size() == 2);
}
