// Alerts of state changes and reminders (see alerts.hpp).
#include "monitors/alerts.hpp"

#include <spdlog/spdlog.h>

#include "core/alerting.hpp"
#include "core/text.hpp"
#include "notify/alert_json.hpp"

namespace uptime::monitors {

std::vector<store::outbox_row> alerts::rows_for(monitor_entry& m, const core::transition& t) {
  if (t.to != core::monitor_status::down && m.state.alert_held) {
    m.state.alert_held = false;  // recovered (or paused) before anyone was told it was DOWN
    return {};
  }
  if (!core::is_alerting(t)) return {};
  if (t.to == core::monitor_status::down && in_maintenance_ && in_maintenance_(m)) {
    spdlog::info("Monitor {} \"{}\" is in a maintenance window: its DOWN alert is held", m.id, m.name);
    m.state.alert_held = true;
    return {};
  }
  const auto event = t.to == core::monitor_status::down ? notify::alert_event::down
                                                        : notify::alert_event::up;
  return rows_for(m, event, t.from, t.at, t.reason);
}

std::vector<store::outbox_row> alerts::rows_for(const monitor_entry& m, notify::alert_event event,
                                                core::monitor_status previous, core::utc_time at,
                                                const std::string& reason) {
  const bool wanted = event == notify::alert_event::up ? m.alert_on_up : m.alert_on_down;
  std::vector<store::outbox_row> rows;
  if (!wanted) return rows;
  // No reminders of a DOWN nobody was told about yet, nor during maintenance.
  if (event == notify::alert_event::reminder &&
      (m.state.alert_held || (in_maintenance_ && in_maintenance_(m))))
    return rows;
  const auto now = wall_.now();
  for (const auto& channel : m.channels) {
    notify::alert a;
    a.alert_id = notify::new_alert_id();
    a.event = event;
    a.monitor_id = m.id;
    a.monitor_name = m.name;
    a.monitor_group = m.group;
    a.status = std::string(core::to_string(m.state.status));
    a.previous_status = std::string(core::to_string(previous));
    a.message = reason;
    a.occurred_at = at;
    a.last_push_at = m.state.last_push_at;
    a.next_expected_by = m.state.next_expected_at;
    a.push_host = push_host_;
    store::outbox_row row;
    row.alert_id = a.alert_id;
    row.monitor_id = m.id;
    row.channel = channel;
    row.event = std::string(notify::to_string(event));
    row.created_at = now;
    row.next_attempt_at = now;
    row.alert = notify::to_json(a);
    rows.push_back(std::move(row));
  }
  return rows;
}

void alerts::log(const monitor_entry& m, const core::transition& t) {
  if (t.to == core::monitor_status::down)
    spdlog::warn("Monitor {} \"{}\" is DOWN (was {}): {}", m.id, m.name, core::to_string(t.from),
                 core::log_text(t.reason).view());  // the reason may be the job's own message
  else
    spdlog::info("Monitor {} \"{}\" is {} (was {})", m.id, m.name,
                 t.to == core::monitor_status::up ? "UP" : "PENDING", core::to_string(t.from));
}

void alerts::dispatch(const store::outbox_row& row) {
  auto a = notify::alert_from_json(row.alert);
  if (!a) {
    // to_json writes only what alert_from_json reads back, so this is a bug (or a row edited
    // by hand): say so loudly, and keep the row, marked, for whoever investigates.
    spdlog::critical("BUG: outbox row {} for monitor {} via {} cannot be read back, so this "
                     "alert is not sent; please report it with the row "
                     "(SELECT * FROM outbox WHERE id={})",
                     row.id, row.monitor_id, core::log_text(row.channel).view(), row.id);
    record({row.id, store::delivery_row::outcome::given_up, 0, wall_.now(), "unreadable alert"});
    return;
  }
  notify::queued_alert q;
  q.outbox_id = row.id;
  q.channel = row.channel;
  q.what = std::move(*a);
  q.attempts = row.attempts;
  q.created_at = row.created_at;
  q.next_attempt_at = row.next_attempt_at;
  dispatcher_->enqueue(std::move(q));
}

notify::dispatcher::outcomes alerts::delivery_outcomes() {
  using outcome = store::delivery_row::outcome;
  notify::dispatcher::outcomes o;
  o.delivered = [this](const notify::queued_alert& q, core::utc_time at) {
    record({q.outbox_id, outcome::delivered, q.attempts, at, {}});
  };
  o.failed = [this](const notify::queued_alert& q, const std::string& error) {
    record({q.outbox_id, outcome::failed_attempt, q.attempts, q.next_attempt_at, error});
  };
  o.gave_up = [this](const notify::queued_alert& q, core::utc_time at, const std::string& error) {
    record({q.outbox_id, outcome::given_up, q.attempts, at, error});
  };
  return o;
}

void alerts::record(store::delivery_row d) {
  store::batch b;
  b.deliveries.push_back(std::move(d));
  db_.commit(std::move(b), store::store::lane::background);
}

}  // namespace uptime::monitors
