// The wall clock as the monitors read it: once per event, through the `clock` seam
// (clock.hpp), with a step since the last reading (it is read at least every second) reported
// before the reading is used: see core/clock_step.hpp. Io thread only.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <utility>

#include "core/clock_step.hpp"
#include "monitors/clock.hpp"

namespace uptime::monitors {

class wall_clock {
 public:
  // Called with the step (positive: forward) and the reading after it.
  using step_handler = std::function<void(std::chrono::milliseconds step, core::utc_time now)>;

  explicit wall_clock(const clock& source) : source_(source) {}
  void on_step(step_handler h) { on_step_ = std::move(h); }

  core::utc_time now() {
    const core::clock_reading reading{source_.now(), source_.steady_now()};
    const auto before = std::exchange(last_reading_, reading);
    if (before && on_step_)
      if (const auto step = core::wall_clock_step(*before, reading)) on_step_(*step, reading.wall);
    return reading.wall;
  }

  // The source, for readers off the io thread (the dispatcher's retry instants).
  const clock& source() const { return source_; }

 private:
  const clock& source_;
  step_handler on_step_;
  std::optional<core::clock_reading> last_reading_;
};

}  // namespace uptime::monitors
