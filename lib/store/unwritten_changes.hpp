// State changes the database refused (a full disk, a lock held elsewhere), kept in memory
// until it takes them, and the pace of the one loop that retries them all: one queue, written
// in id order a batch at a time, with a delay that doubles after each failed attempt (1 s up
// to 30 s) and starts over after a success. One loop, not a retry per failed write: with the
// disk full, 250,000 failed pushes must not become 250,000 timers and a log line each.
//
// The must-commit lane of every store implementation: the store puts here the changes
// (store.hpp change_row) of a batch that did not commit, takes them out again to write them,
// before anything newer of the same monitor, and retries the rest in batches. No I/O and no
// clock: the store arms its one timer with next_delay(). A monitor's changes stay in order:
// whatever is taken and comes back (a failed write) goes in front of what was added
// meanwhile. Io thread only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/monitor.hpp"
#include "store/sqlite/outbox.hpp"

namespace uptime::store {

class unwritten_changes {
 public:
  static constexpr std::chrono::milliseconds first_delay{1000};
  static constexpr std::chrono::milliseconds max_delay{30000};

  // A monitor's changes, oldest first.
  struct item {
    monitor_id id = 0;
    std::vector<change_row> changes;
  };

  bool empty() const { return pending_.empty(); }
  std::size_t monitors() const { return pending_.size(); }
  bool has(monitor_id id) const { return !pending_.empty() && pending_.count(id) > 0; }

  // Behind the monitor's other unwritten changes. A state alone (no transition, no alerts)
  // right behind another state alone replaces it: only the newest state needs writing.
  void add(change_row change) {
    auto& list = pending_[change.id];
    if (!list.empty() && is_state_alone(list.back()) && is_state_alone(change))
      list.back() = std::move(change);
    else
      list.push_back(std::move(change));
  }

  // All of one monitor's (a push of it writes them before itself, to keep them in order).
  std::optional<item> take(monitor_id id) {
    const auto it = pending_.find(id);
    if (it == pending_.end()) return std::nullopt;
    item out{id, std::move(it->second)};
    pending_.erase(it);
    return out;
  }

  // Up to `max_monitors` monitors' changes, in id order (neighbouring rows share pages).
  std::vector<item> take_batch(std::size_t max_monitors) {
    std::vector<item> out;
    out.reserve(std::min(max_monitors, pending_.size()));
    while (!pending_.empty() && out.size() < max_monitors) {
      auto it = pending_.begin();
      out.push_back({it->first, std::move(it->second)});
      pending_.erase(it);
    }
    return out;
  }

  // What was taken and not written goes back in front of what was added since.
  void put_back(item taken) {
    auto& now = pending_[taken.id];
    taken.changes.insert(taken.changes.end(), std::make_move_iterator(now.begin()),
                         std::make_move_iterator(now.end()));
    now = std::move(taken.changes);
  }

  // The pace of the retry loop: how long to wait before the next attempt.
  std::chrono::milliseconds next_delay() const { return delay_; }
  void attempt_failed() { delay_ = std::min(max_delay, delay_ * 2); }
  void attempt_succeeded() { delay_ = first_delay; }

 private:
  static bool is_state_alone(const change_row& c) {
    return !c.transition && c.alerts.empty() && c.after && !c.status_only;
  }

  std::map<monitor_id, std::vector<change_row>> pending_;
  std::chrono::milliseconds delay_ = first_delay;
};

}  // namespace uptime::store
