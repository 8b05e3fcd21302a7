// Wall-clock steps (see clock_step.hpp).
#include "core/clock_step.hpp"

namespace uptime::core {

std::optional<std::chrono::milliseconds> wall_clock_step(const clock_reading& before,
                                                         const clock_reading& now,
                                                         std::chrono::milliseconds tolerance) {
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(now.wall - before.wall);
  const auto monotonic =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.monotonic - before.monotonic);
  const auto step = wall - monotonic;
  if (step > tolerance || step < -tolerance) return step;
  return std::nullopt;
}

monitor_state shift_for_clock_step(const monitor_state& s, const monitor_rules& r, utc_time now,
                                   std::chrono::milliseconds step) {
  if (step.count() > 0) return shift_for_outage(s, r, now - step, now);
  monitor_state out = s;
  const auto move = [step](std::optional<utc_time>& t) {
    if (t) *t += step;
  };
  move(out.last_push_at);
  move(out.next_expected_at);
  // A deadline is a whole second (monitor.hpp next_deadline): rounded up again, never early.
  if (out.next_expected_at) out.next_expected_at = ceil_to_second(*out.next_expected_at);
  move(out.status_since);
  for (auto& run : out.open_runs) run.started_at += step;
  return out;
}

}  // namespace uptime::core
