// Unit tests for core/maintenance: which monitors a window covers, and when one-off and
// recurring windows are open, at explicit instants exact to the millisecond (in at `from`,
// out at `to`), including DST nights in Europe/Berlin (spring forward 2026-03-29 01:00Z,
// fall back 2026-10-25 01:00Z), overlapping occurrences, and the cost of a busy schedule.
#include "core/maintenance.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace uptime::core;
using namespace std::chrono_literals;

namespace {

utc_time at(const char* iso) {
  auto t = parse_iso(iso);
  if (!t) FAIL("bad instant in test: " << iso);
  return *t;
}

maintenance_window recurring(const char* expr, const char* zone, seconds duration) {
  auto parsed = parse_cron(expr);
  if (auto* message = std::get_if<std::string>(&parsed)) FAIL(expr << " was refused: " << *message);
  maintenance_window w;
  w.name = expr;
  w.schedule = std::make_shared<const cron_schedule>(std::get<cron_schedule>(std::move(parsed)));
  w.zone = find_zone(zone);
  if (!w.zone) FAIL("zone " << zone << " not found");
  w.duration = duration;
  return w;
}

maintenance_window one_off(const char* start, const char* end) {
  maintenance_window w;
  w.name = "one-off";
  w.start = at(start);
  w.end = at(end);
  return w;
}

// A span as "from/to" with milliseconds, or "closed", so a failure shows both ends.
std::string text(const std::optional<time_span>& s) {
  return s ? format_iso_ms(s->from) + "/" + format_iso_ms(s->to) : "closed";
}

std::string text(const std::vector<time_span>& spans) {
  std::string out;
  for (const auto& s : spans) out += (out.empty() ? "" : " ") + text(std::optional(s));
  return out;
}

std::string text(const std::optional<utc_time>& t) { return t ? format_iso_ms(*t) : "never"; }

constexpr std::chrono::milliseconds ms{1};

}  // namespace

TEST_CASE("a window naming nothing covers every monitor; otherwise its monitors and groups") {
  maintenance_window w;
  CHECK(covers(w, "Nightly backup", ""));
  CHECK(covers(w, "Web", "frontends"));
  w.monitors = {"Nightly backup"};
  CHECK(covers(w, "Nightly backup", "backups"));
  CHECK_FALSE(covers(w, "Web", "frontends"));
  w.groups = {"frontends"};
  CHECK(covers(w, "Web", "frontends"));
  CHECK(covers(w, "Nightly backup", ""));
  CHECK_FALSE(covers(w, "Mail", "mail"));
  CHECK_FALSE(covers(w, "Mail", ""));
  w.monitors.clear();
  CHECK_FALSE(covers(w, "Nightly backup", ""));  // a monitor without a group is in no group
}

TEST_CASE("a one-off window is open from its start, inclusive, to its end, exclusive") {
  const auto w = one_off("2026-12-24T00:00:00Z", "2026-12-24T06:00:00Z");
  CHECK(text(occurrence_at(w, at("2026-12-24T00:00:00Z") - ms)) == "closed");
  CHECK(text(occurrence_at(w, at("2026-12-24T00:00:00Z"))) ==
        "2026-12-24T00:00:00.000Z/2026-12-24T06:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-12-24T06:00:00Z") - ms)) ==
        "2026-12-24T00:00:00.000Z/2026-12-24T06:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-12-24T06:00:00Z"))) == "closed");

  CHECK(text(next_change(w, at("2026-01-01T00:00:00Z"))) == "2026-12-24T00:00:00.000Z");
  CHECK(text(next_change(w, at("2026-12-24T00:00:00Z"))) ==
        "2026-12-24T06:00:00.000Z");  // strictly after
  CHECK(text(next_change(w, at("2026-12-24T06:00:00Z") - ms)) == "2026-12-24T06:00:00.000Z");
  CHECK(text(next_change(w, at("2026-12-24T06:00:00Z"))) == "never");
}

TEST_CASE("a one-off window's occurrences are clipped to the range asked for") {
  const auto w = one_off("2026-12-24T00:00:00Z", "2026-12-24T06:00:00Z");
  CHECK(text(occurrences(w, at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))) ==
        "2026-12-24T00:00:00.000Z/2026-12-24T06:00:00.000Z");
  CHECK(text(occurrences(w, at("2026-12-24T05:00:00Z"), at("2026-12-25T00:00:00Z"))) ==
        "2026-12-24T05:00:00.000Z/2026-12-24T06:00:00.000Z");
  CHECK(text(occurrences(w, at("2026-12-23T00:00:00Z"), at("2026-12-24T00:00:00Z"))).empty());
  CHECK(text(occurrences(w, at("2026-12-24T06:00:00Z"), at("2026-12-25T00:00:00Z"))).empty());
  CHECK(occurrences(w, at("2026-12-24T03:00:00Z"), at("2026-12-24T03:00:00Z"))
            .empty());  // empty range
}

TEST_CASE("a window with neither a schedule nor start and end is never open") {
  maintenance_window w;
  CHECK_FALSE(occurrence_at(w, at("2026-01-01T00:00:00Z")));
  CHECK_FALSE(next_change(w, at("2026-01-01T00:00:00Z")));
  CHECK(occurrences(w, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")).empty());
  auto zero = recurring("0 3 * * *", "UTC", 0s);
  CHECK_FALSE(occurrence_at(zero, at("2026-01-01T03:00:00Z")));
  CHECK_FALSE(next_change(zero, at("2026-01-01T00:00:00Z")));
}

TEST_CASE("a weekly window opens at each run and lasts its duration") {
  // Sundays 03:00 Berlin in January (CET, UTC+1): 02:00Z to 04:00Z.
  const auto w = recurring("0 3 * * 0", "Europe/Berlin", 2h);
  CHECK(text(occurrence_at(w, at("2026-01-04T02:00:00Z") - ms)) == "closed");
  CHECK(text(occurrence_at(w, at("2026-01-04T02:00:00Z"))) ==
        "2026-01-04T02:00:00.000Z/2026-01-04T04:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-01-04T04:00:00Z") - ms)) ==
        "2026-01-04T02:00:00.000Z/2026-01-04T04:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-01-04T04:00:00Z"))) == "closed");

  CHECK(text(next_change(w, at("2026-01-01T00:00:00Z"))) == "2026-01-04T02:00:00.000Z");
  CHECK(text(next_change(w, at("2026-01-04T02:00:00Z"))) == "2026-01-04T04:00:00.000Z");
  CHECK(text(next_change(w, at("2026-01-04T04:00:00Z"))) == "2026-01-11T02:00:00.000Z");

  CHECK(text(occurrences(w, at("2026-01-04T03:00:00Z"), at("2026-01-18T03:00:00Z"))) ==
        "2026-01-04T03:00:00.000Z/2026-01-04T04:00:00.000Z "
        "2026-01-11T02:00:00.000Z/2026-01-11T04:00:00.000Z "
        "2026-01-18T02:00:00.000Z/2026-01-18T03:00:00.000Z");
}

TEST_CASE(
    "on the spring-forward night a 02:30 window opens at the transition and lasts its real duration") {
  // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z; 02:30 never happens, and cron
  // runs the job at the transition instead (core/cron.hpp).
  const auto w = recurring("30 2 * * *", "Europe/Berlin", 1h);
  CHECK(text(occurrences(w, at("2026-03-28T00:00:00Z"), at("2026-03-31T00:00:00Z"))) ==
        "2026-03-28T01:30:00.000Z/2026-03-28T02:30:00.000Z "   // 02:30 CET
        "2026-03-29T01:00:00.000Z/2026-03-29T02:00:00.000Z "   // 03:00 CEST, the transition
        "2026-03-30T00:30:00.000Z/2026-03-30T01:30:00.000Z");  // 02:30 CEST
  CHECK(text(occurrence_at(w, at("2026-03-29T01:00:00Z") - ms)) == "closed");
  CHECK(text(occurrence_at(w, at("2026-03-29T01:00:00Z"))) ==
        "2026-03-29T01:00:00.000Z/2026-03-29T02:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-03-29T02:00:00Z") - ms)) ==
        "2026-03-29T01:00:00.000Z/2026-03-29T02:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-03-29T02:00:00Z"))) == "closed");
  CHECK(text(next_change(w, at("2026-03-28T12:00:00Z"))) == "2026-03-29T01:00:00.000Z");
}

TEST_CASE("on the fall-back night a 02:30 window opens once, at the first 02:30") {
  // Berlin 2026-10-25: 03:00 CEST goes back to 02:00 CET at 01:00Z; 02:30 happens twice
  // (00:30Z and 01:30Z) and the window opens only at the first.
  const auto w = recurring("30 2 * * *", "Europe/Berlin", 1h);
  CHECK(text(occurrences(w, at("2026-10-24T00:00:00Z"), at("2026-10-27T00:00:00Z"))) ==
        "2026-10-24T00:30:00.000Z/2026-10-24T01:30:00.000Z "   // 02:30 CEST
        "2026-10-25T00:30:00.000Z/2026-10-25T01:30:00.000Z "   // the first 02:30, CEST
        "2026-10-26T01:30:00.000Z/2026-10-26T02:30:00.000Z");  // 02:30 CET
  CHECK(text(occurrence_at(w, at("2026-10-25T01:30:00Z") - ms)) ==
        "2026-10-25T00:30:00.000Z/2026-10-25T01:30:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-10-25T01:30:00Z"))) ==
        "closed");  // the second 02:30 opens nothing
  CHECK(text(next_change(w, at("2026-10-25T01:30:00Z"))) == "2026-10-26T01:30:00.000Z");
}

TEST_CASE("a window spanning a DST change lasts its duration in real time, not on the wall clock") {
  // 01:00 local for 3h: on the spring-forward night it ends at 05:00 CEST (03:00Z), on the
  // fall-back night at 03:00 CET (02:00Z) — three real hours both times.
  const auto w = recurring("0 1 * * *", "Europe/Berlin", 3h);
  CHECK(text(occurrence_at(w, at("2026-03-29T01:30:00Z"))) ==
        "2026-03-29T00:00:00.000Z/2026-03-29T03:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-03-29T03:00:00Z") - ms)) ==
        "2026-03-29T00:00:00.000Z/2026-03-29T03:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-03-29T03:00:00Z"))) == "closed");
  CHECK(text(occurrence_at(w, at("2026-10-25T01:30:00Z"))) ==
        "2026-10-24T23:00:00.000Z/2026-10-25T02:00:00.000Z");
  CHECK(text(next_change(w, at("2026-10-25T01:00:00Z"))) == "2026-10-25T02:00:00.000Z");
  CHECK(text(occurrence_at(w, at("2026-10-25T02:00:00Z"))) == "closed");
}

TEST_CASE("overlapping and touching occurrences are one stretch of maintenance") {
  // Runs at 03:00 and 03:30, 45 minutes each: one stretch 03:00-04:15 from wherever it is seen.
  const auto w = recurring("0,30 3 * * *", "UTC", 45min);
  for (const char* now : {"2026-05-01T03:00:00Z", "2026-05-01T03:10:00Z", "2026-05-01T03:40:00Z",
                          "2026-05-01T04:14:59.999Z"}) {
    INFO(now);
    CHECK(text(occurrence_at(w, at(now))) == "2026-05-01T03:00:00.000Z/2026-05-01T04:15:00.000Z");
    CHECK(text(next_change(w, at(now))) == "2026-05-01T04:15:00.000Z");
  }
  CHECK(text(occurrences(w, at("2026-05-01T00:00:00Z"), at("2026-05-03T00:00:00Z"))) ==
        "2026-05-01T03:00:00.000Z/2026-05-01T04:15:00.000Z "
        "2026-05-02T03:00:00.000Z/2026-05-02T04:15:00.000Z");
  CHECK(text(occurrences(w, at("2026-05-01T03:40:00Z"), at("2026-05-01T04:00:00Z"))) ==
        "2026-05-01T03:40:00.000Z/2026-05-01T04:00:00.000Z");

  // 30 minutes each: the first ends as the second starts, so the window never closes between.
  const auto touching = recurring("0,30 3 * * *", "UTC", 30min);
  CHECK(text(occurrence_at(touching, at("2026-05-01T03:30:00Z"))) ==
        "2026-05-01T03:00:00.000Z/2026-05-01T04:00:00.000Z");
  CHECK(text(next_change(touching, at("2026-05-01T03:00:00Z"))) == "2026-05-01T04:00:00.000Z");
  CHECK(text(occurrences(touching, at("2026-05-01T00:00:00Z"), at("2026-05-02T00:00:00Z"))) ==
        "2026-05-01T03:00:00.000Z/2026-05-01T04:00:00.000Z");
}

TEST_CASE("a window that never closes is reported as a long but finite span") {
  // Every minute for two minutes: always open. The merge stops after max_merged_runs runs each
  // way; the span still contains `now` and its end is in the future.
  const auto w = recurring("* * * * *", "UTC", 2min);
  const utc_time now = at("2026-05-01T12:00:30Z");
  const auto span = occurrence_at(w, now);
  REQUIRE(span);
  CHECK(span->from <= now - std::chrono::minutes{max_merged_runs});
  CHECK(span->to >= now + std::chrono::minutes{max_merged_runs});
  const auto change = next_change(w, now);
  REQUIRE(change);
  CHECK(*change > now);
  CHECK(text(occurrences(w, at("2026-05-01T00:00:00Z"), at("2026-05-02T00:00:00Z"))) ==
        "2026-05-01T00:00:00.000Z/2026-05-02T00:00:00.000Z");
}

TEST_CASE("thirty days of a five-minute schedule are 8,640 occurrences, found in one pass") {
  const auto w = recurring("*/5 * * * *", "Europe/Berlin", 1min);
  const utc_time from = at("2026-03-15T00:00:00Z");
  const auto spans = occurrences(w, from, from + std::chrono::days{30});
  REQUIRE(spans.size() == 8640);  // 30 * 24 * 12; the DST night skips no 5-minute mark in UTC
  CHECK(spans.front() == time_span{from, from + 1min});
  for (std::size_t i = 1; i < spans.size(); ++i) REQUIRE(spans[i].from - spans[i - 1].from == 5min);
}

TEST_CASE("merge_spans sorts, joins overlapping and touching spans, and drops empty ones") {
  const std::vector<time_span> spans{
      {at("2026-01-01T05:00:00Z"), at("2026-01-01T06:00:00Z")},
      {at("2026-01-01T01:00:00Z"), at("2026-01-01T02:00:00Z")},
      {at("2026-01-01T01:30:00Z"), at("2026-01-01T03:00:00Z")},
      {at("2026-01-01T03:00:00Z"), at("2026-01-01T04:00:00Z")},
      {at("2026-01-01T07:00:00Z"), at("2026-01-01T07:00:00Z")},
  };
  CHECK(
      text(merge_spans(spans)) ==
      "2026-01-01T01:00:00.000Z/2026-01-01T04:00:00.000Z 2026-01-01T05:00:00.000Z/2026-01-01T06:00:00.000Z");
  CHECK(merge_spans({}).empty());
}
