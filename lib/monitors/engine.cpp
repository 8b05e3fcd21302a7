// Start, reload and stop of the monitors (see engine.hpp).
#include "monitors/engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "core/clock_step.hpp"
#include "core/duration.hpp"
#include "config/maintenance.hpp"

namespace uptime::monitors {

engine::engine(net::io_context& io, store::store& db, const clock& source)
    : db_(db), wall_(source), registry_(io, db), alerts_(db, wall_), deadlines_(io, registry_, wall_, alerts_, db),
      push_(registry_, deadlines_, alerts_, wall_, db), write_behind_(io, registry_, push_, db),
      periodic_(io, registry_, deadlines_, wall_, db), maintenance_(io, registry_, alerts_, wall_, db),
      actions_(registry_, deadlines_, wall_, db) {
  alerts_.set_maintenance_check([this](const monitor_entry& m) { return maintenance_.in_maintenance(m); });
  wall_.on_step([this](std::chrono::milliseconds step, core::utc_time now) {
    deadlines_.on_clock_step(step, now);
  });
}

void engine::set_config(const config::config& cfg) {
  default_interval_ = cfg.default_interval;
  public_base_url_ = cfg.public_base_url();
  settings_by_name_.clear();
  settings_by_name_.reserve(cfg.monitors.size());
  for (const auto& m : cfg.monitors) settings_by_name_.emplace(m.name, &m);
  windows_.clear();
  for (const auto& w : cfg.maintenance) windows_.push_back(config::to_window(w));
}

void engine::forget_settings() {
  // Swapped with an empty one: `x = {}` would clear but keep the memory.
  decltype(settings_by_name_)().swap(settings_by_name_);
}

void engine::start(store::start_state& started) {
  const auto now = wall_.now();
  if (started.last_alive && now > *started.last_alive)
    spdlog::info("The server was not running for {} (since {}); deadlines after that move later",
                 core::format_duration(std::chrono::floor<std::chrono::seconds>(now - *started.last_alive)),
                 core::format_iso(*started.last_alive));
  // The records are taken over one by one, each freed (the peak of a start with 100,000
  // monitors is while both the records and the registry exist).
  for (; !started.monitors.empty(); started.monitors.pop_front()) {
    const auto& r = started.monitors.front();
    auto& m = add(r);
    const auto before = m.state;
    if (r.rules_changed) m.state = m.kind->apply_rules(m.state, m.rules);
    if (started.last_alive) m.state = m.kind->shift_for_outage(m.state, m.rules, *started.last_alive, now);
    if (!(m.state == before)) registry_.save_state(m.id);
    log_initialized(m);
    deadlines_.arm(m);
  }
  spdlog::info("{} push monitors active", registry_.size());
  badge_secret_ = started.badge_secret;
  maintenance_.set_windows(std::move(windows_));
  periodic_.start();
  write_behind_.start();
}

void engine::load_history() {
  db_.changes_since(wall_.now() - status_history::kept, [this](std::optional<std::vector<store::monitor_change>> changes) {
    if (changes)
      registry_.history().load(*changes);
    else
      spdlog::warn("Could not read the status history: uptime ratios count only changes from now on");
  });
}

void engine::reload(const std::deque<store::monitor_record>& records) {
  std::unordered_map<monitor_id, bool> declared;
  int added = 0, changed = 0, removed = 0;
  for (const auto& r : records) {
    declared[r.id] = true;
    auto* found = registry_.find(r.id);
    if (!found) {
      auto& m = add(r);
      ++added;
      log_initialized(m);
      deadlines_.arm(m);
      continue;
    }
    auto& m = *found;
    apply_settings(m, r);
    if (r.rules_changed) {
      ++changed;
      m.state = m.kind->apply_rules(m.state, m.rules);
      registry_.save_state(m.id);
      deadlines_.arm(m);
      spdlog::info("Monitor {} \"{}\": now expected {} + {} grace; next deadline {}", m.id, m.name,
                   m.rules.schedule ? "on \"" + m.rules.schedule->text + "\""
                                    : "every " + core::format_duration(m.rules.expected_interval),
                   core::format_duration(m.rules.grace_period),
                   m.state.next_expected_at ? core::format_iso(*m.state.next_expected_at) : "-");
    }
  }
  for (auto it = registry_.begin(); it != registry_.end();) {
    if (declared.count(it->first)) {
      ++it;
      continue;
    }
    spdlog::info("Monitor {} \"{}\" removed or disabled: its push URL now answers 404; its "
                 "history stays",
                 it->first, it->second->name);
    registry_.remove(it++);  // (the flat map's erase leaves the other iterators valid)
    ++removed;
  }
  spdlog::info("Configuration reloaded: {} push monitors ({} added, {} re-timed, {} removed)",
               registry_.size(), added, changed, removed);
  maintenance_.set_windows(std::move(windows_));
}

void engine::on_secrets_changed(const std::vector<std::pair<monitor_id, std::string>>& secrets) {
  for (const auto& [id, key] : secrets) {
    auto* m = registry_.find(id);
    if (!m || util::secrets_equal(m->secret_key.view(), key) || actions_.rotated_recently(id, key)) continue;
    m->secret_key.assign(key);
    spdlog::info("Monitor {} \"{}\": push key changed in the database; the old key no longer works",
                 id, m->name);
  }
}

void engine::stop() {
  deadlines_.stop();
  maintenance_.stop();
  periodic_.stop();
}

monitor_entry& engine::add(const store::monitor_record& r) {
  auto& m = registry_.add(r);
  apply_settings(m, r);
  return m;
}

void engine::apply_settings(monitor_entry& m, const store::monitor_record& r) {
  m.name = r.name;
  m.group = r.group;
  m.rules = r.rules;
  const auto* s = find_settings(r.name);
  m.require_payload = s && s->require_payload;
  periodic_.set_check_interval(m, s && s->interval.count() > 0 ? s->interval : default_interval_);
  m.channels = s ? s->notifications : std::vector<std::string>{};
  m.alert_on_down = !s || std::count(s->alert_on.begin(), s->alert_on.end(), config::alert_event::down) > 0;
  m.alert_on_up = !s || std::count(s->alert_on.begin(), s->alert_on.end(), config::alert_event::up) > 0;
  m.remind_every = s ? s->remind_every : std::chrono::seconds{0};
}

const config::monitor_settings* engine::find_settings(const std::string& name) const {
  const auto it = settings_by_name_.find(name);
  return it == settings_by_name_.end() ? nullptr : it->second;
}

void engine::log_initialized(const monitor_entry& m) const {
  // The documented way to find a monitor's push URL (and so its key), and the only log line
  // that carries a secret: users and tests grep for it.
  spdlog::info("Push monitor initialized: id={} name=\"{}\" group=\"{}\" status={} url={}", m.id, m.name,
               m.group, core::to_string(m.state.status),
               config::push_url(public_base_url_, m.id, m.secret_key.view()));
}

}  // namespace uptime::monitors
