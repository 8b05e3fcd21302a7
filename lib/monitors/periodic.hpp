// Periodic work: the liveness mark ("the server was running at …", every 2 s; time after the
// last mark is an outage at the next start, which moves deadlines later), and each monitor's
// check every `interval`: its deadline re-decided against the wall clock and a check result
// row recorded. Checks are spread over their period by monitor id, so monitors loaded together
// are not all checked in the same second. Io thread only.
#pragma once

#include <chrono>
#include <queue>
#include <vector>

#include "monitors/deadlines.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

class periodic {
 public:
  static constexpr auto alive_period = std::chrono::seconds(2);
  static constexpr auto check_tick = std::chrono::seconds(1);

  periodic(net::io_context& io, registry& monitors, deadlines& timers, wall_clock& wall, store::store& db)
      : monitors_(monitors), deadlines_(timers), wall_(wall), db_(db), check_timer_(io), alive_timer_(io) {}

  void start();
  void stop();

  // The monitor is checked every `interval` from now on (a check queued for an old interval is
  // dropped).
  void set_check_interval(monitor_entry& m, std::chrono::seconds interval);

  // The liveness mark now; `done` (may be empty) when it is written or not.
  void record_alive(store::store::done_fn done = {});

 private:
  void schedule_checks();
  void run_due_checks();
  void schedule_alive();

  struct due_check {
    steady::time_point at;
    monitor_id id;
    bool operator>(const due_check& o) const { return at > o.at; }
  };

  registry& monitors_;
  deadlines& deadlines_;
  wall_clock& wall_;
  store::store& db_;
  net::steady_timer check_timer_;
  net::steady_timer alive_timer_;
  std::priority_queue<due_check, std::vector<due_check>, std::greater<>> check_queue_;
};

}  // namespace uptime::monitors
