// The badges' source (badges.hpp) over the running monitors: a monitor's badge key names it
// by id (badge_keys.hpp checks the HMAC); a group's key is looked up in a map of every group's
// key, rebuilt when a key is not found (a group added by a reload), at most once a minute
// however many unknown keys are tried. Io thread only.
#pragma once

#include <chrono>
#include <string>
#include <unordered_map>

#include "api/badges.hpp"
#include "api/live_monitors.hpp"

namespace uptime::api {

class live_badges final : public badge_source {
 public:
  explicit live_badges(live_monitors& live) : live_(live) {}
  std::optional<badge_subject> find_badge(std::string_view badge_key) override;

 private:
  std::optional<badge_subject> monitor_badge(std::int64_t id);
  std::optional<badge_subject> group_badge(const std::string& group);

  live_monitors& live_;
  std::unordered_map<std::string, std::string> group_by_key_;
  std::chrono::steady_clock::time_point groups_read_at_{};
};

}  // namespace uptime::api
