// The table of monitor kinds: every kind is found by its name, and the push kind's rules are
// the push monitor's functions, so the registry can dispatch on a monitor's kind.
#include <catch2/catch.hpp>

#include "core/kinds.hpp"

using namespace uptime::core;
using namespace std::chrono_literals;

TEST_CASE("every kind in the table is found by its name and has the row of its own kind") {
  REQUIRE_FALSE(monitor_kinds().empty());
  for (const kind_rules& k : monitor_kinds()) {
    CHECK(parse_kind(k.name) == k.kind);
    CHECK(&rules_of(k.kind) == &k);
    CHECK(to_string(k.kind) == k.name);
  }
}

TEST_CASE("push is a kind and the names are matched exactly") {
  CHECK(parse_kind("push") == monitor_kind::push);
  CHECK_FALSE(parse_kind("Push"));
  CHECK_FALSE(parse_kind("http"));
  CHECK_FALSE(parse_kind(""));
}

TEST_CASE("every kind has the deadline rules the registry calls") {
  for (const kind_rules& k : monitor_kinds()) {
    CHECK(k.going_down_at);
    CHECK(k.on_deadline);
    CHECK(k.apply_rules);
    CHECK(k.shift_for_outage);
    CHECK(k.from_whole_seconds);
  }
}

TEST_CASE("the push kind's rules decide a push monitor's life through the table") {
  const kind_rules& push = rules_of(monitor_kind::push);
  REQUIRE(push.on_push);
  REQUIRE(push.replay_push);
  monitor_rules rules;
  rules.expected_interval = 60s;
  const auto t0 = *parse_iso("2025-01-15T10:00:00Z");
  const auto up = push.on_push({}, rules, {}, t0);
  CHECK(up.state.status == monitor_status::up);
  CHECK(push.going_down_at(up.state, rules) == t0 + 60s);
  CHECK_FALSE(push.on_deadline(up.state, rules, t0 + 59s).change);
  CHECK(push.on_deadline(up.state, rules, t0 + 60s).state.status == monitor_status::down);
}
