// The life of a push monitor as pure functions of its state, its rules and `now`:
// pending --push--> up --deadline passes--> down --successful push--> up, and a push that
// reports failure sends it DOWN at once (after `failures_before_down` in a row). Runs: a
// `start` signal opens a run that must finish within max_runtime; its finish gives the run's
// duration, and a run shorter than min_runtime is a failure. Deadlines follow either a fixed
// interval or a cron schedule in a time zone. No I/O, no clock: the shell reads the clock once
// per event and passes it in, then carries out what comes back (rows to write, timers to arm).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cron.hpp"
#include "core/time.hpp"

namespace uptime::core {

// paused: someone paused the monitor (core/pause.hpp); it never goes DOWN and alerts nothing
// until resumed.
enum class monitor_status { pending, up, down, paused };

// "pending", "up", "down", "paused": the values stored in the database and shown to users.
std::string_view to_string(monitor_status s);
std::optional<monitor_status> parse_status(std::string_view text);

struct monitor_rules {
  seconds expected_interval{60};
  seconds grace_period{0};
  // Instead of expected_interval: the job runs at these wall-clock times in `zone`. Held by
  // pointer: most monitors have none, and 100,000 rules should not each carry room for one.
  std::shared_ptr<const cron_schedule> schedule;
  const date::time_zone* zone = nullptr;  // required with a schedule; zones live forever
  seconds max_runtime{0};       // a started run must finish within this; 0 = grace_period (0: no limit)
  seconds min_runtime{0};       // a finished run shorter than this is a failure; 0 = no minimum
  int failures_before_down = 1; // failures in a row before DOWN
  bool manual_resume = false;   // a push does not resume a paused monitor (only the API does)
  friend bool operator==(const monitor_rules& a, const monitor_rules& b) {
    const bool same_schedule = a.schedule && b.schedule ? *a.schedule == *b.schedule : a.schedule == b.schedule;
    return same_schedule && a.expected_interval == b.expected_interval &&
           a.grace_period == b.grace_period && a.zone == b.zone && a.max_runtime == b.max_runtime &&
           a.min_runtime == b.min_runtime && a.failures_before_down == b.failures_before_down &&
           a.manual_resume == b.manual_resume;
  }
};

// A run announced by a `start` signal and not finished yet.
struct open_run {
  std::string run_id;  // "" when the start named none
  utc_time started_at;  // when it really started: durations are measured from here
  // Server outages while it ran: they move its time limit later, not its start.
  std::chrono::milliseconds paused{0};
  friend bool operator==(const open_run&, const open_run&) = default;
};

// At most this many runs are remembered as open; the oldest is forgotten first.
inline constexpr std::size_t max_open_runs = 16;

struct monitor_state {
  monitor_status status = monitor_status::pending;
  std::optional<utc_time> last_push_at;
  std::optional<utc_time> next_expected_at;  // the next push is due by this (+ server outages)
  std::optional<utc_time> status_since;      // when `status` was entered
  std::string reason;                        // why it is DOWN; empty otherwise
  std::vector<open_run> open_runs;           // oldest first
  int consecutive_failures = 0;
  // The last finished run's duration (a finish that matched a start).
  std::optional<std::chrono::milliseconds> last_duration;
  // While paused: the status to return to on resume.
  monitor_status paused_from = monitor_status::pending;
  // A DOWN that was not alerted because a maintenance window held it: alerted when the window
  // ends if still DOWN, forgotten if the monitor recovers first.
  bool alert_held = false;
  friend bool operator==(const monitor_state&, const monitor_state&) = default;
};

// A change of status, to be written (state_changes + check_results) and alerted on.
struct transition {
  monitor_status from;
  monitor_status to;
  utc_time at;
  std::string reason;
};

enum class push_signal { success, failure, start, log };
std::string_view to_string(push_signal s);  // "success", "failure", "start", "log"
std::optional<push_signal> parse_signal(std::string_view text);

// What a push says about the run that sent it.
struct push_report {
  push_signal signal = push_signal::success;
  std::string message;           // the body's message (or its raw text), may be empty
  std::optional<int> exit_code;  // from /<exit_code>: 0 success, 1-255 failure
  std::string run_id;            // ?rid=, pairs a start with its finish
};

// The answer to a push shows whole seconds: `received_at` is `now` cut to its second, and
// `next_expected_by` the enforced deadline, which is a whole second: the push's own instant
// (kept to the millisecond) + interval + grace, rounded up. So it is received_at + interval +
// grace for a push in the first millisecond of its second and one second more otherwise; the
// DOWN comes exactly at the deadline shown, never before interval + grace has passed.
struct push_outcome {
  monitor_state state;
  utc_time received_at;       // `now` cut to the second, as the answer and push_history show it
  utc_time next_expected_by;  // the deadline the monitor now answers to (a whole second)
  std::optional<transition> change;
  bool failure = false;       // this push counted as a failure (min_runtime included)
  std::optional<std::chrono::milliseconds> duration;  // a finished run with a matching start
};

struct deadline_outcome {
  monitor_state state;
  std::optional<transition> change;
};

// True for the body statuses that mean "the job failed": error, fail, failure, down (any case).
bool is_failure_status(std::string_view status);

// The next push is due by this, after a push at `last_push`: the interval (or the first
// scheduled time after it) plus grace, rounded up to the second. nullopt for a schedule that
// never fires again.
std::optional<utc_time> next_deadline(const monitor_rules& r, utc_time last_push);

// The longest a started run may take: max_runtime, else grace_period; zero means no limit.
seconds run_time_limit(const monitor_rules& r);

// The instant this monitor goes DOWN unless a push arrives first: its deadline while UP, or
// an open run's time limit (UP or pending); nullopt otherwise.
std::optional<utc_time> going_down_at(const monitor_state& s, const monitor_rules& r);

// What a push received at `now` does to the monitor: new state, its deadline, and a transition
// when the status changes.
push_outcome on_push(const monitor_state& s, const monitor_rules& r, const push_report& p,
                     utc_time now);

// A push the database holds but whose effect was not saved before the server stopped (push
// state is written behind): its fields (last push, deadline, runs, failure count) as on_push
// sets them, at the time it was received. The status stays as it is: a status change is saved
// with the push that causes it, so a push replayed here did not cause one. push_history holds
// whole seconds: pass latest_in_second() of its time, so the deadline the replay sets is never
// earlier than the one the server enforced before it stopped.
monitor_state replay_push(const monitor_state& s, const monitor_rules& r, const push_report& p,
                          utc_time received_at);

// Re-checks the deadlines at `now` (a timer fired or a periodic check ran): DOWN, with the
// reason, once now >= going_down_at; otherwise nothing changes. Safe to call at any time.
deadline_outcome on_deadline(const monitor_state& s, const monitor_rules& r, utc_time now);

// A state read back from the database, whose times are whole seconds: the last push moves to
// the last millisecond of its second (latest_in_second), so a deadline re-armed from it after
// a restart (a rules change) is never earlier than the one enforced before. The deadline
// itself is a whole second already and reads back exactly.
monitor_state from_whole_seconds(monitor_state s);

// The rules changed (config reload): the deadline is re-armed from the last push.
monitor_state apply_rules(const monitor_state& s, const monitor_rules& r);

// The server was not running between `last_alive` and `now`: a deadline that fell after
// `last_alive` moves later by the length of the outage (the job's pushes could not arrive),
// and so do the time limits of open runs that fell after it (their starts stay, so durations
// are true). A deadline at or before
// `last_alive` is left alone, so it is decided at once.
monitor_state shift_for_outage(const monitor_state& s, const monitor_rules& r,
                               utc_time last_alive, utc_time now);

// "No push since 2025-01-15T10:30:00Z, expected every 24h + 1h grace" (or "expected by
// 2025-01-16T02:00:00Z (0 2 * * *, Europe/Berlin) + 1h grace" for a schedule).
std::string missed_deadline_reason(const monitor_state& s, const monitor_rules& r);

}  // namespace uptime::core
