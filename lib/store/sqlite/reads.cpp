// A monitor's push history, status changes and deliveries, newest first (see reads.hpp).
#include "store/sqlite/reads.hpp"

#include <limits>

namespace uptime::store {

namespace {

std::int64_t sql_limit(std::size_t limit) {
  return static_cast<std::int64_t>(
      std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

core::utc_time time_or_epoch(const std::string& text) {
  return core::parse_iso(text).value_or(core::utc_time{});
}

}  // namespace

std::vector<push_row> read_push_history(connection& c, monitor_id id, std::size_t limit,
                                        std::optional<std::int64_t> before_seq) {
  std::vector<push_row> out;
  auto s = c.prepare(
      "SELECT seq, received_at, method, source_address, user_agent, status, message, payload, "
      "exit_code, run_id, duration_ms FROM push_history WHERE monitor_id = ?1 AND seq < ?3 "
      "ORDER BY id DESC LIMIT ?2");
  s.bind(1, id).bind(2, sql_limit(limit)).bind(3, before_seq.value_or(std::numeric_limits<std::int64_t>::max()));
  while (s.step()) {
    push_row r;
    r.id = id;
    r.seq = s.int64(0);
    r.received_at = time_or_epoch(s.text(1));
    r.method = s.text(2);
    r.source_address = s.text(3);
    r.user_agent = s.text(4);
    r.signal = core::parse_signal(s.text(5)).value_or(core::push_signal::success);
    r.message = s.text(6);
    r.payload = s.text(7);
    if (!s.is_null(8)) r.exit_code = static_cast<int>(s.int64(8));
    r.run_id = s.text(9);
    if (!s.is_null(10)) r.duration = std::chrono::milliseconds(s.int64(10));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<change_record> read_state_changes(connection& c, monitor_id id, std::size_t limit) {
  std::vector<change_record> out;
  auto s = c.prepare(
      "SELECT timestamp, from_status, to_status, reason FROM state_changes WHERE monitor_id = ?1 "
      "ORDER BY timestamp DESC, id DESC LIMIT ?2");
  s.bind(1, id).bind(2, sql_limit(limit));
  while (s.step()) {
    change_record r;
    r.at = time_or_epoch(s.text(0));
    r.from = core::parse_status(s.text(1)).value_or(core::monitor_status::pending);
    r.to = core::parse_status(s.text(2)).value_or(core::monitor_status::pending);
    r.reason = s.text(3);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<outbox_row> read_deliveries(connection& c, monitor_id id, std::size_t limit) {
  std::vector<outbox_row> out;
  auto s = c.prepare(
      "SELECT id, alert_id, channel, event, created_at, alert, attempts, next_attempt_at, "
      "last_error, status, delivered_at, gave_up_at FROM outbox WHERE monitor_id = ?1 "
      "ORDER BY id DESC LIMIT ?2");
  s.bind(1, id).bind(2, sql_limit(limit));
  while (s.step()) {
    outbox_row r;
    r.id = s.int64(0);
    r.alert_id = s.text(1);
    r.monitor_id = id;
    r.channel = s.text(2);
    r.event = s.text(3);
    r.created_at = time_or_epoch(s.text(4));
    r.alert = s.text(5);
    r.attempts = static_cast<int>(s.int64(6));
    r.next_attempt_at = time_or_epoch(s.text(7));
    r.last_error = s.text(8);
    r.status = s.text(9);
    if (!s.is_null(10)) r.delivered_at = core::parse_iso(s.text(10));
    if (!s.is_null(11)) r.given_up_at = core::parse_iso(s.text(11));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<monitor_change> read_changes_since(connection& c, core::utc_time since) {
  std::vector<monitor_change> out;
  auto s = c.prepare(
      "SELECT monitor_id, timestamp, from_status, to_status FROM state_changes "
      "WHERE timestamp >= ?1 ORDER BY timestamp, id");
  s.bind(1, core::format_iso(since));
  while (s.step()) {
    monitor_change m;
    m.id = s.int64(0);
    m.at = time_or_epoch(s.text(1));
    m.from = core::parse_status(s.text(2)).value_or(core::monitor_status::pending);
    m.to = core::parse_status(s.text(3)).value_or(core::monitor_status::pending);
    out.push_back(m);
  }
  return out;
}

std::string read_badge_secret(connection& c) {
  auto s = c.prepare("SELECT value FROM server_meta WHERE key = 'badge_secret'");
  return s.step() ? s.text(0) : std::string();
}

}  // namespace uptime::store
