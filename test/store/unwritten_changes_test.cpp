// The queue of state changes the database refused, and the pace of the loop that retries them.
#include <catch2/catch.hpp>

#include "store/unwritten_changes.hpp"

using namespace uptime;
using store::change_row;
using store::unwritten_changes;

namespace {
change_row change_to(store::monitor_id id, core::monitor_status to) {
  change_row c;
  c.id = id;
  c.transition = core::transition{core::monitor_status::up, to, {}, "why"};
  return c;
}
change_row state_alone(store::monitor_id id, std::int64_t version) {
  change_row c;
  c.id = id;
  c.after = store::state_snapshot{id, version, 0, {}, {}};
  return c;
}
}  // namespace

TEST_CASE("unwritten changes come out in id order, a batch at a time, each monitor's in order") {
  unwritten_changes q;
  q.add(change_to(7, core::monitor_status::down));
  q.add(change_to(3, core::monitor_status::down));
  q.add(change_to(7, core::monitor_status::up));
  q.add(state_alone(5, 1));
  CHECK(q.monitors() == 3);
  auto first = q.take_batch(2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].id == 3);
  CHECK(first[1].id == 5);
  REQUIRE(first[1].changes.size() == 1);  // only its state to save
  CHECK_FALSE(first[1].changes[0].transition);
  auto rest = q.take_batch(10);
  REQUIRE(rest.size() == 1);
  REQUIRE(rest[0].changes.size() == 2);
  CHECK(rest[0].changes[0].transition->to == core::monitor_status::down);
  CHECK(rest[0].changes[1].transition->to == core::monitor_status::up);
  CHECK(q.empty());
}

TEST_CASE("a batch that was not written goes back in front of what came meanwhile") {
  unwritten_changes q;
  q.add(change_to(1, core::monitor_status::down));
  auto taken = q.take_batch(10);
  q.add(change_to(1, core::monitor_status::up));  // decided while the write was under way
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
  q.add(change_to(2, core::monitor_status::down));
  q.add(state_alone(2, 1));
  auto taken = q.take(2);
  REQUIRE(taken);
  REQUIRE(taken->changes.size() == 2);
  CHECK(taken->changes[0].transition);
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

TEST_CASE("a state to save replaces the state queued right before it, never a change") {
  unwritten_changes q;
  q.add(state_alone(4, 1));
  q.add(state_alone(4, 2));
  q.add(change_to(4, core::monitor_status::down));
  q.add(state_alone(4, 3));
  auto item = q.take(4);
  REQUIRE(item);
  REQUIRE(item->changes.size() == 3);
  CHECK(item->changes[0].after->version == 2);
  CHECK(item->changes[1].transition);
  CHECK(item->changes[2].after->version == 3);
}
