// Pause and resume (see pause.hpp).
#include "core/pause.hpp"

namespace uptime::core {

std::optional<status_change> pause(const monitor_state& s, utc_time now) {
  if (s.status == monitor_status::paused) return std::nullopt;
  status_change out{s, transition{s.status, monitor_status::paused, now, "Paused"}};
  auto& st = out.state;
  st.paused_from = s.status;
  st.status = monitor_status::paused;
  st.status_since = now;
  st.open_runs.clear();
  st.consecutive_failures = 0;
  return out;
}

std::optional<status_change> resume(const monitor_state& s, const monitor_rules& r, utc_time now) {
  if (s.status != monitor_status::paused) return std::nullopt;
  status_change out{s, transition{monitor_status::paused, s.paused_from, now, "Resumed"}};
  auto& st = out.state;
  st.status = s.paused_from;
  st.paused_from = monitor_status::pending;
  st.status_since = now;
  st.open_runs.clear();
  if (st.status == monitor_status::up) st.next_expected_at = next_deadline(r, now);
  return out;
}

}  // namespace uptime::core
