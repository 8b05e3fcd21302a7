// The store: what uptime-monitor keeps, at the level of monitors and pushes, not SQL. Writes
// are values (a `batch`: push rows, state changes with their alerts, state snapshots, check
// rows, delivery outcomes, the liveness mark) committed all or nothing with commit(); reads
// the server, the API and the CLI need are methods. The only implementation today is SQLite
// (store/sqlite/); nothing outside that folder knows it is SQL, so a second implementation
// (PostgreSQL) is added without touching any caller. open_store() picks one.
//
// Push state is written behind. A push's batch carries its push row and nothing else of the
// monitor unless its status changed: that row is what makes the push durable before it is
// acknowledged. The monitor's push fields (last push, next deadline, count, message, runs) go
// in `push_fields` snapshots a moment later, many pushes per monitor coalesced into one; each
// snapshot has a version, so an older one never overwrites a newer one whatever order they
// commit in. A write-behind round starts with `round_start` (the store notes how far the push
// history goes) and ends with `round_end` (every push up to there is in the snapshots); pushes
// after the last round's mark are replayed through core::on_push when monitors are loaded, so
// a crash between a push and its snapshot loses nothing.
//
// State changes are never written behind, and never lost: the `changes` of any batch are
// must-commit. If the database refuses them (a full disk, a lock held elsewhere) the
// store keeps them and retries (one loop, backoff 1 s to 30 s, in monitor order), writes a
// monitor's kept changes before anything newer of that monitor, and gives committed alerts to
// the `alerts_committed` event however late they were written.
//
// Thread contract: every method is called on the io thread (the executor given to
// open_store); completions and events run there too. The store does its blocking work on
// threads of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/monitor.hpp"
#include "core/time.hpp"
#include "net.hpp"
#include "util/histogram.hpp"
#include "util/move_only_function.hpp"

namespace uptime::store {

using monitor_id = std::int64_t;

// ---- what is stored ---------------------------------------------------------------------

// A monitor as the configuration declares it.
struct monitor_declaration {
  std::string name;
  std::string type = "push";
  std::string group;
  bool enabled = true;
  core::monitor_rules rules;
  std::string schedule_key;  // "<cron> <zone>" when rules.schedule is set, else ""
};

// How a schedule is stored: "<cron> <zone>" ("" for none). Compared at each start and reload
// to see whether a monitor's schedule changed.
std::string schedule_key(std::string_view cron_text, std::string_view zone_name);

// A monitor as the store knows it.
struct monitor_record {
  monitor_id id = 0;
  std::string name;
  std::string type;
  std::string group;
  bool enabled = true;
  std::string secret_key;
  core::monitor_state state;
  core::monitor_rules rules;      // as declared now (already saved); list_monitors: interval, grace, schedule
  bool rules_changed = false;     // the stored rules differed: re-arm the deadline
  bool created = false;           // first time this name was seen
  std::int64_t push_count = 0;    // pushes ever received (the push history ring's cursor)
  std::int64_t state_version = 0; // of the stored snapshot (see the top of this file)
  std::string last_message;
  bool replayed = false;          // pushes newer than the stored snapshot were applied to `state`
};

// A monitor's state as the server holds it, to be saved: `version` must be larger than that
// of any snapshot of this monitor taken before (a stale snapshot's push fields are not
// written). Version 0: only the status is written.
struct state_snapshot {
  monitor_id id = 0;
  std::int64_t version = 0;
  std::int64_t push_count = 0;
  std::string last_message;
  core::monitor_state state;
};

// One push, as kept in the push history (the newest `push_history_per_monitor` per monitor).
struct push_row {
  monitor_id id = 0;
  std::int64_t seq = 0;            // this push's number: push_count after it
  core::utc_time received_at;
  std::string method;
  std::string source_address;
  std::string user_agent;
  core::push_signal signal = core::push_signal::success;  // failure includes min_runtime
  std::optional<int> exit_code;
  std::string run_id;
  std::optional<std::chrono::milliseconds> duration;
  std::string message;
  std::string payload;
};

// An alert waiting to be delivered (the outbox), written with the state change that causes it.
struct outbox_row {
  std::int64_t id = 0;           // given by the store when committed
  std::string alert_id;          // unique, stable across retries (receivers de-duplicate on it)
  std::int64_t monitor_id = 0;
  std::string channel;           // channel name from the config
  std::string event;             // down | up | reminder | test
  core::utc_time created_at;
  std::string alert;             // the alert, as JSON (notify/alert_json.hpp)
  int attempts = 0;
  core::utc_time next_attempt_at;
  std::string last_error;
  std::string status = "pending";  // pending | delivered | failed (given up); reads only
  std::optional<core::utc_time> delivered_at;  // reads only
  std::optional<core::utc_time> given_up_at;   // reads only
};

// A monitor's new push key (rotated through the API).
struct secret_row {
  monitor_id id = 0;
  std::string secret_key;
};

// A state change of one monitor (or a reminder: alerts and no transition), with the alerts
// it causes and the monitor's state after it.
struct change_row {
  monitor_id id = 0;
  std::optional<core::transition> transition;  // also a check result row at the same instant
  std::optional<state_snapshot> after;
  bool status_only = false;  // `after`'s push fields did not change (a missed deadline)
  std::vector<outbox_row> alerts;
};

// A periodic check's result.
struct check_row {
  monitor_id id = 0;
  core::utc_time at;
  core::monitor_status status = core::monitor_status::pending;
  std::string error;
};

// What became of one delivery attempt of an outbox row.
struct delivery_row {
  enum class outcome { delivered, failed_attempt, given_up };
  std::int64_t outbox_id = 0;
  outcome what = outcome::delivered;
  int attempts = 0;
  core::utc_time at;  // delivered or given up at; for a failed attempt, the next attempt's time
  std::string error;
};

// How far the push history went when a write-behind round started (filled in by the store).
struct write_behind_mark {
  std::int64_t history_end = 0;
};

// A set of writes committed together, all or nothing (LevelDB's WriteBatch).
struct batch {
  std::optional<push_row> push;
  std::vector<change_row> changes;        // must-commit (a state alone: no transition, no alerts)
  std::vector<state_snapshot> push_fields;  // the write-behind: push fields only
  std::vector<check_row> checks;
  std::vector<delivery_row> deliveries;
  std::vector<secret_row> secrets;
  std::optional<core::utc_time> alive;    // "the server was running at …"
  std::shared_ptr<write_behind_mark> round_start;       // filled when committed
  std::shared_ptr<const write_behind_mark> round_end;   // pushes up to here are in snapshots

  bool has_must_commit() const { return !changes.empty(); }
  // About how many rows it writes (the writer time-boxes background work by this).
  std::size_t weight() const {
    return std::max<std::size_t>(1, (push ? 1 : 0) + changes.size() +
                                        push_fields.size() + checks.size() + deliveries.size() +
                                        secrets.size());
  }
};

// ---- reads --------------------------------------------------------------------------------

// A status change as recorded.
struct change_record {
  core::utc_time at;
  core::monitor_status from = core::monitor_status::pending;
  core::monitor_status to = core::monitor_status::pending;
  std::string reason;
};

// A status change of some monitor.
struct monitor_change {
  monitor_id id = 0;
  core::utc_time at;
  core::monitor_status from = core::monitor_status::pending;
  core::monitor_status to = core::monitor_status::pending;
};

// What a start needs: every declared monitor with its id, secret and stored state, when the
// server was last alive, the alerts not yet delivered, and the secret badge keys are derived
// from.
struct start_state {
  std::deque<monitor_record> monitors;  // freed one by one as the registry takes them over
  std::optional<core::utc_time> last_alive;
  std::vector<outbox_row> undelivered;
  std::string badge_secret;
};

struct retention {
  int days = 30;
  int max_check_results = 10000;
  int push_history_per_monitor = 100;
};

// ---- the interface ----------------------------------------------------------------------

class store {
 public:
  // interactive: someone waits for the answer (a push, /health): into the next transaction.
  // background: everything else, time-boxed so a burst never holds a push up for long.
  // must_commit: state changes found by timers (deadlines, reminders, re-timed rules): the
  //   store retries them until written; `done` is not used (pass nothing).
  // Batches of one lane keep their order; the store keeps one monitor's state changes in
  // order across lanes.
  enum class lane { interactive, background, must_commit };
  // Called once, on the io thread: ok = everything in the batch was written; false = nothing
  // but its must-commit part (which the store keeps retrying) will be.
  using done_fn = util::move_only_function<void(bool ok)>;

  template <typename T>
  using read_fn = util::move_only_function<void(std::optional<T>)>;  // nullopt: the read failed

  virtual ~store() = default;

  virtual void commit(batch b, lane l, done_fn done = {}) = 0;

  // Gives every declared monitor its permanent id (assigned the first time its name is seen)
  // and a secret, saves the declared fields and rules, disables every monitor no longer
  // declared. start() also reads what a start needs; sync() (a reload) returns the monitors.
  virtual void start(std::vector<monitor_declaration> declared, core::utc_time now,
                     read_fn<start_state> done) = 0;
  virtual void sync(std::vector<monitor_declaration> declared, core::utc_time now,
                    read_fn<std::deque<monitor_record>> done) = 0;

  // Every monitor ever declared, enabled or not, in id order.
  virtual void list_monitors(read_fn<std::vector<monitor_record>> done) = 0;
  // A monitor's newest pushes (at most `limit`) with a number (seq) below `before` if given,
  // newest first.
  virtual void push_history(monitor_id id, std::size_t limit, std::optional<std::int64_t> before,
                            read_fn<std::vector<push_row>> done) = 0;
  // A monitor's newest status changes (at most `limit`), newest first.
  virtual void state_changes(monitor_id id, std::size_t limit,
                             read_fn<std::vector<change_record>> done) = 0;
  // Every monitor's status changes at or after `since`, oldest first (uptime ratios; read
  // once the server is listening, so a start does not wait for it).
  virtual void changes_since(core::utc_time since, read_fn<std::vector<monitor_change>> done) = 0;
  // A monitor's newest alerts and what became of them (at most `limit`), newest first.
  virtual void deliveries(monitor_id id, std::size_t limit, read_fn<std::vector<outbox_row>> done) = 0;

  // Retention of what grows with time, applied by the store's own housekeeping.
  virtual void set_retention(const retention& r) = 0;

  // True from a failed transaction to the next one that commits: optional work (write-behind
  // rounds, check rows) holds back meanwhile.
  virtual bool failing() const = 0;
  // Background batches waiting: a producer of many (an expiry storm) waits while this is
  // large, so the queue and its memory stay bounded.
  virtual std::size_t backlog() const = 0;
  // Monitors whose state changes the database has refused so far (0 but during an outage).
  virtual std::size_t unwritten_monitors() const = 0;
  // How long each write transaction took, start to commit (for /metrics). Any thread. A store
  // that does not time its transactions keeps the default: always empty.
  virtual const util::histogram& commit_seconds() const;

  // Commits everything queued (one last attempt at what was refused), then stops. Io thread,
  // or once nothing runs it any more. Idempotent.
  virtual void stop() = 0;
};

inline const util::histogram& store::commit_seconds() const {
  static const util::histogram none{std::vector<double>{}};
  return none;
}

// Events the store raises, on the io thread.
struct store_events {
  // Alerts just committed, with their ids: hand them to the dispatcher.
  std::function<void(std::vector<outbox_row>)> alerts_committed;
  // Another process changed the database (a user's `sqlite3 … UPDATE push_monitors SET
  // secret_key=…`): every monitor's current key.
  std::function<void(std::vector<std::pair<monitor_id, std::string>>)> secrets_changed;
};

struct store_settings {
  std::filesystem::path path;  // the SQLite file
  int busy_timeout_ms = 5000;
  bool synchronous_full = false;
  retention keep;
  bool read_only = false;  // for CLI reads: commit() and start() are refused
};

// Opens the store (creating and migrating the database unless read_only). Throws
// std::runtime_error with a message for the user when it cannot; nothing is started then.
std::unique_ptr<store> open_store(const store_settings& settings, net::io_context::executor_type io,
                                  store_events events = {});

}  // namespace uptime::store
