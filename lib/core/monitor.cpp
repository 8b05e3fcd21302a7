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
    case monitor_status::paused: return "paused";
  }
  return "pending";
}

std::optional<monitor_status> parse_status(std::string_view text) {
  for (auto s : {monitor_status::pending, monitor_status::up, monitor_status::down, monitor_status::paused})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

std::string_view to_string(push_signal s) {
  switch (s) {
    case push_signal::success: return "success";
    case push_signal::failure: return "failure";
    case push_signal::start: return "start";
    case push_signal::log: return "log";
  }
  return "success";
}

std::optional<push_signal> parse_signal(std::string_view text) {
  for (auto s : {push_signal::success, push_signal::failure, push_signal::start, push_signal::log})
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

std::optional<utc_time> next_deadline(const monitor_rules& r, utc_time last_push) {
  if (r.schedule && r.zone) {
    const auto run = next_run_after(*r.schedule, *r.zone, last_push);
    if (!run) return std::nullopt;
    return ceil_to_second(*run + r.grace_period);
  }
  // Rounded up to the second: the deadline shown (in whole seconds) is the one enforced, and
  // it is never before interval + grace has passed since the push's own instant.
  return ceil_to_second(last_push + r.expected_interval + r.grace_period);
}

seconds run_time_limit(const monitor_rules& r) {
  return r.max_runtime.count() > 0 ? r.max_runtime : r.grace_period;
}

namespace {

// The open run that must finish first, and when.
std::optional<std::pair<const open_run*, utc_time>> earliest_run_deadline(const monitor_state& s,
                                                                          const monitor_rules& r) {
  const auto limit = run_time_limit(r);
  if (limit.count() <= 0 || s.open_runs.empty() || s.status == monitor_status::down ||
      s.status == monitor_status::paused)
    return std::nullopt;
  const auto due = [&](const open_run& run) { return run.started_at + run.paused + limit; };
  const auto first = std::min_element(s.open_runs.begin(), s.open_runs.end(),
                                      [&](const open_run& a, const open_run& b) { return due(a) < due(b); });
  return std::pair{&*first, due(*first)};
}

// The open run a finish belongs to: the one with its run id, or without one the latest run
// that named none. A finish without a matching start has no duration.
std::vector<open_run>::const_iterator matching_run(const std::vector<open_run>& runs,
                                                   const std::string& run_id) {
  for (auto it = runs.rbegin(); it != runs.rend(); ++it)
    if (it->run_id == run_id) return std::next(it).base();
  return runs.end();
}

std::string failure_reason(const push_report& p) {
  std::string reason;
  if (p.exit_code && *p.exit_code != 0) reason = "exit code " + std::to_string(*p.exit_code);
  if (!p.message.empty()) reason += (reason.empty() ? "" : ": ") + p.message;
  return reason.empty() ? std::string("The job reported a failure") : reason;
}

std::string format_seconds(std::chrono::milliseconds d) {
  return format_duration(std::chrono::duration_cast<seconds>(d));
}

}  // namespace

std::optional<utc_time> going_down_at(const monitor_state& s, const monitor_rules& r) {
  std::optional<utc_time> at;
  if (s.status == monitor_status::up) at = s.next_expected_at;
  if (const auto run = earliest_run_deadline(s, r)) at = at ? std::min(*at, run->second) : run->second;
  // Whole seconds, rounded up, like next_deadline: what is shown is what is enforced.
  if (at) at = ceil_to_second(*at);
  return at;
}

namespace {

// A push to a monitor that is not paused.
push_outcome push_to_active(const monitor_state& s, const monitor_rules& r, const push_report& p,
                            utc_time now) {
  push_outcome out{s, floor_to_second(now), {}, std::nullopt, false, std::nullopt};
  auto& st = out.state;
  // Deadlines are whole seconds already (next_deadline, going_down_at); a state read back
  // from before they were is shown rounded up too, never before what is enforced.
  const auto shown = [&](std::optional<utc_time> deadline) {
    return deadline ? ceil_to_second(*deadline) : out.received_at;
  };

  if (p.signal == push_signal::log) {
    out.next_expected_by = shown(s.next_expected_at);
    return out;
  }
  if (p.signal == push_signal::start) {
    st.open_runs.push_back({p.run_id, now, {}});
    if (st.open_runs.size() > max_open_runs) st.open_runs.erase(st.open_runs.begin());
    const auto due = going_down_at(st, r);
    out.next_expected_by = shown(due ? due : s.next_expected_at);
    return out;
  }

  // A finish: success or failure.
  bool failure = p.signal == push_signal::failure;
  std::string reason = failure ? failure_reason(p) : std::string();
  if (const auto run = matching_run(st.open_runs, p.run_id); run != st.open_runs.end()) {
    out.duration = std::max(now - run->started_at, std::chrono::milliseconds::zero());
    st.last_duration = out.duration;
    st.open_runs.erase(run);
    if (!failure && r.min_runtime.count() > 0 && *out.duration < r.min_runtime) {
      failure = true;
      reason = "finished in " + format_seconds(*out.duration) + "; expected to run at least " +
               format_duration(r.min_runtime);
    }
  }
  out.failure = failure;
  // To the millisecond: counted from the whole second, the deadline came up to a second early.
  st.last_push_at = now;
  st.next_expected_at = next_deadline(r, now);
  out.next_expected_by = shown(st.next_expected_at);

  monitor_status target = monitor_status::up;
  if (failure) {
    ++st.consecutive_failures;
    target = st.consecutive_failures >= std::max(1, r.failures_before_down) ? monitor_status::down
                                                                           : s.status;
  } else {
    st.consecutive_failures = 0;
  }
  if (target != s.status) {
    out.change = transition{s.status, target, now, target == monitor_status::down ? reason : ""};
    st.status = target;
    st.status_since = now;
  }
  if (st.status != monitor_status::down)
    st.reason.clear();
  else if (failure)
    st.reason = reason;
  return out;
}

// A push to a paused monitor that does not resume it (a start or a log, or any push with
// manual_resume): recorded, runs kept, nothing enforced, the status stays.
push_outcome push_while_paused(const monitor_state& s, const monitor_rules& r, const push_report& p,
                               utc_time now) {
  push_outcome out{s, floor_to_second(now), floor_to_second(now), std::nullopt, false, std::nullopt};
  auto& st = out.state;
  if (p.signal == push_signal::log) return out;
  if (p.signal == push_signal::start) {
    st.open_runs.push_back({p.run_id, now, {}});
    if (st.open_runs.size() > max_open_runs) st.open_runs.erase(st.open_runs.begin());
    return out;
  }
  out.failure = p.signal == push_signal::failure;
  if (const auto run = matching_run(st.open_runs, p.run_id); run != st.open_runs.end()) {
    out.duration = std::max(now - run->started_at, std::chrono::milliseconds::zero());
    st.last_duration = out.duration;
    st.open_runs.erase(run);
    if (!out.failure && r.min_runtime.count() > 0 && *out.duration < r.min_runtime) out.failure = true;
  }
  st.last_push_at = now;
  return out;
}

}  // namespace

push_outcome on_push(const monitor_state& s, const monitor_rules& r, const push_report& p,
                     utc_time now) {
  if (s.status != monitor_status::paused) return push_to_active(s, r, p, now);
  const bool finish = p.signal == push_signal::success || p.signal == push_signal::failure;
  if (!finish || r.manual_resume) return push_while_paused(s, r, p, now);
  // A finish resumes the monitor: the push counts as it would have from the status it had
  // before the pause, and the change is from paused.
  monitor_state resumed = s;
  resumed.status = s.paused_from;
  auto out = push_to_active(resumed, r, p, now);
  auto& st = out.state;
  st.paused_from = monitor_status::pending;
  if (out.change) {
    out.change->from = monitor_status::paused;
  } else {
    out.change = transition{monitor_status::paused, st.status, now,
                            st.status == monitor_status::down ? st.reason : std::string()};
    st.status_since = now;
  }
  return out;
}

monitor_state replay_push(const monitor_state& s, const monitor_rules& r, const push_report& p,
                          utc_time received_at) {
  auto out = on_push(s, r, p, received_at).state;
  // A push that changed the status was saved with its change: a replayed one did not.
  out.status = s.status;
  out.status_since = s.status_since;
  out.reason = s.reason;
  out.paused_from = s.paused_from;
  out.alert_held = s.alert_held;
  return out;
}

deadline_outcome on_deadline(const monitor_state& s, const monitor_rules& r, utc_time now) {
  deadline_outcome out{s, std::nullopt};
  const auto deadline = going_down_at(s, r);
  if (!deadline || now < *deadline) return out;
  // The monitor went DOWN at its deadline, even if we notice a little later.
  auto& st = out.state;
  const auto run = earliest_run_deadline(s, r);
  if (run && run->second <= *deadline) {
    st.reason = "started at " + format_iso(run->first->started_at) + " and did not finish within " +
                format_duration(run_time_limit(r));
    st.open_runs.erase(st.open_runs.begin() + (run->first - s.open_runs.data()));
  } else {
    st.reason = missed_deadline_reason(s, r);
  }
  st.status = monitor_status::down;
  st.status_since = *deadline;
  out.change = transition{s.status, monitor_status::down, *st.status_since, st.reason};
  return out;
}

monitor_state from_whole_seconds(monitor_state s) {
  if (s.last_push_at) s.last_push_at = latest_in_second(*s.last_push_at);
  return s;
}

monitor_state apply_rules(const monitor_state& s, const monitor_rules& r) {
  monitor_state out = s;
  if (s.last_push_at) out.next_expected_at = next_deadline(r, *s.last_push_at);
  return out;
}

monitor_state shift_for_outage(const monitor_state& s, const monitor_rules& r,
                               utc_time last_alive, utc_time now) {
  monitor_state out = s;
  if (now <= last_alive) return out;
  const auto outage = now - last_alive;
  // A deadline is a whole second (next_deadline): the moved one is rounded up again.
  if (s.next_expected_at && *s.next_expected_at > last_alive)
    out.next_expected_at = ceil_to_second(*s.next_expected_at + outage);
  const auto limit = run_time_limit(r);
  for (auto& run : out.open_runs)
    if (limit.count() <= 0 || run.started_at + run.paused + limit > last_alive) run.paused += outage;
  return out;
}

std::string missed_deadline_reason(const monitor_state& s, const monitor_rules& r) {
  std::string text = s.last_push_at ? "No push since " + format_iso(*s.last_push_at)
                                    : std::string("No push received");
  if (r.schedule && s.next_expected_at) {
    text += ", expected by " + format_iso(*s.next_expected_at - r.grace_period) + " (" +
            r.schedule->text + ")";
  } else {
    text += ", expected every " + format_duration(r.expected_interval);
  }
  if (r.grace_period.count() > 0) text += " + " + format_duration(r.grace_period) + " grace";
  return text;
}

}  // namespace uptime::core
