// The "Push monitor initialized" line: written for every push monitor at start and for every
// monitor a reload adds. It is the documented way to find a monitor's push URL (and so its
// key), and the only log line that carries a secret; tests and users grep for it, so it has
// one writer.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <string_view>

namespace uptime::server {

inline void log_push_monitor_initialized(std::int64_t id, std::string_view name,
                                         std::string_view group, std::string_view status,
                                         std::string_view push_url) {
  spdlog::info("Push monitor initialized: id={} name=\"{}\" group=\"{}\" status={} url={}", id,
               name, group, status, push_url);
}

}  // namespace uptime::server
