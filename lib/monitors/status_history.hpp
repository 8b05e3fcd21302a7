// Every monitor's recent status changes, in memory, so the API and badges can give uptime
// ratios over 24 hours, 7 and 30 days without a database read per monitor: loaded from the
// store at start, appended to as changes happen, trimmed to the longest window. Most monitors
// change rarely: a monitor with no change in 30 days has no entry at all. Io thread only.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "core/maintenance.hpp"
#include "core/monitor.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

class status_history {
 public:
  // The longest window asked about; older changes are dropped as new ones come.
  static constexpr std::chrono::days kept{30};

  // The changes read from the store (oldest first), under those recorded since the read began.
  void load(const std::vector<store::monitor_change>& changes);
  void record(store::monitor_id id, const core::transition& t);
  void forget(store::monitor_id id) { changes_.erase(id); }

  // Time UP over time UP or DOWN in [now - window, now), not counting `excluded` spans
  // (maintenance); `current` is the monitor's status now. nullopt when there was neither.
  std::optional<double> uptime(store::monitor_id id, core::monitor_status current, core::utc_time now,
                               std::chrono::milliseconds window,
                               std::span<const core::time_span> excluded = {}) const;

 private:
  struct change {
    core::utc_time at;
    core::monitor_status from;
    core::monitor_status to;
  };
  boost::unordered_flat_map<store::monitor_id, std::vector<change>> changes_;
};

}  // namespace uptime::monitors
