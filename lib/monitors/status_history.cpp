// Recent status changes per monitor and uptime ratios from them (see status_history.hpp).
#include "monitors/status_history.hpp"

#include <algorithm>
#include <utility>

#include "core/uptime.hpp"

namespace uptime::monitors {

void status_history::load(const std::vector<store::monitor_change>& changes) {
  // What was recorded while the read ran is newer: kept after what was read, without the
  // changes the read saw too.
  auto recorded = std::exchange(changes_, {});
  for (const auto& c : changes) changes_[c.id].push_back({c.at, c.from, c.to});
  for (auto& [id, later] : recorded) {
    auto& list = changes_[id];
    const auto last_read = list.empty() ? core::utc_time::min() : list.back().at;
    for (const auto& c : later)
      if (c.at > last_read) list.push_back(c);
  }
}

void status_history::record(store::monitor_id id, const core::transition& t) {
  auto& list = changes_[id];
  list.push_back({t.at, t.from, t.to});
  // Changes before the longest window say nothing the first one inside it does not (its
  // `from`); dropped in bulk, not one by one.
  const auto cutoff = t.at - kept;
  if (list.front().at < cutoff) {
    const auto first_kept = std::find_if(list.begin(), list.end(), [&](const change& c) { return c.at >= cutoff; });
    list.erase(list.begin(), first_kept);
  }
}

std::optional<double> status_history::uptime(store::monitor_id id, core::monitor_status current,
                                             core::utc_time now, std::chrono::milliseconds window,
                                             std::span<const core::time_span> excluded) const {
  const auto from = now - window;
  std::vector<core::status_point> points;
  core::monitor_status initial = current;
  if (const auto it = changes_.find(id); it != changes_.end() && !it->second.empty()) {
    const auto& list = it->second;
    // The status at `from`: what the last change before it led to, else what the first
    // change after it left.
    const auto after = std::find_if(list.begin(), list.end(), [&](const change& c) { return c.at >= from; });
    initial = after == list.begin() ? after->from : std::prev(after)->to;
    points.reserve(static_cast<std::size_t>(list.end() - after));
    for (auto c = after; c != list.end(); ++c) points.push_back({c->at, c->to});
  }
  return core::uptime_ratio(initial, points, from, now, excluded);
}

}  // namespace uptime::monitors
