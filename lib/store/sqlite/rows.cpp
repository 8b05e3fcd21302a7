// Reads and writes of monitors, pushes, state changes and checks (see rows.hpp).
#include "store/sqlite/rows.hpp"

#include "core/kinds.hpp"

#include <boost/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "util/secret.hpp"

namespace uptime::store {

namespace {

std::optional<std::string> iso(const std::optional<core::utc_time>& t) {
  if (!t) return std::nullopt;
  return core::format_iso(*t);
}

std::optional<core::utc_time> time_column(const statement& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return core::parse_iso(s.text(col));
}

// Reads the shared column list of monitor_select into a record.
constexpr const char* monitor_select = R"sql(
SELECT m.id, m.name, m.type, m.group_name, m.enabled, m.status, m.status_since, m.status_reason,
       p.secret_key, p.last_push_at, p.next_expected_at, p.expected_interval, p.grace_period,
       p.push_count, p.open_runs, p.consecutive_failures, p.schedule, p.last_message,
       p.state_version, m.paused_from, m.alert_held, p.last_duration_ms
FROM monitors m LEFT JOIN push_monitors p ON p.monitor_id = m.id)sql";

// Open runs as JSON: [{"run_id":"…","started_at_ms":1736937000000,"paused_ms":0}, …]
std::string runs_to_json(const std::vector<core::open_run>& runs) {
  if (runs.empty()) return "[]";  // nearly every push: no JSON work
  boost::json::array a;
  for (const auto& r : runs)
    a.push_back(boost::json::object{{"run_id", r.run_id},
                                    {"started_at_ms", r.started_at.time_since_epoch().count()},
                                    {"paused_ms", r.paused.count()}});
  return boost::json::serialize(a);
}

std::vector<core::open_run> runs_from_json(const std::string& text) {
  std::vector<core::open_run> out;
  boost::system::error_code ec;
  const auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    const auto* o = e.if_object();
    if (!o || !o->contains("started_at_ms") || !o->at("started_at_ms").is_int64()) continue;
    const auto* rid = o->if_contains("run_id");
    const auto* paused = o->if_contains("paused_ms");
    out.push_back({rid && rid->is_string() ? std::string(rid->get_string()) : std::string(),
                   core::utc_time{std::chrono::milliseconds{o->at("started_at_ms").as_int64()}},
                   std::chrono::milliseconds{paused && paused->is_int64() ? paused->as_int64() : 0}});
  }
  return out;
}

// The rules of the record's kind (a name this build does not know reads as push).
const core::kind_rules& kind_of(const monitor_record& r) {
  return core::rules_of(core::parse_kind(r.type).value_or(core::monitor_kind::push));
}

monitor_record read_monitor(const statement& s) {
  monitor_record r;
  r.id = s.int64(0);
  r.name = s.text(1);
  r.type = s.text(2);
  r.group = s.text(3);
  r.enabled = s.int64(4) != 0;
  r.state.status = core::parse_status(s.text(5)).value_or(core::monitor_status::pending);
  r.state.status_since = time_column(s, 6);
  r.state.reason = s.text(7);
  r.secret_key = s.text(8);
  r.state.last_push_at = time_column(s, 9);
  r.state.next_expected_at = time_column(s, 10);
  r.rules.expected_interval = core::seconds{s.int64(11)};
  r.rules.grace_period = core::seconds{s.int64(12)};
  r.push_count = s.int64(13);
  r.state.open_runs = runs_from_json(s.text(14));
  r.state.consecutive_failures = static_cast<int>(s.int64(15));
  r.last_message = s.text(17);
  r.state_version = s.int64(18);
  r.state.paused_from = core::parse_status(s.text(19)).value_or(core::monitor_status::pending);
  r.state.alert_held = s.int64(20) != 0;
  if (!s.is_null(21)) r.state.last_duration = std::chrono::milliseconds(s.int64(21));
  // Stored as whole seconds: a deadline re-armed from the last push is never early.
  r.state = kind_of(r).from_whole_seconds(std::move(r.state));
  return r;
}

// Applies the pushes newer than each record's stored snapshot (the write-behind's tail after
// a crash) with core::replay_push.
template <typename Records>  // a vector or deque of monitor_record
void replay_unflushed_pushes(connection& c, Records& records) {
  auto rows = c.prepare(
      "SELECT monitor_id, seq, received_at, status, exit_code, run_id, message FROM push_history "
      "WHERE id > ?1 ORDER BY id");
  rows.bind(1, state_flushed_through(c));
  std::unordered_map<monitor_id, monitor_record*> by_id;
  while (rows.step()) {
    if (by_id.empty())
      for (auto& r : records) by_id.emplace(r.id, &r);
    const auto it = by_id.find(rows.int64(0));
    if (it == by_id.end()) continue;
    auto& r = *it->second;
    const auto seq = rows.int64(1);
    const auto received_at = core::parse_iso(rows.text(2));
    if (seq <= r.push_count || !received_at) continue;
    core::push_report report;
    report.signal = core::parse_signal(rows.text(3)).value_or(core::push_signal::success);
    if (!rows.is_null(4)) report.exit_code = static_cast<int>(rows.int64(4));
    report.run_id = rows.text(5);
    report.message = rows.text(6);
    // Whole seconds in push_history: replayed at the second's end, the deadline is never early.
    if (const auto replay = kind_of(r).replay_push)
      r.state = replay(r.state, r.rules, report, core::latest_in_second(*received_at));
    r.push_count = seq;
    r.last_message = std::move(report.message);
    r.replayed = true;
  }
}

}  // namespace

std::deque<monitor_record> sync_monitors(connection& c,
                                          const std::vector<monitor_declaration>& declared,
                                          core::utc_time now) {
  const std::string now_text = core::format_iso(now);
  // Everything known, read in one scan straight into the record of the declaration with its
  // name: a restart with 100,000 monitors then writes only what changed instead of running
  // several statements per monitor, and holds each record once (no second map of them).
  std::unordered_map<std::string_view, std::size_t> wanted;  // name -> index in `declared`
  wanted.reserve(declared.size());
  for (std::size_t i = 0; i < declared.size(); ++i) wanted.emplace(declared[i].name, i);
  struct stored {
    bool found = false;
    bool has_push_row = false;
    std::string schedule;
  };
  std::deque<monitor_record> out(declared.size());
  std::vector<stored> known(declared.size());
  std::vector<monitor_id> undeclared_enabled;  // to disable
  {
    auto all = c.prepare(monitor_select);
    while (all.step()) {
      const auto name = all.text(1);
      const auto it = wanted.find(name);
      if (it == wanted.end()) {
        if (all.int64(4) != 0) undeclared_enabled.push_back(all.int64(0));
        continue;
      }
      out[it->second] = read_monitor(all);
      known[it->second] = {true, !all.is_null(8), all.text(16)};
    }
  }

  auto& insert = c.cached(
      "INSERT INTO monitors(name, type, group_name, enabled, status, created_at, updated_at) "
      "VALUES(?1, ?2, ?3, ?4, 'pending', ?5, ?5)");
  auto& update = c.cached(
      "UPDATE monitors SET type = ?2, group_name = ?3, enabled = ?4, updated_at = ?5 WHERE id = ?1");
  auto& insert_push = c.cached(
      "INSERT INTO push_monitors(monitor_id, secret_key, expected_interval, grace_period, schedule) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  auto& save_rules = c.cached(
      "UPDATE push_monitors SET expected_interval = ?2, grace_period = ?3, schedule = ?4 "
      "WHERE monitor_id = ?1");

  for (std::size_t i = 0; i < declared.size(); ++i) {
    const auto& d = declared[i];
    auto& r = out[i];
    auto& k = known[i];
    if (k.found) {
      if (r.type != d.type || r.group != d.group || r.enabled != d.enabled) {
        update.bind(1, r.id).bind(2, d.type).bind(3, d.group).bind(4, d.enabled ? 1 : 0).bind(5, now_text);
        update.run();
        update.reset();
      }
    } else {
      insert.bind(1, d.name).bind(2, d.type).bind(3, d.group).bind(4, d.enabled ? 1 : 0).bind(5, now_text);
      insert.run();
      insert.reset();
      r.id = c.last_insert_rowid();
      r.name = d.name;
      r.created = true;
    }
    if (!k.has_push_row) {
      // New, or a seed database's monitor without one: a fresh key, and the declared rules.
      r.secret_key = util::generate_secret();
      insert_push.bind(1, r.id)
          .bind(2, r.secret_key)
          .bind(3, d.rules.expected_interval.count())
          .bind(4, d.rules.grace_period.count())
          .bind(5, d.schedule_key);
      insert_push.run();
      insert_push.reset();
      r.rules = d.rules;
      k.schedule = d.schedule_key;
    }
    r.rules_changed = r.rules.expected_interval != d.rules.expected_interval ||
                      r.rules.grace_period != d.rules.grace_period ||
                      k.schedule != d.schedule_key;
    if (r.rules_changed) {
      save_rules.bind(1, r.id)
          .bind(2, d.rules.expected_interval.count())
          .bind(3, d.rules.grace_period.count())
          .bind(4, d.schedule_key);
      save_rules.run();
      save_rules.reset();
    }
    r.type = d.type;
    r.group = d.group;
    r.enabled = d.enabled;
    r.rules = d.rules;
  }
  std::vector<stored>().swap(known);
  std::erase_if(out, [](const monitor_record& r) { return !r.enabled; });

  // Monitors no longer declared are disabled; their rows and history stay.
  auto& disable = c.cached("UPDATE monitors SET enabled = 0, updated_at = ?2 WHERE id = ?1");
  for (const auto id : undeclared_enabled) {
    disable.bind(1, id).bind(2, now_text);
    disable.run();
    disable.reset();
  }
  replay_unflushed_pushes(c, out);
  return out;
}

std::string schedule_key(std::string_view cron_text, std::string_view zone_name) {
  return std::string(cron_text) + ' ' + std::string(zone_name);
}

std::vector<monitor_record> load_monitors(connection& c) {
  std::vector<monitor_record> out;
  auto s = c.prepare(std::string(monitor_select) + " ORDER BY m.id");
  while (s.step()) {
    out.push_back(read_monitor(s));
    // The schedule as stored (schedule_key: the zone after the last space), so pushes
    // replayed below get its deadlines.
    const auto key = s.text(16);
    if (const auto space = key.rfind(' '); space != std::string::npos) {
      auto parsed = core::parse_cron(std::string_view(key).substr(0, space));
      const auto* zone = core::find_zone(std::string_view(key).substr(space + 1));
      if (auto* schedule = std::get_if<core::cron_schedule>(&parsed); schedule && zone) {
        out.back().rules.schedule = std::make_shared<const core::cron_schedule>(std::move(*schedule));
        out.back().rules.zone = zone;
      }
    }
  }
  replay_unflushed_pushes(c, out);
  return out;
}

void save_status(connection& c, monitor_id id, const core::monitor_state& s) {
  auto& m = c.cached(
      "UPDATE monitors SET status = ?2, status_since = ?3, status_reason = ?4, paused_from = ?5, "
      "alert_held = ?6 WHERE id = ?1");
  m.bind(1, id).bind(2, core::to_string(s.status)).bind(3, iso(s.status_since)).bind(4, s.reason);
  if (s.status == core::monitor_status::paused) m.bind(5, core::to_string(s.paused_from));
  m.bind(6, s.alert_held ? 1 : 0);
  m.run();
}

void save_push_fields(connection& c, const state_snapshot& s) {
  auto& p = c.cached(
      "UPDATE push_monitors SET last_push_at = ?2, next_expected_at = ?3, push_count = ?4, "
      "last_message = ?5, open_runs = ?6, consecutive_failures = ?7, state_version = ?8, "
      "last_duration_ms = ?9 WHERE monitor_id = ?1 AND state_version < ?8");
  // Bound without a copy: these outlive run().
  const auto last_push_at = iso(s.state.last_push_at);
  const auto next_expected_at = iso(s.state.next_expected_at);
  const auto open_runs = runs_to_json(s.state.open_runs);
  p.bind(1, s.id).bind(4, s.push_count).bind_view(5, s.last_message).bind_view(6, open_runs)
      .bind(7, s.state.consecutive_failures).bind(8, s.version);
  if (last_push_at) p.bind_view(2, *last_push_at);
  if (next_expected_at) p.bind_view(3, *next_expected_at);
  if (s.state.last_duration) p.bind(9, static_cast<std::int64_t>(s.state.last_duration->count()));
  p.run();
}

void save_state(connection& c, const state_snapshot& s) {
  save_status(c, s.id, s.state);
  save_push_fields(c, s);
}

void set_state_flushed_through(connection& c, std::int64_t history_id) {
  auto& s = c.cached(
      "INSERT INTO server_meta(key, value) VALUES('state_flushed_through', ?1) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  s.bind(1, history_id);
  s.run();
}

std::int64_t state_flushed_through(connection& c) {
  auto& s = c.cached("SELECT value FROM server_meta WHERE key = 'state_flushed_through'");
  const auto through = s.step() ? s.int64(0) : 0;
  s.reset();
  return through;
}

std::int64_t history_end(connection& c) {
  auto& s = c.cached("SELECT coalesce(max(id), 0) FROM push_history");
  const auto end = s.step() ? s.int64(0) : 0;
  s.reset();
  return end;
}

void write_push(connection& c, const push_row& p) {
  // Appended at the end of the table (a new largest rowid): consecutive pushes share pages,
  // so a commit of many pushes writes few pages. prune_push_history keeps the newest N.
  auto& h = c.cached(
      "INSERT INTO push_history(monitor_id, seq, received_at, method, "
      "source_address, user_agent, status, message, payload, exit_code, run_id, duration_ms) "
      "VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  // Text is bound without a copy (this runs for every push): all of it outlives run().
  // Parameters left unbound are NULL (cached() cleared them).
  const auto received_at = core::format_iso_text(p.received_at);
  h.bind(2, p.id)
      .bind(3, p.seq)
      .bind_view(4, received_at.view())
      .bind_view(5, p.method)
      .bind_view(6, p.source_address)
      .bind_view(7, p.user_agent)
      .bind_view(8, core::to_string(p.signal))
      .bind_view(9, p.message)
      .bind(11, p.exit_code);
  if (!p.payload.empty()) h.bind_view(10, p.payload);
  if (!p.run_id.empty()) h.bind_view(12, p.run_id);
  if (p.duration) h.bind(13, static_cast<std::int64_t>(p.duration->count()));
  h.run();
}

void write_transition(connection& c, monitor_id id, const core::transition& t,
                      const state_snapshot* after, bool status_only) {
  auto& sc = c.cached(
      "INSERT INTO state_changes(monitor_id, timestamp, from_status, to_status, reason) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  sc.bind(1, id).bind(2, core::format_iso(t.at)).bind(3, core::to_string(t.from))
      .bind(4, core::to_string(t.to)).bind(5, t.reason);
  sc.run();
  write_check(c, id, t.at, t.to, t.reason);
  if (after) {
    if (status_only)
      save_status(c, id, after->state);
    else
      save_state(c, *after);
  }
}

void write_check(connection& c, monitor_id id, core::utc_time at, core::monitor_status status,
                 const std::string& error_message) {
  auto& s = c.cached(
      "INSERT INTO check_results(monitor_id, timestamp, status, error_message) "
      "VALUES(?1, ?2, ?3, ?4)");
  s.bind(1, id).bind(2, core::format_iso(at)).bind(3, core::to_string(status));
  if (error_message.empty())
    s.bind_null(4);
  else
    s.bind(4, error_message);
  s.run();
}

void record_alive(connection& c, core::utc_time now) {
  auto& s = c.cached(
      "INSERT INTO server_meta(key, value) VALUES('last_alive_at', ?1) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  // To the millisecond: the outage measured from it is added to deadlines at start.
  s.bind(1, core::format_iso_ms(now));
  s.run();
}

std::optional<core::utc_time> last_alive(connection& c) {
  auto s = c.prepare("SELECT value FROM server_meta WHERE key = 'last_alive_at'");
  if (!s.step()) return std::nullopt;
  return core::parse_iso(s.text(0));
}

void save_secret(connection& c, monitor_id id, std::string_view secret_key) {
  auto& s = c.cached("UPDATE push_monitors SET secret_key = ?2 WHERE monitor_id = ?1");
  s.bind(1, id).bind_view(2, secret_key);
  s.run();
}

std::vector<std::pair<monitor_id, std::string>> read_secrets(connection& c) {
  std::vector<std::pair<monitor_id, std::string>> out;
  auto s = c.prepare("SELECT monitor_id, secret_key FROM push_monitors");
  while (s.step()) out.emplace_back(s.int64(0), s.text(1));
  return out;
}

prune_step_result prune_step(connection& c, const retention& r, core::utc_time now,
                             monitor_id from_monitor, int limit, int monitors_per_step) {
  prune_step_result out;
  const auto cutoff = core::format_iso(now - std::chrono::days{r.days});
  for (const char* sql :
       {"DELETE FROM check_results WHERE id IN "
        "(SELECT id FROM check_results WHERE timestamp < ?1 LIMIT ?2)",
        "DELETE FROM state_changes WHERE id IN "
        "(SELECT id FROM state_changes WHERE timestamp < ?1 LIMIT ?2)"}) {
    auto& s = c.cached(sql);
    s.bind(1, cutoff).bind(2, limit);
    s.run();
    out.rows_deleted += s.changes();
  }

  auto& ids = c.cached("SELECT id FROM monitors WHERE id >= ?1 ORDER BY id LIMIT ?2");
  ids.bind(1, from_monitor).bind(2, monitors_per_step);
  std::vector<monitor_id> batch;
  while (ids.step()) batch.push_back(ids.int64(0));
  ids.reset();
  // The newest max_check_results rows per monitor stay: find the timestamp/id of the oldest
  // one kept (an index seek plus a bounded skip), then delete what is older.
  auto& oldest_kept = c.cached(
      "SELECT id FROM check_results WHERE monitor_id = ?1 ORDER BY timestamp DESC, id DESC "
      "LIMIT 1 OFFSET ?2");
  auto& trim = c.cached(
      "DELETE FROM check_results WHERE monitor_id = ?1 AND (timestamp, id) < "
      "(SELECT timestamp, id FROM check_results WHERE id = ?2)");
  for (auto id : batch) {
    oldest_kept.bind(1, id).bind(2, r.max_check_results - 1);
    std::optional<std::int64_t> boundary;
    if (oldest_kept.step()) boundary = oldest_kept.int64(0);
    oldest_kept.reset();
    if (!boundary) continue;
    trim.bind(1, id).bind(2, *boundary);
    trim.run();
    out.rows_deleted += trim.changes();
    trim.reset();
  }
  out.next_monitor = static_cast<int>(batch.size()) < monitors_per_step ? 0 : batch.back() + 1;
  return out;
}

}  // namespace uptime::store
