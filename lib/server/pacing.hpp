// How often the server's background writes run, as pure functions of what is waiting: the
// write-behind rounds of push state (store.hpp) and the push history sweep's trail
// (store::history_sweep). server.cpp schedules them; test/server/pacing_test.cpp pins them.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace uptime::server {

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

// How far behind the newest push_history row the sweep's per-push work looks: a quarter of a
// turn of the table (keep × monitors) more than one turn, where under a steady load nearly
// every row is past its monitor's newest `keep`, so whole pages go at once.
constexpr std::int64_t history_sweep_trail(int keep, std::size_t monitors) {
  return static_cast<std::int64_t>(keep) * static_cast<std::int64_t>(monitors) * 5 / 4;
}

}  // namespace uptime::server
