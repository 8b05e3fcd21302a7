// Alert rules at explicit instants: which changes alert, retry backoff and giving up, reminders.
#include <catch2/catch.hpp>

#include "core/alerting.hpp"

using namespace uptime::core;
using namespace std::chrono_literals;

namespace {
utc_time at(const char* iso) { return *parse_iso(iso); }
transition change(monitor_status from, monitor_status to) { return {from, to, at("2025-01-01T00:00:00Z"), ""}; }
}  // namespace

TEST_CASE("going DOWN and recovering alert; a new monitor's first push does not") {
  using enum monitor_status;
  CHECK(is_alerting(change(up, down)));
  CHECK(is_alerting(change(pending, down)));
  CHECK(is_alerting(change(down, up)));
  CHECK_FALSE(is_alerting(change(pending, up)));
}

TEST_CASE("failed deliveries are retried after 1 s doubling up to 10 minutes") {
  const retry_policy p;
  const auto created = at("2025-01-01T00:00:00Z");
  CHECK(next_attempt_at(p, 1, created, created) == created + 1s);
  CHECK(next_attempt_at(p, 2, created, created) == created + 2s);
  CHECK(next_attempt_at(p, 5, created, created) == created + 16s);
  CHECK(next_attempt_at(p, 10, created, created) == created + 512s);
  CHECK(next_attempt_at(p, 11, created, created) == created + 600s);
  CHECK(next_attempt_at(p, 1000, created, created) == created + 600s);
}

TEST_CASE("a delivery is given up once the next try would fall after the retry window") {
  const retry_policy p;
  const auto created = at("2025-01-01T00:00:00Z");
  CHECK(next_attempt_at(p, 200, created, created + 23h + 50min));
  CHECK_FALSE(next_attempt_at(p, 200, created, created + 23h + 55min));
  retry_policy short_window{1000ms, 600000ms, 1h};
  CHECK_FALSE(next_attempt_at(short_window, 3, created, created + 1h));
}

TEST_CASE("reminders fall every period after the monitor went DOWN") {
  monitor_state s;
  s.status = monitor_status::down;
  s.status_since = at("2025-01-01T00:00:00Z");
  CHECK(next_reminder_at(s, 1h, at("2025-01-01T00:00:00Z")) == at("2025-01-01T01:00:00Z"));
  CHECK(next_reminder_at(s, 1h, at("2025-01-01T00:59:59Z")) == at("2025-01-01T01:00:00Z"));
  CHECK(next_reminder_at(s, 1h, at("2025-01-01T01:00:00Z")) == at("2025-01-01T02:00:00Z"));
  CHECK(next_reminder_at(s, 1h, at("2025-01-03T05:30:00Z")) == at("2025-01-03T06:00:00Z"));
  CHECK_FALSE(next_reminder_at(s, 0s, at("2025-01-01T00:00:00Z")));
  s.status = monitor_status::up;
  CHECK_FALSE(next_reminder_at(s, 1h, at("2025-01-01T00:00:00Z")));
}

TEST_CASE("the reminder due is the latest one that has come, so a late timer sends one") {
  monitor_state s;
  s.status = monitor_status::down;
  s.status_since = at("2025-01-01T00:00:00Z");
  CHECK_FALSE(reminder_due(s, 1h, at("2025-01-01T00:59:59Z")));
  CHECK(reminder_due(s, 1h, at("2025-01-01T01:00:00Z")) == at("2025-01-01T01:00:00Z"));
  CHECK(reminder_due(s, 1h, at("2025-01-01T01:00:00.300Z")) == at("2025-01-01T01:00:00Z"));
  CHECK(reminder_due(s, 1h, at("2025-01-01T05:30:00Z")) == at("2025-01-01T05:00:00Z"));
  s.status = monitor_status::up;
  CHECK_FALSE(reminder_due(s, 1h, at("2025-01-01T05:30:00Z")));
}
