// What uptime-monitor reads and writes in its database, as plain functions on a connection:
// monitor identity and state, push history, state changes, check results, the server's
// liveness record, and retention. No threads here: the SQLite store (sqlite_store.cpp) calls
// these inside the writer's group-commit transactions, and the reads on its reader thread.
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
std::int64_t state_flushed_through(connection& c);
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
// A monitor's new push key.
void save_secret(connection& c, monitor_id id, std::string_view secret_key);
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


}  // namespace uptime::store
