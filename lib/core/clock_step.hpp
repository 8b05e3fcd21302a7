// Steps of the wall clock (an NTP correction, a hand-set date, a VM paused and resumed) told
// apart from time passing, and what a step does to a monitor. Elapsed time is measured with
// the monotonic clock between two moments the server saw; where the wall clock moved by more
// or less than that, it stepped. A step is an outage of its own kind: it never makes a job
// late (no false DOWN after a step forward) and never gives a job more time than really
// passed (no DOWN an hour late after a step back). Pure: both clocks are read by the caller.
#pragma once

#include <chrono>
#include <optional>

#include "core/monitor.hpp"
#include "core/time.hpp"

namespace uptime::core {

// Both clocks read at one moment.
struct clock_reading {
  utc_time wall;
  std::chrono::steady_clock::time_point monotonic;
};

// Smaller differences are not steps: reading two clocks is not one instant, and NTP slews
// the wall clock by up to 0.5 ms a second between readings about a second apart.
inline constexpr std::chrono::milliseconds clock_step_tolerance{1000};

// How far the wall clock stepped between `before` and `now`: the wall-clock time that passed
// minus the monotonic time that did (positive: forward, negative: back); nullopt within
// `tolerance`.
std::optional<std::chrono::milliseconds> wall_clock_step(
    const clock_reading& before, const clock_reading& now,
    std::chrono::milliseconds tolerance = clock_step_tolerance);

// The monitor after a step of `step` detected at wall-clock time `now` (after the step):
// - forward: as an outage from `now - step` to `now` (shift_for_outage): the deadline and run
//   limits that fell after it move later by the step; the job had no real time to push in.
// - back: every instant the state holds (last push, deadline, status since, open runs'
//   starts) moves back by the step, so that the deadline comes after the real time that was
//   left before the step, and run durations stay true.
monitor_state shift_for_clock_step(const monitor_state& s, const monitor_rules& r, utc_time now,
                                   std::chrono::milliseconds step);

}  // namespace uptime::core
