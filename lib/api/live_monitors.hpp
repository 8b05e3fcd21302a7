// The running monitors as the management API, badges and metrics show them: a monitor_view
// (monitor_json.hpp) of a registry entry with what the entry does not hold itself — its
// uptime ratios (monitors/status_history.hpp, maintenance not counted), whether a maintenance
// window covers it, its badge key — and the groups. Io thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/badge_keys.hpp"
#include "api/monitor_json.hpp"
#include "monitors/engine.hpp"

namespace uptime::api {

// A group of monitors and how many are in each status.
struct group_summary {
  std::string name;
  std::string_view status;  // "down" if any is down, else "up" if any is up, else "pending"/"paused"
  std::int64_t up = 0, down = 0, pending = 0, paused = 0;
};

class live_monitors {
 public:
  explicit live_monitors(monitors::engine& e) : engine_(e) {}

  monitors::engine& engine() { return engine_; }
  // The public base URL (push and badge URLs); replaced at a reload.
  void set_base_url(std::string url) { base_url_ = std::move(url); }
  const std::string& base_url() const { return base_url_; }

  // The view of `m` at `now`; `badge_key` receives the key the view points at, so it must
  // outlive the view's use.
  monitor_view view(const monitors::monitor_entry& m, core::utc_time now, std::string& badge_key);

  // Badge keys, derived from the secret the store keeps (known once the engine started).
  const badge_keys& badges();
  std::string group_badge_key(std::string_view group) { return badges().group_key(group); }

  // Every group with at least one monitor, by name ("" is the monitors without one).
  std::vector<group_summary> groups();

 private:
  monitors::engine& engine_;
  std::string base_url_;
  std::unique_ptr<badge_keys> badges_;
};

}  // namespace uptime::api
