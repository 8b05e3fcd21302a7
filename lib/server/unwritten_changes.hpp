// State changes the database refused (a full disk, a lock held elsewhere), kept in memory
// until it takes them, and the pace of the one loop that retries them all. Before, each
// failed write retried itself every second for ever: with the disk full, 250,000 failed
// pushes became 250,000 timers and a log line each, on both cores, while someone tried to
// free the disk. Now there is one queue, written in id order a batch at a time, with a delay
// that doubles after each failed attempt (1 s up to 30 s) and starts over after a success.
//
// No I/O and no clock: server.cpp takes batches, writes them, reports the outcome and arms
// its one timer with next_delay(). A monitor's changes stay in order: whatever is taken and
// comes back (a failed write) goes in front of what was added meanwhile. Io thread only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/monitor.hpp"
#include "store/outbox.hpp"

namespace uptime::server {

// One state change (or a reminder: no transition, only alerts) with its outbox rows.
struct unwritten_change {
  std::optional<core::transition> transition;
  std::vector<store::outbox_row> alerts;
};

class unwritten_changes {
 public:
  using monitor_id = std::int64_t;
  static constexpr std::chrono::milliseconds first_delay{1000};
  static constexpr std::chrono::milliseconds max_delay{30000};

  // A monitor's changes (possibly none: then only its current state is to be saved).
  struct item {
    monitor_id id = 0;
    std::vector<unwritten_change> changes;
  };

  bool empty() const { return pending_.empty(); }
  std::size_t monitors() const { return pending_.size(); }
  bool has(monitor_id id) const { return !pending_.empty() && pending_.count(id) > 0; }

  // Behind the monitor's other unwritten changes.
  void add(monitor_id id, unwritten_change change) { pending_[id].push_back(std::move(change)); }
  // The monitor's state must be saved (its changes, if any, are saved with it).
  void add_state(monitor_id id) { pending_.try_emplace(id); }

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
  std::map<monitor_id, std::vector<unwritten_change>> pending_;
  std::chrono::milliseconds delay_ = first_delay;
};

}  // namespace uptime::server
