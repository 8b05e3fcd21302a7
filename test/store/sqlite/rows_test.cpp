// Monitor identity, state, push history, transitions, checks and retention on a real file.
#include <catch2/catch.hpp>

#include "store/sqlite/schema.hpp"
#include "store/sqlite/history_sweep.hpp"
#include "store/sqlite/rows.hpp"
#include "support/temp_db.hpp"

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
  write_push(f.c, row);
  const state_snapshot after{id, 1, 1, "ok", out.state};
  write_transition(f.c, id, *out.change, &after);

  const auto loaded = load_monitors(f.c);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].state == core::from_whole_seconds(out.state));  // stored to the second
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
  history_sweep sweep;
  auto push = [&](history_sweep& into, monitor_id id, int seq) {
    push_row row;
    row.id = id;
    row.seq = seq;
    row.received_at = at("2025-01-01T00:00:00Z") + std::chrono::seconds(seq);
    row.message = "push " + std::to_string(seq);
    into.record(f.c, row);
  };
  auto count = [&](monitor_id id) {
    return f.c.query_int("SELECT count(*) FROM push_history WHERE monitor_id=" + std::to_string(id));
  };
  auto oldest = [&](monitor_id id) {
    return f.c.query_int("SELECT min(seq) FROM push_history WHERE monitor_id=" + std::to_string(id));
  };
  for (int i = 1; i <= 12; ++i) push(sweep, ids[0].id, i);  // ids 1..12
  for (int i = 1; i <= 3; ++i) push(sweep, ids[1].id, i);   // ids 13..15

  SECTION("rows not yet reflected in the written-behind snapshots are never swept") {
    CHECK(sweep.step(f.c, 1, 100) == 0);  // nothing flushed yet: nothing to look at
    CHECK(count(ids[0].id) == 12);
    set_state_flushed_through(f.c, 10);
    CHECK(sweep.step(f.c, 1, 100) == 10);
    CHECK(count(ids[0].id) == 2);  // ids 1..10 went; 11 and 12 are after the mark
    CHECK(count(ids[1].id) == 3);  // ids 13..15, after the mark
    set_state_flushed_through(f.c, history_end(f.c));
    CHECK(sweep.step(f.c, 1, 100) == 15);
    CHECK(count(ids[0].id) == 1);
    CHECK(count(ids[1].id) == 1);
  }

  SECTION("a window is a number of rows, and past the end the sweep starts over") {
    set_state_flushed_through(f.c, history_end(f.c));
    // ids 1..8 are a's pushes 1..8: the first window drops 1..7 (newest is 12, keep 5).
    CHECK(sweep.step(f.c, 5, 8) == 8);
    CHECK(count(ids[0].id) == 5);
    CHECK(sweep.step(f.c, 5, 8) == 15);  // the 7 rows left: the end
    CHECK(count(ids[0].id) == 5);
    CHECK(oldest(ids[0].id) == 8);
    CHECK(count(ids[1].id) == 3);
    // Starting over from the oldest row left (id 8), a smaller N applies.
    CHECK(sweep.step(f.c, 2, 4) == 11);  // ids 8..11: a's 8, 9 and 10 go
    CHECK(count(ids[0].id) == 2);
    CHECK(sweep.step(f.c, 2, 4) == 15);
    CHECK(count(ids[1].id) == 2);
    CHECK(oldest(ids[1].id) == 2);
  }

  SECTION("after a restart a monitor's newest seq is its stored push count until it pushes again") {
    set_state_flushed_through(f.c, history_end(f.c));
    save_push_fields(f.c, {ids[0].id, 1, 10, "", {}});  // the snapshot lags two pushes behind
    history_sweep fresh;
    fresh.step(f.c, 5, 100);
    CHECK(count(ids[0].id) == 7);  // seq 6..12: counted from 10, the sweep keeps more, never fewer
    push(fresh, ids[0].id, 13);
    set_state_flushed_through(f.c, history_end(f.c));
    CHECK(fresh.step(f.c, 5, 100) == 16);
    CHECK(count(ids[0].id) == 5);
    CHECK(oldest(ids[0].id) == 9);
  }

  SECTION("rows within `trail` of the newest are not looked at yet") {
    set_state_flushed_through(f.c, history_end(f.c));
    CHECK(sweep.step(f.c, 1, 100, 5) == 10);  // ids 11..15 are the newest 5
    CHECK(count(ids[0].id) == 2);  // a: seq 1..10 went; 11 could go too, but is in the trail
    CHECK(count(ids[1].id) == 3);  // b: seq 1 and 2 could go, but are in the trail
    CHECK(sweep.step(f.c, 1, 100, 0) == 15);  // without a trail: its own position, to the end
    CHECK(count(ids[0].id) == 1);
    CHECK(count(ids[1].id) == 1);
  }

  SECTION("pushes whose transaction rolled back do not count towards a monitor's newest") {
    // An outage: 50 more pushes of a are recorded, then their transaction rolls back (the
    // server answered them 500). The next push that commits takes seq 13 again.
    sweep.transaction_ended(true);
    {
      transaction tx(f.c);
      for (int i = 13; i <= 62; ++i) push(sweep, ids[0].id, i);
    }  // destroyed without commit: rolled back
    sweep.transaction_ended(false);
    push(sweep, ids[0].id, 13);
    sweep.transaction_ended(true);
    set_state_flushed_through(f.c, history_end(f.c));
    sweep.step(f.c, 10, 100);
    CHECK(count(ids[0].id) == 10);  // seq 4..13: the newest 10, not none
    CHECK(oldest(ids[0].id) == 4);
  }

  SECTION("the rows of a monitor no longer stored are left alone") {
    set_state_flushed_through(f.c, history_end(f.c));
    f.c.exec("DELETE FROM push_monitors WHERE monitor_id=" + std::to_string(ids[1].id));
    history_sweep fresh;
    fresh.step(f.c, 1, 100);
    CHECK(count(ids[1].id) == 3);
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
  save_state(f.c, {id, 1, 1, "", s});
  state_snapshot down{id, 2, 1, "", s};
  down.state.status = core::monitor_status::down;
  down.state.next_expected_at = at("2030-01-01T00:00:00Z");  // would show if push_monitors were written
  write_transition(f.c, id, {core::monitor_status::up, core::monitor_status::down, at("2025-01-01T00:01:00Z"), "late"},
                   &down, true);
  CHECK(f.c.query_int("SELECT count(*) FROM monitors WHERE status='down' AND status_reason IS NOT NULL") == 1);
  auto st = f.c.prepare("SELECT next_expected_at FROM push_monitors");
  REQUIRE(st.step());
  CHECK(st.text(0) == "2025-01-01T00:01:00Z");
}

TEST_CASE("a snapshot older than the stored one does not overwrite it") {
  fixture f;
  const auto id = sync_monitors(f.c, {decl("a", 60s)}, at("2025-01-01T00:00:00Z"))[0].id;
  core::monitor_state newer;
  newer.status = core::monitor_status::up;
  newer.last_push_at = at("2025-01-01T00:05:00Z");
  core::monitor_state older = newer;
  older.last_push_at = at("2025-01-01T00:04:00Z");
  save_push_fields(f.c, {id, 7, 12, "newer", newer});
  save_push_fields(f.c, {id, 6, 11, "older", older});  // committed later, taken earlier
  auto s = f.c.prepare("SELECT last_push_at, push_count, last_message, state_version FROM push_monitors");
  REQUIRE(s.step());
  CHECK(s.text(0) == "2025-01-01T00:05:00Z");
  CHECK(s.int64(1) == 12);
  CHECK(s.text(2) == "newer");
  CHECK(s.int64(3) == 7);
}

TEST_CASE("pushes not yet written behind are replayed when the monitors are read") {
  fixture f;
  const auto id = sync_monitors(f.c, {decl("a", 1h)}, at("2025-01-01T00:00:00Z"))[0].id;
  core::monitor_rules hourly;
  hourly.expected_interval = 1h;
  auto push = [&](int seq, const char* when, std::string message) {
    push_row row;
    row.id = id;
    row.seq = seq;
    row.received_at = at(when);
    row.message = std::move(message);
    write_push(f.c, row);
  };
  // Push 1 went UP and its snapshot was written; everything up to it is flushed.
  push(1, "2025-01-01T10:00:00Z", "first");
  auto first = core::on_push({}, hourly, {}, at("2025-01-01T10:00:00Z"));
  save_state(f.c, {id, 1, 1, "first", first.state});
  set_state_flushed_through(f.c, history_end(f.c));
  // Pushes 2 and 3 were acknowledged, then the server died before writing them behind.
  push(2, "2025-01-01T10:30:00Z", "second");
  push(3, "2025-01-01T11:00:00Z", "third");

  const auto synced = sync_monitors(f.c, {decl("a", 1h)}, at("2025-01-02T00:00:00Z"));
  REQUIRE(synced.size() == 1);
  for (const auto& r : {load_monitors(f.c).at(0), synced[0]}) {
    CHECK(r.replayed);
    CHECK(r.push_count == 3);
    CHECK(r.last_message == "third");
    CHECK(r.state.status == core::monitor_status::up);
    // Whole seconds in the database, replayed at the second's end: the deadline is never
    // before the one the live push set (here a second after, as the push's fraction is lost).
    CHECK(r.state.last_push_at == core::latest_in_second(at("2025-01-01T11:00:00Z")));
    CHECK(r.state.next_expected_at == at("2025-01-01T12:00:01Z"));
  }

  SECTION("a push already in the snapshot is not applied twice") {
    save_push_fields(f.c, {id, 2, 3, "third", load_monitors(f.c)[0].state});
    const auto r = load_monitors(f.c)[0];
    CHECK_FALSE(r.replayed);
    CHECK(r.push_count == 3);
  }
  SECTION("nothing is replayed once the write-behind has caught up") {
    set_state_flushed_through(f.c, history_end(f.c));
    const auto r = load_monitors(f.c)[0];
    CHECK_FALSE(r.replayed);
    CHECK(r.push_count == 1);
  }
}

TEST_CASE("replay keeps the stored status: a status change is written when it happens") {
  fixture f;
  const auto id = sync_monitors(f.c, {decl("a", 1h)}, at("2025-01-01T00:00:00Z"))[0].id;
  core::monitor_rules hourly;
  hourly.expected_interval = 1h;
  auto up = core::on_push({}, hourly, {}, at("2025-01-01T10:00:00Z"));
  save_state(f.c, {id, 1, 1, "", up.state});
  set_state_flushed_through(f.c, history_end(f.c));
  // Push 2 (no change), then its deadline passed: the DOWN was written (status only).
  push_row row;
  row.id = id;
  row.seq = 2;
  row.received_at = at("2025-01-01T10:30:00Z");
  write_push(f.c, row);
  state_snapshot down{id, 0, 2, "", up.state};
  down.state.status = core::monitor_status::down;
  down.state.reason = "late";
  write_transition(f.c, id, {core::monitor_status::up, core::monitor_status::down, at("2025-01-01T11:30:00Z"), "late"},
                   &down, true);
  const auto r = load_monitors(f.c)[0];
  CHECK(r.push_count == 2);
  CHECK(r.state.status == core::monitor_status::down);
  CHECK(r.state.reason == "late");
  CHECK(r.state.last_push_at == core::latest_in_second(at("2025-01-01T10:30:00Z")));
}
