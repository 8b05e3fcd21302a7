// The monitors as the server runs them: the registry and its roles (push path, deadlines,
// alerts, write-behind, periodic work) built over one store, and what a start, a reload or a
// stop does to them. server/ creates one, feeds it the config and the store's records, and
// routes pushes to push(); everything here runs on the io thread.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "monitors/actions.hpp"
#include "monitors/alerts.hpp"
#include "monitors/clock.hpp"
#include "monitors/deadlines.hpp"
#include "monitors/maintenance.hpp"
#include "monitors/periodic.hpp"
#include "monitors/push.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "monitors/write_behind.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

class engine {
 public:
  engine(net::io_context& io, store::store& db, const clock& source);

  // The settings monitors take by name (channels, alert_on, reminders, payload, check
  // interval) and the base of push URLs. `cfg` must outlive the next forget_settings().
  void set_config(const config::config& cfg);
  // Once every monitor has taken its settings: at 100,000 monitors the index is megabytes.
  void forget_settings();

  // Start: every declared monitor from the store, its deadline moved later by the time the
  // server was not running, armed; then the periodic work and the write-behind.
  void start(store::start_state& started);
  // Reads the recent status changes (uptime ratios) in the background: once listening.
  void load_history();
  // Reload: monitors added, re-timed, removed as the store's records now say.
  void reload(const std::deque<store::monitor_record>& records);
  // Another process changed keys in the database.
  void on_secrets_changed(const std::vector<std::pair<monitor_id, std::string>>& secrets);

  // Stopping: no more deadlines, checks or liveness marks; the write-behind writes the rest.
  void stop();

  // The badge keys' secret, as the store gave it at start.
  const std::string& badge_secret() const { return badge_secret_; }

  registry& monitors() { return registry_; }
  maintenance& maintenance_windows() { return maintenance_; }
  operator_actions& actions() { return actions_; }
  deadlines& deadline_timers() { return deadlines_; }
  push_path& push() { return push_; }
  alerts& alerting() { return alerts_; }
  periodic& periodic_work() { return periodic_; }
  write_behind& written_behind() { return write_behind_; }
  wall_clock& wall() { return wall_; }
  std::size_t size() const { return registry_.size(); }

 private:
  monitor_entry& add(const store::monitor_record& r);
  void apply_settings(monitor_entry& m, const store::monitor_record& r);
  const config::monitor_settings* find_settings(const std::string& name) const;
  void log_initialized(const monitor_entry& m) const;

  store::store& db_;
  wall_clock wall_;
  registry registry_;
  alerts alerts_;
  deadlines deadlines_;
  push_path push_;
  write_behind write_behind_;
  periodic periodic_;
  maintenance maintenance_;
  operator_actions actions_;
  std::vector<core::maintenance_window> windows_;  // from the config, until start or reload
  std::string badge_secret_;
  std::chrono::seconds default_interval_{60};
  std::string public_base_url_;
  std::unordered_map<std::string_view, const config::monitor_settings*> settings_by_name_;
};

}  // namespace uptime::monitors
