// Pure rules for alerts: which status changes alert, when a failed delivery is tried again
// (exponential backoff, then giving up), and when a monitor that stays DOWN is reminded about.
#pragma once

#include <chrono>
#include <optional>

#include "core/monitor.hpp"
#include "core/time.hpp"

namespace uptime::core {

// A change people are told about: going DOWN (from up or pending) and recovering (down -> up).
// The first push of a new monitor (pending -> up) is not news.
bool is_alerting(const transition& t);

struct retry_policy {
  std::chrono::milliseconds first_delay{1000};
  std::chrono::milliseconds max_delay{10 * 60 * 1000};
  std::chrono::hours give_up_after{24};
};

// After `attempts` failed deliveries (1 = the first try failed) of an alert created at
// `created_at`: when to try again, or nullopt to give up (the next try would fall beyond
// created_at + give_up_after). Delays: 1 s, 2 s, 4 s … capped at 10 min.
std::optional<utc_time> next_attempt_at(const retry_policy& p, int attempts, utc_time created_at,
                                        utc_time now);

// While DOWN, reminders fall at status_since + k * every (k >= 1): the first one after `now`.
// nullopt when not DOWN or reminders are off (every <= 0).
std::optional<utc_time> next_reminder_at(const monitor_state& s, seconds every, utc_time now);

// The latest reminder instant at or before `now` (status_since + k * every, k >= 1), or nullopt
// when none has come yet. A timer that fires late sends this one reminder, not a burst.
std::optional<utc_time> reminder_due(const monitor_state& s, seconds every, utc_time now);

}  // namespace uptime::core
