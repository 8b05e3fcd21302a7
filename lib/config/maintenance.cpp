// Declared maintenance window -> core rule (see maintenance.hpp).
#include "config/maintenance.hpp"

#include <memory>

namespace uptime::config {

core::maintenance_window to_window(const maintenance_settings& s) {
  core::maintenance_window w;
  w.name = s.name;
  if (s.schedule) {
    w.schedule = std::make_shared<const core::cron_schedule>(*s.schedule);
    w.zone = s.zone;
    w.duration = s.duration;
  } else {
    w.start = s.start;
    w.end = s.end;
  }
  w.monitors = s.monitors;
  w.groups = s.groups;
  return w;
}

}  // namespace uptime::config
