// Maintenance windows as pure rules: which monitors a window covers, whether it is open at an
// instant, when it next opens or closes, and its occurrences over a range (for uptime ratios).
// A window is either recurring (each run of a cron schedule in a time zone opens it for a
// fixed real duration) or one-off ([start, end) in UTC). No clock, no I/O: the shell passes
// `now` in and arms its own timer for next_change(). What a window does to alerts is decided
// elsewhere; this file only says when it is open.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cron.hpp"
#include "core/time.hpp"

namespace uptime::core {

// A half-open stretch of time [from, to): an instant at `from` is inside, one at `to` is not.
struct time_span {
  utc_time from, to;
  friend bool operator==(const time_span&, const time_span&) = default;
};

// A declared window. Exactly one of `schedule` (with `zone` and a positive `duration`) or
// `start` and `end` is meant to be set; with a schedule, start and end are ignored. A window
// with neither (or a zero duration) is never open.
struct maintenance_window {
  std::string name;
  // Recurring: each run opens a window lasting `duration` of real time, so a 2h window that
  // starts at 03:00 local lasts two real hours, DST or not. Runs follow next_run_after (DST
  // nights included: a run in a skipped hour opens at the transition, a repeated hour runs once).
  std::shared_ptr<const cron_schedule> schedule;
  const date::time_zone* zone = nullptr;
  seconds duration{0};
  std::optional<utc_time> start, end;         // one-off: [start, end)
  std::vector<std::string> monitors, groups;  // what it covers; both empty: every monitor
};

// Whether the window applies to this monitor: it names the monitor or its group, or names
// nothing at all. A monitor without a group ("") is covered only by name or by a window for all.
bool covers(const maintenance_window& w, std::string_view monitor_name, std::string_view group);

// The occurrence containing `now`, merged with the occurrences that overlap or touch it (two
// runs whose windows overlap are one stretch of maintenance), or nullopt when it is closed.
// Limit: a schedule that runs more often than its duration lasts is open for good; the merge
// then stops after max_merged_runs runs on each side, so the span reported is long but finite
// and next_change() reports its end as a change at which the window is in fact still open.
std::optional<time_span> occurrence_at(const maintenance_window& w, utc_time now);

// The first instant strictly after `now` at which the window opens or closes; nullopt if it
// never does again. A timer armed for it, then occurrence_at() at that instant, follows the
// window exactly.
std::optional<utc_time> next_change(const maintenance_window& w, utc_time now);

// The occurrences overlapping [from, to), clipped to it, merged where they overlap or touch,
// in order. Linear in the number of runs in the range (30 days of "*/5 * * * *" is 8,640 runs).
std::vector<time_span> occurrences(const maintenance_window& w, utc_time from, utc_time to);

// `spans` sorted by start and merged where they overlap or touch, empty ones dropped: the
// union of several windows' occurrences, in the form uptime_ratio() takes as `excluded`.
std::vector<time_span> merge_spans(std::vector<time_span> spans);

// How many runs occurrence_at() merges on each side of `now` before it stops (see its limit).
inline constexpr int max_merged_runs = 1000;

}  // namespace uptime::core
