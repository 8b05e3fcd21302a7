// Monitor identity, state, push history, transitions, checks and retention on a real file.
#include <catch2/catch.hpp>

#include "store/schema.hpp"
#include "store/store.hpp"
#include "temp_db.hpp"

using namespace uptime;
using namespace uptime::store;
using namespace std::chrono_literals;

namespace {
core::utc_time at(const char* iso) { return *core::parse_iso(iso); }

struct fixture {
  temp_db t;
  connection c{t.file};
  fixture() { migrate(c); }
};

monitor_declaration decl(std::string name, core::seconds interval = 60s, core::seconds grace = 0s) {
  monitor_declaration d;
  d.name = std::move(name);
  d.rules.expected_interval = interval;
  d.rules.grace_period = grace;
  return d;
}
}  // namespace

TEST_CASE("a monitor keeps the id and secret it got the first time its name was seen") {
  fixture f;
  const auto first = sync_monitors(f.c, {decl("a"), decl("b")}, at("2025-01-01T00:00:00Z"));
  REQUIRE(first.size() == 2);
  CHECK(first[0].created);
  CHECK(first[0].secret_key.size() == 43);
  CHECK(first[0].secret_key != first[1].secret_key);
  const auto again = sync_monitors(f.c, {decl("c"), decl("b"), decl("a")}, at("2025-01-02T00:00:00Z"));
  REQUIRE(again.size() == 3);
  CHECK(again[1].id == first[1].id);
  CHECK(again[2].id == first[0].id);
  CHECK(again[2].secret_key == first[0].secret_key);
  CHECK_FALSE(again[2].created);
  CHECK(again[0].created);
}

TEST_CASE("a monitor no longer declared is disabled and keeps its id when it comes back") {
  fixture f;
  const auto first = sync_monitors(f.c, {decl("a"), decl("b")}, at("2025-01-01T00:00:00Z"));
  sync_monitors(f.c, {decl("a")}, at("2025-01-02T00:00:00Z"));
  CHECK(f.c.query_int("SELECT enabled FROM monitors WHERE name='b'") == 0);
  auto disabled = decl("a");
  disabled.enabled = false;
  CHECK(sync_monitors(f.c, {disabled}, at("2025-01-02T00:00:00Z")).empty());
  const auto back = sync_monitors(f.c, {decl("b")}, at("2025-01-03T00:00:00Z"));
  REQUIRE(back.size() == 1);
  CHECK(back[0].id == first[1].id);
  CHECK(f.c.query_int("SELECT enabled FROM monitors WHERE name='b'") == 1);
}

TEST_CASE("changed rules are saved and flagged so the deadline is re-armed") {
  fixture f;
  sync_monitors(f.c, {decl("a", 60s)}, at("2025-01-01T00:00:00Z"));
  CHECK_FALSE(sync_monitors(f.c, {decl("a", 60s)}, at("2025-01-01T00:00:00Z"))[0].rules_changed);
  const auto changed = sync_monitors(f.c, {decl("a", 1h, 5min)}, at("2025-01-01T00:00:00Z"));
  CHECK(changed[0].rules_changed);
  CHECK(changed[0].rules.expected_interval == 1h);
  CHECK(f.c.query_int("SELECT expected_interval + grace_period FROM push_monitors") == 3900);
}

TEST_CASE("state written with a push comes back after reopening") {
  fixture f;
  const auto id = sync_monitors(f.c, {decl("a", 24h, 1h)}, at("2025-01-01T00:00:00Z"))[0].id;
  core::monitor_rules daily;
  daily.expected_interval = 24h;
  daily.grace_period = 1h;
  const auto out = core::on_push({}, daily, {}, at("2025-01-15T10:30:00Z"));
  push_row row;
  row.id = id;
  row.seq = 1;
  row.received_at = out.received_at;
  row.method = "POST";
  row.message = "ok";
  row.state = out.state;
  write_push(f.c, row);
  write_transition(f.c, id, *out.change, &out.state);

  const auto loaded = load_monitors(f.c);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].state == out.state);
  CHECK(loaded[0].push_count == 1);
  CHECK(f.c.query_int("SELECT count(*) FROM state_changes WHERE from_status='pending' AND to_status='up'") == 1);
  CHECK(f.c.query_int("SELECT count(*) FROM check_results WHERE status='up'") == 1);
  auto s = f.c.prepare("SELECT last_push_at, next_expected_at FROM push_monitors");
  REQUIRE(s.step());
  CHECK(s.text(0) == "2025-01-15T10:30:00Z");
  CHECK(s.text(1) == "2025-01-16T11:30:00Z");
}

TEST_CASE("the push history sweep keeps each monitor's newest N pushes, window by window") {
  fixture f;
  const auto ids = sync_monitors(f.c, {decl("a"), decl("b")}, at("2025-01-01T00:00:00Z"));
  auto push = [&](monitor_id id, int seq) {
    push_row row;
    row.id = id;
    row.seq = seq;
    row.received_at = at("2025-01-01T00:00:00Z") + std::chrono::seconds(seq);
    row.message = "push " + std::to_string(seq);
    write_push(f.c, row);
  };
  for (int i = 1; i <= 12; ++i) push(ids[0].id, i);
  for (int i = 1; i <= 3; ++i) push(ids[1].id, i);
  const auto a = std::to_string(ids[0].id);
  // A window covers ids (from, from + window]: two windows of 8 reach every row.
  auto cursor = prune_push_history(f.c, 5, 0, 8);
  CHECK(cursor == 8);
  // ids 1..8 are a's pushes 1..8: the first window drops 1..7, the rest are among the newest 5.
  CHECK(f.c.query_int("SELECT count(*) FROM push_history WHERE monitor_id=" + a) == 5);
  cursor = prune_push_history(f.c, 5, cursor, 8);
  CHECK(cursor == 15);
  CHECK(f.c.query_int("SELECT count(*) FROM push_history WHERE monitor_id=" + a) == 5);
  CHECK(f.c.query_int("SELECT min(seq) FROM push_history WHERE monitor_id=" + a) == 8);
  CHECK(f.c.query_int("SELECT count(*) FROM push_history WHERE monitor_id=" + std::to_string(ids[1].id)) == 3);
  SECTION("past the end it starts over; a smaller N applies on the next pass") {
    CHECK(prune_push_history(f.c, 2, cursor, 8) == 8);  // wrapped to the oldest rows
    prune_push_history(f.c, 2, 8, 8);
    CHECK(f.c.query_int("SELECT count(*) FROM push_history") == 4);
  }
}

TEST_CASE("retention prunes rows by age and check results by count per monitor") {
  fixture f;
  const auto ids = sync_monitors(f.c, {decl("a"), decl("b")}, at("2025-01-01T00:00:00Z"));
  const auto now = at("2025-03-01T00:00:00Z");
  for (int i = 0; i < 40; ++i) write_check(f.c, ids[0].id, now - std::chrono::days(i), core::monitor_status::up, "");
  for (int i = 0; i < 3; ++i) write_check(f.c, ids[1].id, now - std::chrono::hours(i), core::monitor_status::down, "x");
  write_transition(f.c, ids[1].id, {core::monitor_status::up, core::monitor_status::down,
                                    now - std::chrono::days(45), "old"}, nullptr);
  retention r{30, 10, 100};
  auto step = prune_step(f.c, r, now, 0);
  CHECK(step.next_monitor == 0);
  // a: 40 daily rows -> 30 within 30 days (day 0..29) -> newest 10 kept.
  CHECK(f.c.query_int("SELECT count(*) FROM check_results WHERE monitor_id=" + std::to_string(ids[0].id)) == 10);
  CHECK(f.c.query_int("SELECT count(*) FROM check_results WHERE monitor_id=" + std::to_string(ids[1].id)) == 3);
  CHECK(f.c.query_int("SELECT count(*) FROM state_changes") == 0);
}

TEST_CASE("the liveness record is written and read back") {
  fixture f;
  CHECK_FALSE(last_alive(f.c));
  record_alive(f.c, at("2025-01-01T00:00:00Z"));
  record_alive(f.c, at("2025-01-01T00:00:02Z"));
  CHECK(last_alive(f.c) == at("2025-01-01T00:00:02Z"));
}

TEST_CASE("keys changed outside the server are read back") {
  fixture f;
  const auto ids = sync_monitors(f.c, {decl("a")}, at("2025-01-01T00:00:00Z"));
  f.c.exec("UPDATE push_monitors SET secret_key='rotated'");
  const auto secrets = read_secrets(f.c);
  REQUIRE(secrets.size() == 1);
  CHECK(secrets[0] == std::pair<monitor_id, std::string>{ids[0].id, "rotated"});
}

TEST_CASE("a status-only transition leaves the push_monitors row as it was") {
  fixture f;
  const auto id = sync_monitors(f.c, {decl("a", 60s)}, at("2025-01-01T00:00:00Z"))[0].id;
  core::monitor_state s;
  s.status = core::monitor_status::up;
  s.last_push_at = at("2025-01-01T00:00:00Z");
  s.next_expected_at = at("2025-01-01T00:01:00Z");
  save_state(f.c, id, s);
  core::monitor_state down = s;
  down.status = core::monitor_status::down;
  down.next_expected_at = at("2030-01-01T00:00:00Z");  // would show if push_monitors were written
  write_transition(f.c, id, {core::monitor_status::up, core::monitor_status::down, at("2025-01-01T00:01:00Z"), "late"},
                   &down, true);
  CHECK(f.c.query_int("SELECT count(*) FROM monitors WHERE status='down' AND status_reason IS NOT NULL") == 1);
  auto st = f.c.prepare("SELECT next_expected_at FROM push_monitors");
  REQUIRE(st.step());
  CHECK(st.text(0) == "2025-01-01T00:01:00Z");
}
