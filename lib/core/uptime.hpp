// The uptime ratio of a monitor over a stretch of time, from its status history: time UP over
// time UP or DOWN, with maintenance (and any other excluded time) left out. Pure arithmetic on
// instants the caller supplies; reading the history is the store's job, and which windows
// apply is core/maintenance's.
#pragma once

#include <optional>
#include <span>

#include "core/maintenance.hpp"
#include "core/monitor.hpp"
#include "core/time.hpp"

namespace uptime::core {

// From `at` on, the status is `to` (a row of state_changes).
struct status_point {
  utc_time at;
  monitor_status to;
};

// Time UP / (time UP + time DOWN) within [from, to), not counting time inside `excluded`
// (sorted, non-overlapping spans, e.g. merge_spans() of maintenance occurrences). The status
// at `from` is that of the last point at or before `from`, else `initial`; `points` are in time
// order, and those at or after `to` are ignored. Any status other than up and down (pending,
// paused, …) counts as neither. nullopt when no UP or DOWN time is counted (an empty range
// included). Linear in points + excluded.
std::optional<double> uptime_ratio(monitor_status initial, std::span<const status_point> points,
                                   utc_time from, utc_time to, std::span<const time_span> excluded);

}  // namespace uptime::core
