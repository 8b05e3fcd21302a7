// The push history sweep: push_history is appended to by every push and kept to each
// monitor's newest N rows by a sweep in id order, in small windows, so that the push path
// maintains no index keyed on monitor (see schema.cpp). Writer thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace uptime::store {

// How far behind the newest push_history row the sweep's per-push work looks: a quarter of a
// turn of the table (keep × monitors) more than one turn, where under a steady load nearly
// every row is past its monitor's newest `keep`, so whole pages go at once.
constexpr std::int64_t history_sweep_trail(int keep, std::size_t monitors) {
  return static_cast<std::int64_t>(keep) * static_cast<std::int64_t>(monitors) * 5 / 4;
}

// Keeps push_history to each monitor's newest `keep` pushes, sweeping the table in id order a
// window at a time (so the push path stays an append, with no index keyed on monitor to
// maintain). A row goes when its seq is at least `keep` below the newest seq written for its
// monitor, which this object remembers from record() (a lookup in push_monitors for every
// row looked at cost as much as the push's own insert). Rows after state_flushed_through are
// never deleted: a crash may need them replayed. Used only on the writer thread (record() and
// step() run in writer jobs); if a transaction with record() in it rolls back, a monitor may
// keep a few rows fewer than `keep` for a while, never more rows than it should.
class history_sweep {
 public:
  // write_push, and remember the row's seq as its monitor's newest (until transaction_ended
  // says the transaction rolled back).
  void record(connection& c, const push_row& row);
  // After every transaction of the connection record() ran on (writer::transaction_end_hook):
  // a rollback takes back what its record() calls remembered. Else rows that were never
  // written (pushes answered 500 during an outage) would raise a monitor's newest seq, and the
  // sweep would delete rows that are among its newest `keep`.
  void transaction_ended(bool committed);
  // Looks at the next `window` rows and deletes those past their monitor's newest `keep`.
  // Returns the last id of the window (0: none); the next step starts after it, or, once a
  // step reached the end, over from the oldest rows. Defines the SQL function
  // uptime_history_floor on `c`, which refers to this object: it must outlive its steps. The position is kept here, so steps queued
  // before earlier ones ran never look at the same rows twice.
  // `trail`: rows this close to the newest are not looked at yet. Set to a little more than
  // one turn of the table (keep × monitors), the rows a step looks at are nearly all past
  // their monitor's newest `keep` under a steady load: whole pages go at once, instead of
  // each page being rewritten once for every few of its rows that went. Steps with a trail
  // and steps without one (which keep every monitor at exactly `keep`) have positions of
  // their own.
  std::int64_t step(connection& c, int keep, int window, std::int64_t trail = 0);

 private:
  // The newest seq of `id`: from record(), else (first look since start) its stored
  // push_count, which is never ahead of its rows. nullopt for a monitor no longer stored.
  std::optional<std::int64_t> newest_seq(connection& c, monitor_id id);

  // SQL uptime_history_floor(monitor_id, keep): the highest seq of that monitor that may go.
  static void floor_function(sqlite3_context* ctx, int argc, sqlite3_value** args);

  std::vector<std::int64_t> newest_by_id_;  // indexed by monitor id; -1: not known yet
  // (slot, value before) for each record() of the transaction under way, to roll it back.
  std::vector<std::pair<std::size_t, std::int64_t>> undo_;
  std::int64_t next_after_[2] = {0, 0};     // the next step looks at ids after this: [trailing]
  sqlite3* registered_on_ = nullptr;        // the connection uptime_history_floor is defined on
  connection* current_ = nullptr;           // the connection of the step running
};

}  // namespace uptime::store
