// Unit tests for core/uptime: the ratio of time UP over time UP or DOWN in a range, at explicit
// instants — all up, all down, mixed, maintenance spans cutting stretches, pending time left
// out, points before and after the range, and ranges with nothing to count.
#include "core/uptime.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace uptime::core;
using namespace std::chrono_literals;

namespace {

utc_time at(const char* iso) {
  auto t = parse_iso(iso);
  if (!t) FAIL("bad instant in test: " << iso);
  return *t;
}

const utc_time day = at("2026-05-01T00:00:00Z");  // the ranges below are this day: [day, day + 24h)

std::optional<double> ratio(monitor_status initial, const std::vector<status_point>& points,
                            const std::vector<time_span>& excluded = {}) {
  return uptime_ratio(initial, points, day, day + 24h, excluded);
}

constexpr auto up = monitor_status::up;
constexpr auto down = monitor_status::down;
constexpr auto pending = monitor_status::pending;

}  // namespace

TEST_CASE("a monitor up all the time has a ratio of 1, one down all the time 0") {
  CHECK(ratio(up, {}) == 1.0);
  CHECK(ratio(down, {}) == 0.0);
  CHECK(ratio(up, {{day + 6h, up}}) == 1.0);  // a point that changes nothing
}

TEST_CASE("up and down stretches count by their length") {
  // Down from 06:00 to 12:00: 18h up of 24h.
  CHECK(ratio(up, {{day + 6h, down}, {day + 12h, up}}) == Approx(0.75));
  // Millisecond stretches count too: one millisecond down in a day.
  const auto r = ratio(up, {{day + 6h, down}, {day + 6h + 1ms, up}});
  REQUIRE(r);
  CHECK(*r == Approx(1.0 - 1.0 / 86'400'000.0).epsilon(1e-12));
  CHECK(*r < 1.0);
}

TEST_CASE("pending time counts as neither up nor down") {
  // Pending until 12:00, then up for 6h and down for 6h.
  CHECK(ratio(pending, {{day + 12h, up}, {day + 18h, down}}) == Approx(0.5));
  CHECK_FALSE(ratio(pending, {}));  // nothing counted: no ratio rather than 0 or 1
  CHECK(ratio(up, {{day + 12h, pending}}) == 1.0);
}

TEST_CASE("excluded spans are left out of the stretches they cut") {
  // Down 06:00-12:00, of which 08:00-10:00 is maintenance; maintenance also 20:00-22:00 while up.
  const std::vector<time_span> maintenance{{day + 8h, day + 10h}, {day + 20h, day + 22h}};
  // Up 16h (18h - 2h), down 4h (6h - 2h).
  CHECK(ratio(up, {{day + 6h, down}, {day + 12h, up}}, maintenance) == Approx(16.0 / 20.0));
  // A span straddling a change of status is cut from both stretches.
  const std::vector<time_span> straddling{{day + 5h, day + 7h}};
  CHECK(ratio(up, {{day + 6h, down}, {day + 12h, up}}, straddling) == Approx(17.0 / 22.0));
  // Spans reaching outside the range count only inside it.
  const std::vector<time_span> around{{day - 5h, day + 1h}, {day + 23h, day + 30h}};
  CHECK(ratio(up, {{day + 6h, down}, {day + 12h, up}}, around) == Approx(16.0 / 22.0));
  // Everything excluded: nothing counted.
  const std::vector<time_span> all{{day - 1h, day + 25h}};
  CHECK_FALSE(ratio(up, {{day + 6h, down}}, all));
}

TEST_CASE(
    "points before the range set the status at its start; points at or after its end are ignored") {
  // The last point at or before `from` wins over `initial`.
  CHECK(ratio(pending, {{day - 48h, up}, {day - 24h, down}}) == 0.0);
  CHECK(ratio(up, {{day - 1h, down}, {day + 12h, up}}) == Approx(0.5));
  CHECK(ratio(down, {{day, up}}) == 1.0);                         // a point exactly at `from`
  CHECK(ratio(up, {{day + 24h, down}, {day + 48h, up}}) == 1.0);  // at `to` and later
  CHECK(ratio(up, {{day + 24h - 1ms, down}}) == Approx(1.0 - 1.0 / 86'400'000.0).epsilon(1e-12));
}

TEST_CASE("an empty or reversed range has no ratio") {
  const std::vector<status_point> none;
  const std::vector<time_span> no_spans;
  CHECK_FALSE(uptime_ratio(up, none, day, day, no_spans));
  CHECK_FALSE(uptime_ratio(up, none, day + 1h, day, no_spans));
}
