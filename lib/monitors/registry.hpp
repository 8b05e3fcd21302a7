// The monitor registry: every enabled monitor in memory, authoritative for its state while the
// server runs, and the two ways that state reaches the store: state changes saved at once
// (must-commit) and push fields written behind (the dirty list, for write_behind.hpp). The
// roles that act on monitors (push.hpp, deadlines.hpp, periodic.hpp, write_behind.hpp) find
// them here. Io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "core/kinds.hpp"
#include "core/monitor.hpp"
#include "monitors/status_history.hpp"
#include "net.hpp"
#include "store/store.hpp"
#include "util/secret.hpp"

namespace uptime::monitors {

using store::monitor_id;
using steady = std::chrono::steady_clock;

// Everything the io thread knows about one enabled monitor. What a push reads and writes
// comes first, so that with 100,000 monitors pushed at random a push touches few cache lines
// of its entry; the rest (names, alerting, the timer itself) follows.
struct monitor_entry {
  explicit monitor_entry(net::io_context& io) : deadline_timer(io) {}
  // ---- read or written by every push
  monitor_id id = 0;
  // Its kind's rules (core/kinds.hpp): every decision about the monitor goes through them.
  const core::kind_rules* kind = &core::rules_of(core::monitor_kind::push);
  bool require_payload = false;
  bool dirty = false;                  // pushed since the last snapshot (queued in the dirty list)
  bool timer_armed = false;
  steady::time_point timer_fires_at;
  std::int64_t push_count = 0;
  util::stored_secret secret_key;
  core::monitor_rules rules;
  core::monitor_state state;
  std::string last_message;            // of the last push
  // ---- the rest
  std::int64_t state_version = 0;      // of the last snapshot taken for the store
  std::uint64_t timer_generation = 0;  // a wait whose generation is stale is ignored
  std::string name;
  std::string group;
  std::chrono::seconds check_interval{0};  // set (and the first check queued) by periodic::schedule
  steady::time_point next_check;       // the one live entry in the check queue
  std::vector<std::string> channels;   // notification channel names
  bool alert_on_down = true;
  bool alert_on_up = true;
  std::chrono::seconds remind_every{0};
  std::optional<core::utc_time> last_reminder;  // the reminder instant already sent
  // Waits for the deadline while UP, for the next reminder while DOWN. Bound to the
  // io_context's own executor type: any_io_executor would add 40 bytes to each of 100,000.
  net::basic_waitable_timer<steady, net::wait_traits<steady>, net::io_context::executor_type> deadline_timer;
};

class registry {
 public:
  using map = boost::unordered_flat_map<monitor_id, std::unique_ptr<monitor_entry>>;

  registry(net::io_context& io, store::store& db) : io_(io), db_(db) {}

  // nullptr when no enabled monitor has this id.
  monitor_entry* find(monitor_id id) {
    const auto it = monitors_.find(id);
    return it == monitors_.end() ? nullptr : it->second.get();
  }
  // A monitor as the store knows it, with its stored state (settings come after: engine.hpp).
  monitor_entry& add(const store::monitor_record& r);
  // Forgets the monitor (removed from the config or disabled); its last pushes are saved first.
  void remove(map::iterator it);

  std::size_t size() const { return monitors_.size(); }
  map::iterator begin() { return monitors_.begin(); }
  map::iterator end() { return monitors_.end(); }
  // Every monitor's id, ascending (the API lists and pages in this order). Rebuilt after a
  // start or reload changed the set, not per call.
  const std::vector<monitor_id>& ids_in_order();

  // Recent status changes (uptime ratios). Every change goes through note_change.
  const status_history& history() const { return history_; }
  status_history& history() { return history_; }
  void note_change(monitor_id id, const core::transition& t) { history_.record(id, t); }

  // ---- the monitor's state, to the store

  // The monitor as it is now: a new version, so it wins over every snapshot taken before it,
  // and the monitor is clean until its next push.
  store::state_snapshot snapshot(monitor_entry& m);
  // For a status-only write: the push fields are not written, so no version is used up.
  static store::state_snapshot status_of(const monitor_entry& m);

  // A transition, its alerts (in the same transaction) and the monitor's state after it; with
  // no transition, only the alerts (reminders). Must-commit: the store writes them however
  // long the database refuses.
  // With `done`, it is also an answer someone waits for (the API's pause): committed in the
  // interactive lane, and `done` says whether it is written (if not, it still will be).
  void save_change(monitor_id id, std::optional<core::transition> t, std::vector<store::outbox_row> alerts,
                   bool status_only = false, store::store::done_fn done = {});
  // The monitor's state alone (re-timed rules, a shift for an outage).
  void save_state(monitor_id id);

  // ---- the write-behind's list: monitors pushed since their last snapshot

  void mark_dirty(monitor_entry& m) {
    if (m.dirty) return;
    m.dirty = true;
    dirty_.push_back(m.id);
  }
  std::size_t dirty_count() const { return dirty_.size(); }
  // The list, emptied; room is kept for about as many by the next round.
  std::vector<monitor_id> take_dirty();

 private:
  net::io_context& io_;
  store::store& db_;
  // Open addressing, one probe of a flat array per lookup: with 100,000 monitors pushed at
  // random, std::unordered_map's bucket -> node -> entry chain cost three cache misses a push.
  map monitors_;
  std::vector<monitor_id> dirty_;
  std::vector<monitor_id> ordered_;
  bool ordered_stale_ = true;
  status_history history_;
};

}  // namespace uptime::monitors
