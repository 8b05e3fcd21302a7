// Deadlines: each monitor's timer aims at the instant it goes DOWN unless a push comes first
// (core going_down_at), or, while DOWN, at its next reminder. A timer firing proves nothing
// by itself: the deadline is re-checked against the wall clock (STYLE.md). Deadlines that fall
// together (an expiry storm) are decided in slices, in id order, with pushes answered between
// the slices and the store's backlog bounded. A wall clock step moves every deadline
// (core/clock_step.hpp). Io thread only.
#pragma once

#include <chrono>
#include <deque>

#include "monitors/alerts.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

class deadlines {
 public:
  // A timer waits at most this long before re-reading the wall clock, so a clock step or a
  // suspended machine delays a DOWN by at most this much, even for a 400-day interval.
  static constexpr auto max_timer_wait = std::chrono::minutes(5);
  static constexpr int expired_slice = 500;  // deadlines decided per turn of the io loop
  static constexpr std::size_t max_expiry_backlog = 5000;  // store batches queued before deciding waits

  deadlines(net::io_context& io, registry& monitors, wall_clock& wall, alerts& alerting,
            store::store& db)
      : io_(io), monitors_(monitors), wall_(wall), alerts_(alerting), db_(db), expiry_timer_(io) {}

  // (Re-)arms the monitor's timer for its next deadline or reminder. A push only moves the
  // deadline later: a timer already set to fire earlier stays (and re-arms when it fires).
  void arm(monitor_entry& m);
  // DOWN if the deadline has passed at `now` (with its alerts saved); returns whether it went DOWN.
  bool evaluate(monitor_entry& m, core::utc_time now);
  // The wall clock stepped by `step` (forward: positive): every deadline moves with it.
  void on_clock_step(std::chrono::milliseconds step, core::utc_time now);
  // What the monitor's timer does when it fires, now: its deadline (or reminder) is decided
  // against the wall clock in the next slice. Tests call it after moving a manual clock.
  void expire(monitor_entry& m);
  // No more deciding: timers cancelled.
  void stop();

 private:
  void on_timer(monitor_id id, std::uint64_t generation);
  void queue_expired(monitor_id id);
  void drain_expired();
  void remind_if_due(monitor_entry& m, core::utc_time now);

  net::io_context& io_;
  registry& monitors_;
  wall_clock& wall_;
  alerts& alerts_;
  store::store& db_;
  std::deque<monitor_id> expired_;  // timers fired, not yet decided
  bool expired_sorted_ = true;
  bool draining_ = false;
  bool stopping_ = false;
  net::steady_timer expiry_timer_;  // drain_expired waiting for the store's backlog
};

}  // namespace uptime::monitors
