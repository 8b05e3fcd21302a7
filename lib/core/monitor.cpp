// The push monitor state machine (see monitor.hpp).
#include "core/monitor.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/duration.hpp"

namespace uptime::core {

std::string_view to_string(monitor_status s) {
  switch (s) {
    case monitor_status::pending: return "pending";
    case monitor_status::up: return "up";
    case monitor_status::down: return "down";
  }
  return "pending";
}

std::optional<monitor_status> parse_status(std::string_view text) {
  for (auto s : {monitor_status::pending, monitor_status::up, monitor_status::down})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

bool is_failure_status(std::string_view status) {
  static constexpr std::array<std::string_view, 4> failures{"error", "fail", "failure", "down"};
  return std::any_of(failures.begin(), failures.end(), [&](std::string_view f) {
    return f.size() == status.size() &&
           std::equal(f.begin(), f.end(), status.begin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

std::optional<utc_time> going_down_at(const monitor_state& s) {
  if (s.status != monitor_status::up) return std::nullopt;
  return s.next_expected_at;
}

push_outcome on_push(const monitor_state& s, const monitor_rules& r, const push_report& p,
                     utc_time now) {
  push_outcome out{s, floor_to_second(now), {}, std::nullopt};
  out.next_expected_by = out.received_at + r.expected_interval + r.grace_period;
  out.state.last_push_at = out.received_at;
  out.state.next_expected_at = out.next_expected_by;

  const auto target = p.failure ? monitor_status::down : monitor_status::up;
  std::string reason;
  if (p.failure)
    reason = p.message.empty() ? std::string("The job reported a failure") : p.message;
  if (target != s.status) {
    out.change = transition{s.status, target, out.received_at, reason};
    out.state.status = target;
    out.state.status_since = out.received_at;
  }
  out.state.reason = std::move(reason);
  return out;
}

deadline_outcome on_deadline(const monitor_state& s, const monitor_rules& r, utc_time now) {
  deadline_outcome out{s, std::nullopt};
  const auto deadline = going_down_at(s);
  if (!deadline || now < *deadline) return out;
  // The monitor went DOWN at its deadline, even if we notice a little later.
  out.state.status = monitor_status::down;
  out.state.status_since = floor_to_second(*deadline);
  out.state.reason = missed_deadline_reason(s, r);
  out.change = transition{s.status, monitor_status::down, *out.state.status_since, out.state.reason};
  return out;
}

monitor_state apply_rules(const monitor_state& s, const monitor_rules& r) {
  monitor_state out = s;
  if (s.last_push_at) out.next_expected_at = *s.last_push_at + r.expected_interval + r.grace_period;
  return out;
}

monitor_state shift_for_outage(const monitor_state& s, utc_time last_alive, utc_time now) {
  monitor_state out = s;
  if (s.next_expected_at && *s.next_expected_at > last_alive && now > last_alive)
    out.next_expected_at = *s.next_expected_at + (now - last_alive);
  return out;
}

std::string missed_deadline_reason(const monitor_state& s, const monitor_rules& r) {
  std::string text = s.last_push_at ? "No push since " + format_iso(*s.last_push_at)
                                    : std::string("No push received");
  text += ", expected every " + format_duration(r.expected_interval);
  if (r.grace_period.count() > 0) text += " + " + format_duration(r.grace_period) + " grace";
  return text;
}

}  // namespace uptime::core
