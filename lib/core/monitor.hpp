// The life of a push monitor as pure functions of its state, its rules and `now`:
// pending --push--> up --deadline passes--> down --successful push--> up, and a push that
// reports failure sends it DOWN at once. No I/O, no clock: the shell reads the clock once per
// event and passes it in, then carries out what comes back (rows to write, timers to arm).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace uptime::core {

enum class monitor_status { pending, up, down };

// "pending", "up", "down": the values stored in the database and shown to users.
std::string_view to_string(monitor_status s);
std::optional<monitor_status> parse_status(std::string_view text);

struct monitor_rules {
  seconds expected_interval{60};
  seconds grace_period{0};
};

struct monitor_state {
  monitor_status status = monitor_status::pending;
  std::optional<utc_time> last_push_at;
  std::optional<utc_time> next_expected_at;  // last push + interval + grace (+ server outages)
  std::optional<utc_time> status_since;      // when `status` was entered
  std::string reason;                        // why it is DOWN; empty otherwise
  friend bool operator==(const monitor_state&, const monitor_state&) = default;
};

// A change of status, to be written (state_changes + check_results) and alerted on.
struct transition {
  monitor_status from;
  monitor_status to;
  utc_time at;
  std::string reason;
};

// What a push says about the run that sent it.
struct push_report {
  bool failure = false;  // the body's status was error|fail|failure|down
  std::string message;   // the body's message (or its raw text), may be empty
};

struct push_outcome {
  monitor_state state;
  utc_time received_at;       // `now` floored to the second
  utc_time next_expected_by;  // received_at + expected_interval + grace_period
  std::optional<transition> change;
};

struct deadline_outcome {
  monitor_state state;
  std::optional<transition> change;
};

// True for the body statuses that mean "the job failed": error, fail, failure, down (any case).
bool is_failure_status(std::string_view status);

// The instant this monitor goes DOWN unless a push arrives first; nullopt unless it is UP.
std::optional<utc_time> going_down_at(const monitor_state& s);

// What a push received at `now` does to the monitor: new state, its deadline, and a transition
// when the status changes (pending/down -> up on success, pending/up -> down on failure).
push_outcome on_push(const monitor_state& s, const monitor_rules& r, const push_report& p,
                     utc_time now);

// Re-checks the deadline at `now` (a timer fired or a periodic check ran): DOWN, with the
// reason, once now >= the deadline; otherwise nothing changes. Safe to call at any time.
deadline_outcome on_deadline(const monitor_state& s, const monitor_rules& r, utc_time now);

// The rules changed (config reload): the deadline is re-armed from the last push.
monitor_state apply_rules(const monitor_state& s, const monitor_rules& r);

// The server was not running between `last_alive` and `now`: a deadline that fell after
// `last_alive` moves later by the length of the outage (the job's pushes could not arrive).
// A deadline at or before `last_alive` is left alone, so it is decided at once.
monitor_state shift_for_outage(const monitor_state& s, utc_time last_alive, utc_time now);

// "No push since 2025-01-15T10:30:00Z, expected every 24h + 1h grace".
std::string missed_deadline_reason(const monitor_state& s, const monitor_rules& r);

}  // namespace uptime::core
