// Badge keys to monitors and groups (see live_badges.hpp).
#include "api/live_badges.hpp"

namespace uptime::api {

namespace {
constexpr std::chrono::minutes group_map_refresh{1};
}  // namespace

std::optional<badge_subject> live_badges::find_badge(std::string_view badge_key) {
  if (const auto id = live_.badges().monitor_of(badge_key)) return monitor_badge(*id);
  if (!badge_keys::looks_like_group_key(badge_key)) return std::nullopt;
  const std::string key(badge_key);
  auto it = group_by_key_.find(key);
  const auto now = std::chrono::steady_clock::now();
  if (it == group_by_key_.end() && now - groups_read_at_ >= group_map_refresh) {
    groups_read_at_ = now;
    group_by_key_.clear();
    for (const auto& g : live_.groups()) group_by_key_.emplace(live_.group_badge_key(g.name), g.name);
    it = group_by_key_.find(key);
  }
  if (it == group_by_key_.end()) return std::nullopt;
  return group_badge(it->second);
}

std::optional<badge_subject> live_badges::monitor_badge(std::int64_t id) {
  auto* m = live_.engine().monitors().find(id);
  if (!m) return std::nullopt;
  std::string key;
  const auto view = live_.view(*m, live_.engine().wall().now(), key);
  return badge_subject{m->name, std::string(core::to_string(m->state.status)), view.uptime_30d};
}

std::optional<badge_subject> live_badges::group_badge(const std::string& group) {
  // The group's status as the API's groups list gives it; its uptime the mean of its
  // monitors' that have any.
  for (const auto& g : live_.groups()) {
    if (g.name != group) continue;
    double sum = 0;
    int counted = 0;
    const auto now = live_.engine().wall().now();
    std::string key;
    for (const auto& [id, m] : live_.engine().monitors()) {
      if (m->group != group) continue;
      if (const auto r = live_.view(*m, now, key).uptime_30d) {
        sum += *r;
        ++counted;
      }
    }
    return badge_subject{group.empty() ? std::string("monitors") : group, std::string(g.status),
                         counted ? std::optional<double>(sum / counted) : std::nullopt};
  }
  return std::nullopt;  // the group was removed by a reload
}

}  // namespace uptime::api
