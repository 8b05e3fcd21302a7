// Schema creation and migrations (see schema.hpp).
#include "store/sqlite/schema.hpp"

#include <fmt/format.h>

#include <set>
#include <string>

#include "util/secret.hpp"

namespace uptime::store {

void configure_connection(connection& c, const connection_options& o) {
  sqlite3_busy_timeout(c.handle(), o.busy_timeout_ms);
  // Small pages: a push touches a few rows, and every page it dirties is copied whole into
  // the WAL. Takes effect only for a new database (before its first table).
  c.exec("PRAGMA page_size=1024");
  c.exec("PRAGMA journal_mode=WAL");
  c.exec(o.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  c.exec("PRAGMA foreign_keys=OFF");
}

namespace {

// Version 1. Written so that it also adopts a seed database (user_version 0 with some of
// these tables already present): tables are created if missing, then missing columns added.
constexpr const char* v1_tables = R"sql(
CREATE TABLE IF NOT EXISTS monitors (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS push_monitors (
  monitor_id INTEGER PRIMARY KEY REFERENCES monitors(id),
  secret_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS check_results (
  id INTEGER PRIMARY KEY,
  monitor_id INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state_changes (
  id INTEGER PRIMARY KEY,
  monitor_id INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT
);
-- Appended on every push; kept to the newest N per monitor by a background sweep in id
-- order (store::history_sweep), so the push path maintains no index keyed on monitor.
CREATE TABLE IF NOT EXISTS push_history (
  id INTEGER PRIMARY KEY,
  monitor_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  method TEXT,
  source_address TEXT,
  user_agent TEXT,
  status TEXT NOT NULL,
  message TEXT,
  payload TEXT
);
CREATE TABLE IF NOT EXISTS server_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

struct column {
  const char* table;
  const char* name;
  const char* definition;
};

constexpr column v1_columns[] = {
    {"monitors", "type", "TEXT NOT NULL DEFAULT 'push'"},
    {"monitors", "group_name", "TEXT NOT NULL DEFAULT ''"},
    {"monitors", "enabled", "INTEGER NOT NULL DEFAULT 1"},
    {"monitors", "status", "TEXT NOT NULL DEFAULT 'pending'"},
    {"monitors", "status_since", "TEXT"},
    {"monitors", "status_reason", "TEXT"},
    {"monitors", "created_at", "TEXT"},
    {"monitors", "updated_at", "TEXT"},
    {"push_monitors", "expected_interval", "INTEGER NOT NULL DEFAULT 0"},
    {"push_monitors", "grace_period", "INTEGER NOT NULL DEFAULT 0"},
    {"push_monitors", "last_push_at", "TEXT"},
    {"push_monitors", "next_expected_at", "TEXT"},
    {"push_monitors", "push_count", "INTEGER NOT NULL DEFAULT 0"},
    {"push_monitors", "last_message", "TEXT"},
    {"check_results", "error_message", "TEXT"},
    {"check_results", "response_time_ms", "INTEGER"},
};

std::set<std::string> columns_of(connection& c, const char* table) {
  std::set<std::string> out;
  auto s = c.prepare(fmt::format("PRAGMA table_info({})", table));
  while (s.step()) out.insert(s.text(1));
  return out;
}

void migrate_to_v1(connection& c) {
  c.exec(v1_tables);
  for (const auto& col : v1_columns)
    if (!columns_of(c, col.table).count(col.name))
      c.exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", col.table, col.name, col.definition));
  c.exec(R"sql(
CREATE INDEX IF NOT EXISTS check_results_monitor_time ON check_results(monitor_id, timestamp);
CREATE INDEX IF NOT EXISTS check_results_time ON check_results(timestamp);
CREATE INDEX IF NOT EXISTS state_changes_monitor_time ON state_changes(monitor_id, timestamp);
)sql");
}

// Version 2: the notification outbox. An alert is a row here, written in the same transaction
// as the state change that causes it, and stays until delivered or given up.
void migrate_to_v2(connection& c) {
  c.exec(R"sql(
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL UNIQUE,
  monitor_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  event TEXT NOT NULL,
  created_at TEXT NOT NULL,
  alert TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  delivered_at TEXT,
  gave_up_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS outbox_created ON outbox(created_at);
)sql");
}

// Version 3: runs (start/finish signals), exit codes and durations.
void migrate_to_v3(connection& c) {
  constexpr column v3_columns[] = {
      {"push_monitors", "open_runs", "TEXT NOT NULL DEFAULT '[]'"},
      {"push_monitors", "consecutive_failures", "INTEGER NOT NULL DEFAULT 0"},
      {"push_history", "exit_code", "INTEGER"},
      {"push_history", "run_id", "TEXT"},
      {"push_history", "duration_ms", "INTEGER"},
  };
  for (const auto& col : v3_columns)
    if (!columns_of(c, col.table).count(col.name))
      c.exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", col.table, col.name, col.definition));
}

// Version 4: the schedule a monitor's deadlines follow ("0 2 * * * Europe/Berlin"; "" for a
// fixed interval), so a changed schedule re-arms the deadline like a changed interval.
void migrate_to_v4(connection& c) {
  if (!columns_of(c, "push_monitors").count("schedule"))
    c.exec("ALTER TABLE push_monitors ADD COLUMN schedule TEXT NOT NULL DEFAULT ''");
}

// Version 5: push_monitors is written behind (store/store.hpp, on push state written behind):
// state_version orders its snapshots, and server_meta's state_flushed_through says up to which
// push_history id they are complete. Until now every push wrote its row, so all of them are.
void migrate_to_v5(connection& c) {
  if (!columns_of(c, "push_monitors").count("state_version"))
    c.exec("ALTER TABLE push_monitors ADD COLUMN state_version INTEGER NOT NULL DEFAULT 0");
  c.exec("INSERT OR REPLACE INTO server_meta(key, value) "
         "SELECT 'state_flushed_through', coalesce(max(id), 0) FROM push_history");
}

// Version 6: pause (the status to return to), alerts held by a maintenance window, the last
// run's duration, and the secret badge keys are derived from (api/badge_keys.hpp).
void migrate_to_v6(connection& c) {
  constexpr column v6_columns[] = {
      {"monitors", "paused_from", "TEXT"},
      {"monitors", "alert_held", "INTEGER NOT NULL DEFAULT 0"},
      {"push_monitors", "last_duration_ms", "INTEGER"},
  };
  for (const auto& col : v6_columns)
    if (!columns_of(c, col.table).count(col.name))
      c.exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", col.table, col.name, col.definition));
  auto s = c.prepare("INSERT OR IGNORE INTO server_meta(key, value) VALUES('badge_secret', ?1)");
  s.bind(1, util::generate_secret());
  s.run();
}

}  // namespace

void migrate(connection& c) {
  transaction tx(c);
  const auto version = c.query_int("PRAGMA user_version");
  if (version > schema_version)
    throw std::runtime_error(fmt::format(
        "the database has schema version {}, newer than this uptime-monitor understands ({}); "
        "upgrade uptime-monitor",
        version, schema_version));
  if (version < 1) migrate_to_v1(c);
  if (version < 2) migrate_to_v2(c);
  if (version < 3) migrate_to_v3(c);
  if (version < 4) migrate_to_v4(c);
  if (version < 5) migrate_to_v5(c);
  if (version < 6) migrate_to_v6(c);
  c.exec(fmt::format("PRAGMA user_version={}", schema_version));
  tx.commit();
}

}  // namespace uptime::store
