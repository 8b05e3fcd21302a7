// The notification outbox (see outbox.hpp).
#include "store/sqlite/outbox.hpp"

namespace uptime::store {

std::int64_t enqueue_alert(connection& c, const outbox_row& row) {
  auto& s = c.cached(
      "INSERT INTO outbox(alert_id, monitor_id, channel, event, created_at, alert, attempts, "
      "next_attempt_at, last_error) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  s.bind(1, row.alert_id).bind(2, row.monitor_id).bind(3, row.channel).bind(4, row.event)
      .bind(5, core::format_iso(row.created_at)).bind(6, row.alert).bind(7, row.attempts)
      .bind(8, core::format_iso(row.next_attempt_at));
  if (row.last_error.empty())
    s.bind_null(9);
  else
    s.bind(9, row.last_error);
  s.run();
  return c.last_insert_rowid();
}

std::vector<outbox_row> pending_alerts(connection& c) {
  std::vector<outbox_row> out;
  auto s = c.prepare(
      "SELECT id, alert_id, monitor_id, channel, event, created_at, alert, attempts, "
      "next_attempt_at, last_error FROM outbox WHERE status = 'pending' ORDER BY id");
  while (s.step()) {
    outbox_row r;
    r.id = s.int64(0);
    r.alert_id = s.text(1);
    r.monitor_id = s.int64(2);
    r.channel = s.text(3);
    r.event = s.text(4);
    r.created_at = core::parse_iso(s.text(5)).value_or(core::utc_time{});
    r.alert = s.text(6);
    r.attempts = static_cast<int>(s.int64(7));
    r.next_attempt_at = core::parse_iso(s.text(8)).value_or(core::utc_time{});
    r.last_error = s.text(9);
    out.push_back(std::move(r));
  }
  return out;
}

void record_failed_attempt(connection& c, std::int64_t id, int attempts,
                           core::utc_time next_attempt_at, const std::string& error) {
  auto& s = c.cached(
      "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1");
  s.bind(1, id).bind(2, attempts).bind(3, core::format_iso(next_attempt_at)).bind(4, error);
  s.run();
}

void mark_delivered(connection& c, std::int64_t id, int attempts, core::utc_time at) {
  auto& s = c.cached(
      "UPDATE outbox SET status = 'delivered', attempts = ?2, delivered_at = ?3 WHERE id = ?1");
  s.bind(1, id).bind(2, attempts).bind(3, core::format_iso(at));
  s.run();
}

void mark_given_up(connection& c, std::int64_t id, int attempts, core::utc_time at,
                   const std::string& error) {
  auto& s = c.cached(
      "UPDATE outbox SET status = 'failed', attempts = ?2, gave_up_at = ?3, last_error = ?4 "
      "WHERE id = ?1");
  s.bind(1, id).bind(2, attempts).bind(3, core::format_iso(at)).bind(4, error);
  s.run();
}

std::int64_t prune_outbox(connection& c, core::utc_time before, int limit) {
  auto& s = c.cached(
      "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status != 'pending' AND "
      "created_at < ?1 LIMIT ?2)");
  s.bind(1, core::format_iso(before)).bind(2, limit);
  s.run();
  return s.changes();
}

}  // namespace uptime::store
