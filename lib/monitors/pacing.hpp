// How often the write-behind rounds of push state (store/store.hpp) run, as a pure function
// of what is waiting. write_behind.cpp schedules them; test/monitors/pacing_test.cpp pins them.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace uptime::monitors {

// A write-behind round runs this often ...
inline constexpr std::chrono::milliseconds state_flush_period{1000};
// ... but writes no more than about this many snapshots a second: with tens of thousands of
// monitors pushed at random, nearly every push would need its own snapshot (each on its own
// page of push_monitors), so rounds then come less often, up to every max_state_flush_period,
// and a push costs about the same with 100,000 monitors as with 1,000.
inline constexpr std::size_t max_snapshots_per_second = 10'000;
inline constexpr std::chrono::milliseconds max_state_flush_period{10'000};

// How long after the last round the next is due, with `dirty` monitors pushed since.
constexpr std::chrono::milliseconds state_flush_due(std::size_t dirty) {
  const auto spread = std::chrono::milliseconds(
      static_cast<std::int64_t>(dirty * 1000 / max_snapshots_per_second));
  return std::clamp(spread, state_flush_period, max_state_flush_period);
}


}  // namespace uptime::monitors
