// A declared maintenance window (config.hpp's maintenance_settings) as the core rule that says
// when it is open (core/maintenance.hpp). Kept apart from config.hpp so that only the code that
// evaluates windows includes the core rule.
#pragma once

#include "config/config.hpp"
#include "core/maintenance.hpp"

namespace uptime::config {

// The window as core evaluates it: the schedule (shared, so copies of the window are cheap)
// with its zone and duration, or the one-off start and end; the names it covers as written.
core::maintenance_window to_window(const maintenance_settings& s);

}  // namespace uptime::config
