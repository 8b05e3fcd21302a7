// Views of the running monitors (see live_monitors.hpp).
#include "api/live_monitors.hpp"

#include <algorithm>
#include <map>

namespace uptime::api {

monitor_view live_monitors::view(const monitors::monitor_entry& m, core::utc_time now, std::string& badge_key) {
  monitor_view v;
  v.id = m.id;
  v.name = m.name;
  v.group = m.group;
  v.type = m.kind->name;
  v.state = &m.state;
  v.push_count = m.push_count;
  v.last_message = m.last_message;
  v.secret_key = m.secret_key.view();
  auto& windows = engine_.maintenance_windows();
  v.in_maintenance = windows.any() && windows.in_maintenance(m);
  std::vector<core::time_span> maintenance;
  if (windows.any())
    maintenance = windows.spans(m, now - monitors::status_history::kept, now);
  const auto& history = engine_.monitors().history();
  using std::chrono::days;
  v.uptime_24h = history.uptime(m.id, m.state.status, now, days(1), maintenance);
  v.uptime_7d = history.uptime(m.id, m.state.status, now, days(7), maintenance);
  v.uptime_30d = history.uptime(m.id, m.state.status, now, days(30), maintenance);
  badge_key = badges().monitor_key(m.id);
  v.badge_key = badge_key;
  return v;
}

const badge_keys& live_monitors::badges() {
  if (!badges_) badges_ = std::make_unique<badge_keys>(engine_.badge_secret());
  return *badges_;
}

std::vector<group_summary> live_monitors::groups() {
  std::map<std::string_view, group_summary> by_name;
  for (const auto& [id, entry] : engine_.monitors()) {
    auto& g = by_name[entry->group];
    switch (entry->state.status) {
      case core::monitor_status::up: ++g.up; break;
      case core::monitor_status::down: ++g.down; break;
      case core::monitor_status::pending: ++g.pending; break;
      case core::monitor_status::paused: ++g.paused; break;
    }
  }
  std::vector<group_summary> out;
  out.reserve(by_name.size());
  for (auto& [name, g] : by_name) {
    g.name = std::string(name);
    g.status = g.down ? "down" : g.up ? "up" : g.pending ? "pending" : "paused";
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace uptime::api
