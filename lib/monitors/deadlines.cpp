// Deadline timers, expiry slices, reminders and clock steps (see deadlines.hpp).
#include "monitors/deadlines.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/clock_step.hpp"
#include "core/duration.hpp"
#include "core/text.hpp"

namespace uptime::monitors {

void deadlines::arm(monitor_entry& m) {
  const auto now = wall_.now();
  const auto when = m.state.status == core::monitor_status::down
                        ? core::next_reminder_at(m.state, m.remind_every, now)
                        : m.kind->going_down_at(m.state, m.rules);
  if (!when) {
    if (m.timer_armed) {
      ++m.timer_generation;
      m.timer_armed = false;
      m.deadline_timer.cancel();
    }
    return;
  }
  const auto remaining = std::clamp<steady::duration>(*when - now, steady::duration::zero(), max_timer_wait);
  const auto fire_at = steady::now() + remaining;
  // A push only moves the deadline later: a timer already set to fire earlier stays, and
  // when it fires the deadline is re-read and the timer set for what remains. This keeps a
  // cancel and a re-arm off every push.
  if (m.timer_armed && m.timer_fires_at <= fire_at) return;
  const auto generation = ++m.timer_generation;
  m.timer_armed = true;
  m.timer_fires_at = fire_at;
  m.deadline_timer.expires_at(fire_at);
  m.deadline_timer.async_wait([this, id = m.id, generation](boost::system::error_code ec) {
    if (!ec) on_timer(id, generation);
  });
}

void deadlines::on_timer(monitor_id id, std::uint64_t generation) {
  auto* m = monitors_.find(id);
  if (!m || m->timer_generation != generation) return;
  m->timer_armed = false;
  queue_expired(id);
}

void deadlines::expire(monitor_entry& m) {
  if (m.timer_armed) {
    ++m.timer_generation;
    m.timer_armed = false;
    m.deadline_timer.cancel();
  }
  queue_expired(m.id);
}

void deadlines::queue_expired(monitor_id id) {
  // Handled in slices: when many deadlines fall in the same second (an expiry storm), pushes
  // are still read and answered between the slices.
  expired_.push_back(id);
  expired_sorted_ = false;
  if (!draining_) {
    draining_ = true;
    net::post(io_, [this] { drain_expired(); });
  }
}

void deadlines::drain_expired() {
  const auto now = wall_.now();
  // In id order: the state changes of a storm then go to the database in id order too, so
  // each transaction's rows share index and table pages instead of dirtying one page per
  // monitor all over the file (which made the WAL grow faster than checkpoints could copy).
  if (!expired_sorted_) {
    std::sort(expired_.begin(), expired_.end());
    expired_sorted_ = true;
  }
  for (int n = 0; n < expired_slice && !expired_.empty(); ++n) {
    const auto id = expired_.front();
    expired_.pop_front();
    auto* m = monitors_.find(id);
    if (!m || m->timer_armed) continue;  // removed, or re-armed
    if (m->state.status == core::monitor_status::down) {
      remind_if_due(*m, now);
      continue;
    }
    // Re-check against the wall clock: the timer firing proves nothing by itself.
    if (!evaluate(*m, now)) arm(*m);
  }
  if (expired_.empty() || stopping_) {
    draining_ = false;
    return;
  }
  // The store records about a thousand state changes in the time this loop finds five
  // thousand: past a backlog, wait for it, so that a storm's queued writes (and their memory)
  // stay bounded whatever the number of monitors.
  if (db_.backlog() > max_expiry_backlog) {
    expiry_timer_.expires_after(std::chrono::milliseconds(2));
    expiry_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) drain_expired();
    });
    return;
  }
  net::post(io_, [this] { drain_expired(); });
}

// While DOWN the timer aims at the next reminder instant.
void deadlines::remind_if_due(monitor_entry& m, core::utc_time now) {
  const auto due = core::reminder_due(m.state, m.remind_every, now);
  if (due && due != m.last_reminder) {
    m.last_reminder = due;
    spdlog::warn("Monitor {} \"{}\" is still DOWN (since {}): {}", m.id, m.name,
                 core::format_iso(*m.state.status_since), core::log_text(m.state.reason).view());
    monitors_.save_change(m.id, std::nullopt,
                          alerts_.rows_for(m, notify::alert_event::reminder, core::monitor_status::down,
                                           *m.state.status_since, m.state.reason));
  }
  arm(m);
}

bool deadlines::evaluate(monitor_entry& m, core::utc_time now) {
  auto out = m.kind->on_deadline(m.state, m.rules, now);
  if (!out.change) return false;
  // A missed deadline changes only the status; an overrun run also closes that run.
  const bool status_only = out.state.open_runs == m.state.open_runs;
  m.state = std::move(out.state);
  ++m.timer_generation;
  m.timer_armed = false;
  m.deadline_timer.cancel();
  alerts::log(m, *out.change);
  monitors_.save_change(m.id, *out.change, alerts_.rows_for(m, *out.change), status_only);
  arm(m);  // reminders while DOWN
  return true;
}

void deadlines::on_clock_step(std::chrono::milliseconds step, core::utc_time now) {
  const auto size = core::format_duration(
      std::chrono::duration_cast<std::chrono::seconds>(step.count() < 0 ? -step : step));
  if (step.count() > 0)
    spdlog::warn("The wall clock stepped forward by {} (or the machine was suspended): "
                 "deadlines move later by as much, as for an outage, so the step makes no job late",
                 size);
  else
    spdlog::warn("The wall clock stepped back by {}: deadlines move back by as much, so every "
                 "job still goes DOWN when the real time since its last push says",
                 size);
  std::size_t moved = 0;
  for (auto& [id, entry] : monitors_) {
    auto& m = *entry;
    auto shifted = core::shift_for_clock_step(m.state, m.rules, now, step);
    if (shifted == m.state) continue;
    m.state = std::move(shifted);
    monitors_.mark_dirty(m);
    arm(m);
    ++moved;
  }
  spdlog::debug("Clock step: {} monitors' deadlines moved", moved);
}

void deadlines::stop() {
  stopping_ = true;
  expiry_timer_.cancel();
  for (auto& [id, m] : monitors_) m->deadline_timer.cancel();
}

}  // namespace uptime::monitors
