// maintenance: the windows during which alerts are held, as declared: each recurring (a cron
// schedule in a time zone, with a duration) or one-off (start and end in UTC), covering named
// monitors and groups or every monitor. Internal to config/; read after monitors:, whose names
// and groups the windows refer to.
#pragma once

#include <vector>

#include "config/config.hpp"
#include "config/detail/reader.hpp"

namespace uptime::config::detail {

// Reads `e` (the maintenance: list) into `out`, checking the names it lists against `monitors`.
void parse_maintenance(reader& r, const entry& e, const std::vector<monitor_settings>& monitors,
                       std::vector<maintenance_settings>& out);

}  // namespace uptime::config::detail
