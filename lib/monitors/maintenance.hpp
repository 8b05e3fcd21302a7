// Maintenance windows as the server runs them: which windows are open now (re-read at every
// window's opening and closing, from a timer), whether a monitor is in one, and the alerts
// they held. During a window a monitor's state is still decided and recorded, but alerts.cpp
// holds its DOWN alert (the state remembers it: alert_held); when no window covers the
// monitor any more, a DOWN still DOWN is alerted then, once, and one that recovered meanwhile
// alerts nothing. The rule of a window (when it is open) is core/maintenance.hpp. Io thread.
#pragma once

#include <chrono>
#include <vector>

#include "core/maintenance.hpp"
#include "monitors/alerts.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "net.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

class maintenance {
 public:
  maintenance(net::io_context& io, registry& monitors, alerts& alerting, wall_clock& wall, store::store& db);

  // The windows in force (start, reload). Alerts held by a window that no longer covers its
  // monitor are sent now.
  void set_windows(std::vector<core::maintenance_window> windows);

  // Whether a window covers the monitor now.
  bool in_maintenance(const monitor_entry& m) const;
  // The monitor's maintenance within [from, to), in order, not overlapping (for uptime ratios,
  // which do not count it).
  std::vector<core::time_span> spans(const monitor_entry& m, core::utc_time from, core::utc_time to) const;
  bool any() const { return !windows_.empty(); }

  void stop();

 private:
  void update();   // re-reads which windows are open, releases what closed, re-arms the timer
  void release_held();

  registry& monitors_;
  alerts& alerts_;
  wall_clock& wall_;
  store::store& db_;
  std::vector<core::maintenance_window> windows_;
  std::vector<const core::maintenance_window*> open_;  // open now (as of the last update)
  net::steady_timer timer_;
  bool stopping_ = false;
};

}  // namespace uptime::monitors
