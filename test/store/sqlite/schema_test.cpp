// Schema creation and migration on real SQLite files, including a seed database with no
// version and a database from a newer release.
#include <catch2/catch.hpp>

#include "store/sqlite/schema.hpp"
#include "support/temp_db.hpp"

using namespace uptime::store;

TEST_CASE("a new database gets the whole schema and its version") {
  temp_db t;
  connection c(t.file);
  configure_connection(c, {});
  migrate(c);
  CHECK(c.query_int("PRAGMA user_version") == schema_version);
  for (auto table : {"monitors", "push_monitors", "check_results", "state_changes",
                     "push_history", "server_meta"})
    CHECK(c.query_int(std::string("SELECT count(*) FROM sqlite_master WHERE name='") + table + "'") == 1);
  // The seed's troubleshooting queries work as written.
  c.exec("SELECT m.id, m.name, p.secret_key, p.last_push_at, p.next_expected_at FROM monitors m "
         "JOIN push_monitors p ON p.monitor_id = m.id");
  c.exec("SELECT monitor_id, timestamp, status, error_message FROM check_results "
         "ORDER BY timestamp DESC LIMIT 10");
}

TEST_CASE("migrating twice changes nothing") {
  temp_db t;
  connection c(t.file);
  migrate(c);
  c.exec("INSERT INTO monitors(name) VALUES('a')");
  migrate(c);
  CHECK(c.query_int("SELECT count(*) FROM monitors") == 1);
}

TEST_CASE("a seed database without a version is adopted with its rows") {
  temp_db t;
  {
    connection seed(t.file);
    seed.exec(R"sql(
      CREATE TABLE monitors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT);
      CREATE TABLE push_monitors (monitor_id INTEGER PRIMARY KEY, secret_key TEXT NOT NULL,
                                  last_push_at TEXT);
      CREATE TABLE check_results (id INTEGER PRIMARY KEY, monitor_id INTEGER, timestamp TEXT,
                                  status TEXT, error_message TEXT);
      INSERT INTO monitors VALUES (5, 'Daily Backup', 'push');
      INSERT INTO push_monitors VALUES (5, 'seedkey', '2025-01-15T10:30:00Z');
    )sql");
  }
  connection c(t.file);
  migrate(c);
  CHECK(c.query_int("PRAGMA user_version") == schema_version);
  CHECK(c.query_int("SELECT count(*) FROM monitors WHERE id=5 AND status='pending' AND enabled=1") == 1);
  CHECK(c.query_int("SELECT count(*) FROM push_monitors WHERE secret_key='seedkey' AND push_count=0") == 1);
}

TEST_CASE("a database from a newer release is refused, not damaged") {
  temp_db t;
  {
    connection c(t.file);
    c.exec("PRAGMA user_version=99");
  }
  connection c(t.file);
  CHECK_THROWS_WITH(migrate(c), Catch::Contains("newer than this uptime-monitor understands"));
  CHECK(c.query_int("PRAGMA user_version") == 99);
}

TEST_CASE("connections use WAL") {
  temp_db t;
  connection c(t.file);
  configure_connection(c, {1000, false});
  CHECK(c.query_int("PRAGMA synchronous") == 1);
  auto s = c.prepare("PRAGMA journal_mode");
  REQUIRE(s.step());
  CHECK(s.text(0) == "wal");
}
