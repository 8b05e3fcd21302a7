// Pausing and resuming a monitor, as pure functions of its state and `now` (the API's
// POST …/pause and …/resume). A paused monitor never goes DOWN and alerts nothing; its pushes
// are still recorded. It comes back when resumed, or with its next finished push unless its
// rules say manual_resume (core::on_push). Each is a status change of its own, recorded like
// the others but alerting nobody: the people watching paused it themselves.
#pragma once

#include <optional>

#include "core/monitor.hpp"

namespace uptime::core {

struct status_change {
  monitor_state state;
  transition change;
};

// Pauses the monitor at `now`: the status it had is kept for the resume, open runs are
// forgotten (their time limits would fire the moment it resumes). nullopt if already paused.
std::optional<status_change> pause(const monitor_state& s, utc_time now);

// Resumes it at `now`: back to the status it had before the pause (a DOWN stays DOWN until a
// push), an UP one with its next deadline counted from `now`. nullopt if it is not paused.
std::optional<status_change> resume(const monitor_state& s, const monitor_rules& r, utc_time now);

}  // namespace uptime::core
