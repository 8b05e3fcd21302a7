// The queue of state changes the database refused, and the pace of the loop that retries them.
#include <catch2/catch.hpp>

#include "server/unwritten_changes.hpp"

using namespace uptime;
using server::unwritten_change;
using server::unwritten_changes;

namespace {
unwritten_change change_to(core::monitor_status to) {
  unwritten_change c;
  c.transition = core::transition{core::monitor_status::up, to, {}, "why"};
  return c;
}
}  // namespace

TEST_CASE("unwritten changes come out in id order, a batch at a time, each monitor's in order") {
  unwritten_changes q;
  q.add(7, change_to(core::monitor_status::down));
  q.add(3, change_to(core::monitor_status::down));
  q.add(7, change_to(core::monitor_status::up));
  q.add_state(5);
  CHECK(q.monitors() == 3);
  auto first = q.take_batch(2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].id == 3);
  CHECK(first[1].id == 5);
  CHECK(first[1].changes.empty());  // only its state to save
  auto rest = q.take_batch(10);
  REQUIRE(rest.size() == 1);
  REQUIRE(rest[0].changes.size() == 2);
  CHECK(rest[0].changes[0].transition->to == core::monitor_status::down);
  CHECK(rest[0].changes[1].transition->to == core::monitor_status::up);
  CHECK(q.empty());
}

TEST_CASE("a batch that was not written goes back in front of what came meanwhile") {
  unwritten_changes q;
  q.add(1, change_to(core::monitor_status::down));
  auto taken = q.take_batch(10);
  q.add(1, change_to(core::monitor_status::up));  // decided while the write was under way
  q.put_back(std::move(taken[0]));
  auto again = q.take(1);
  REQUIRE(again);
  REQUIRE(again->changes.size() == 2);
  CHECK(again->changes[0].transition->to == core::monitor_status::down);
  CHECK(again->changes[1].transition->to == core::monitor_status::up);
  CHECK_FALSE(q.has(1));
}

TEST_CASE("adding the state of a monitor with changes keeps its changes") {
  unwritten_changes q;
  q.add(2, change_to(core::monitor_status::down));
  q.add_state(2);
  auto taken = q.take(2);
  REQUIRE(taken);
  CHECK(taken->changes.size() == 1);
}

TEST_CASE("the retry delay doubles after each failure up to 30 s and starts over after a success") {
  using std::chrono::milliseconds;
  unwritten_changes q;
  CHECK(q.next_delay() == milliseconds(1000));
  q.attempt_failed();
  CHECK(q.next_delay() == milliseconds(2000));
  for (int i = 0; i < 20; ++i) q.attempt_failed();
  CHECK(q.next_delay() == milliseconds(30000));
  q.attempt_succeeded();
  CHECK(q.next_delay() == milliseconds(1000));
}
