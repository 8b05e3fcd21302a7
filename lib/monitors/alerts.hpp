// What a monitor's state change means for the people watching it: a log line, and an outbox
// row per notification channel that wants the event (written by the store in the same
// transaction as the change); committed rows go to the dispatcher, and what became of each
// delivery goes back to the store. Io thread only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/monitor.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "notify/alert.hpp"
#include "notify/dispatcher.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

class alerts {
 public:
  alerts(store::store& db, wall_clock& wall) : db_(db), wall_(wall) {}

  // Set once both exist (the dispatcher reports to delivery_outcomes()).
  void set_dispatcher(notify::dispatcher& d) { dispatcher_ = &d; }
  // Shown in alerts instead of the push URL, which holds the secret.
  void set_push_host(std::string host) { push_host_ = std::move(host); }

  // Whether a maintenance window covers the monitor now (maintenance.hpp); none until set.
  void set_maintenance_check(std::function<bool(const monitor_entry&)> in_maintenance) {
    in_maintenance_ = std::move(in_maintenance);
  }

  // One outbox row per channel of the monitor that wants this change (none for a change that
  // alerts nobody, such as pending -> up). In a maintenance window a DOWN alerts nobody yet:
  // the monitor's state remembers it (alert_held) until the window ends; a recovery from a
  // held DOWN alerts nobody either. Call it before the state is saved.
  std::vector<store::outbox_row> rows_for(monitor_entry& m, const core::transition& t);
  std::vector<store::outbox_row> rows_for(const monitor_entry& m, notify::alert_event event,
                                          core::monitor_status previous, core::utc_time at,
                                          const std::string& reason);

  // The log line of a state change.
  static void log(const monitor_entry& m, const core::transition& t);

  // Hands a committed outbox row to the dispatcher.
  void dispatch(const store::outbox_row& row);

  // What the dispatcher reports, recorded in the store.
  notify::dispatcher::outcomes delivery_outcomes();

 private:
  void record(store::delivery_row d);

  store::store& db_;
  wall_clock& wall_;
  notify::dispatcher* dispatcher_ = nullptr;
  std::string push_host_;
  std::function<bool(const monitor_entry&)> in_maintenance_;
};

}  // namespace uptime::monitors
