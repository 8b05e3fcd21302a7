// What uptime-monitor reads and writes in its database, as plain functions on a connection:
// monitor identity and state, push history, state changes, check results, the server's
// liveness record, and retention. No threads here: the writer (writer.hpp) calls these inside
// its group-commit transactions; CLI commands call the read functions directly.
//
// Push state written behind. A push appends its push_history row and nothing else: that row
// is what makes the push durable before it is acknowledged. The monitor's push fields in
// push_monitors (last_push_at, next_expected_at, push_count, last_message, open_runs,
// consecutive_failures) are snapshots the server writes a moment later, many pushes per
// monitor coalesced into one write; each snapshot carries a state_version, so an older one
// never overwrites a newer one whatever order they commit in. server_meta's
// state_flushed_through is a push_history id up to which every push is reflected in the
// snapshots; the few pushes after it (a crash between a push and its snapshot) are replayed
// through core::on_push when the monitors are read (sync_monitors, load_monitors). Status
// changes are never written behind: they are written with the push or deadline that causes
// them, with their alerts.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/monitor.hpp"
#include "core/time.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace uptime::store {

// Gives every declared monitor its permanent id (assigned the first time its name is seen)
// and a secret, saves the declared fields and rules, disables every monitor no longer
// declared, and returns the declared monitors with their stored state. Caller owns the
// transaction.
// A deque: the caller can free the records one by one as it takes them over (100,000 at once
// are tens of megabytes).
std::deque<monitor_record> sync_monitors(connection& c,
                                          const std::vector<monitor_declaration>& declared,
                                          core::utc_time now);

// Every monitor in the database (for the `monitors` command), enabled or not.
std::vector<monitor_record> load_monitors(connection& c);


// Saves a monitor's status (monitors) and, unless a newer snapshot is already stored, its push
// fields (push_monitors).
void save_state(connection& c, const state_snapshot& s);
// Only the push fields (the periodic write-behind of monitors whose status did not change).
void save_push_fields(connection& c, const state_snapshot& s);

// Where the write-behind stands: every push_history row with an id <= this is reflected in
// the push_monitors snapshots. history_end is the largest push_history id (0 when empty).
void set_state_flushed_through(connection& c, std::int64_t history_id);
std::int64_t history_end(connection& c);


// Records one push: its push_history row (status = success|failure|start|log), appended. The
// monitor's push fields follow in a snapshot (see the top of this file).
void write_push(connection& c, const push_row& p);

// A status change: a state_changes row, a check_results row, and (unless nullptr) the
// monitor's state after it. `status_only`: only the status fields changed (a missed
// deadline), so the push_monitors row is left as it is.
void write_transition(connection& c, monitor_id id, const core::transition& t,
                      const state_snapshot* after, bool status_only = false);

// The status fields alone (monitors.status, status_since, status_reason).
void save_status(connection& c, monitor_id id, const core::monitor_state& s);

// A periodic check's result row.
void write_check(connection& c, monitor_id id, core::utc_time at, core::monitor_status status,
                 const std::string& error_message);

// The liveness record ("the server was running at …") and its reading at start.
void record_alive(connection& c, core::utc_time now);
std::optional<core::utc_time> last_alive(connection& c);

// Every push monitor's current key (re-read when another process changed the database).
std::vector<std::pair<monitor_id, std::string>> read_secrets(connection& c);


// One bounded step of pruning: rows older than the retention age (at most `limit` per table),
// and the check results beyond the per-monitor maximum for monitors with id >= `from_monitor`
// (at most `monitors_per_step` of them). Returns the monitor id to continue from (0 = wrapped).
struct prune_step_result {
  std::int64_t rows_deleted = 0;
  monitor_id next_monitor = 0;
};
prune_step_result prune_step(connection& c, const retention& r, core::utc_time now,
                             monitor_id from_monitor, int limit = 5000, int monitors_per_step = 200);

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
