// Alert rules: which changes alert, retry backoff, reminders (see alerting.hpp).
#include "core/alerting.hpp"

#include <algorithm>

namespace uptime::core {

bool is_alerting(const transition& t) {
  if (t.to == monitor_status::down) return t.from != monitor_status::down;
  return t.to == monitor_status::up && t.from == monitor_status::down;
}

std::optional<utc_time> next_attempt_at(const retry_policy& p, int attempts, utc_time created_at,
                                        utc_time now) {
  auto delay = p.first_delay;
  for (int i = 1; i < attempts && delay < p.max_delay; ++i) delay *= 2;
  delay = std::min(delay, p.max_delay);
  const auto at = now + delay;
  if (at > created_at + p.give_up_after) return std::nullopt;
  return at;
}

std::optional<utc_time> next_reminder_at(const monitor_state& s, seconds every, utc_time now) {
  if (s.status != monitor_status::down || every.count() <= 0 || !s.status_since) return std::nullopt;
  const auto since = *s.status_since;
  if (now < since + every) return since + every;
  const auto periods = (now - since) / every;  // whole periods elapsed (>= 1)
  return since + (periods + 1) * every;
}

std::optional<utc_time> reminder_due(const monitor_state& s, seconds every, utc_time now) {
  const auto next = next_reminder_at(s, every, now);
  if (!next || *next - every < *s.status_since + every) return std::nullopt;
  return *next - every;
}

}  // namespace uptime::core
