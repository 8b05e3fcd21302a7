// The store interface (store/store.hpp) as its callers use it: batches committed and read
// back, must-commit changes kept through an outage and written once the database takes them,
// a read-only store for the CLI. A real SQLite file behind open_store(); an outage is another
// connection holding the database's write lock.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include "net.hpp"
#include "support/run_until.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"
#include "support/temp_db.hpp"

using namespace uptime;
using namespace std::chrono_literals;
using uptime::test::run_until;

namespace {

core::utc_time at(const char* iso) { return *core::parse_iso(iso); }

store::monitor_declaration declared(std::string name) {
  store::monitor_declaration d;
  d.name = std::move(name);
  d.rules.expected_interval = std::chrono::seconds(60);
  return d;
}

// The store with its events recorded.
struct open_fixture {
  temp_db t;
  net::io_context io;
  std::vector<store::outbox_row> committed_alerts;
  std::unique_ptr<store::store> db;
  std::vector<store::monitor_record> monitors;

  explicit open_fixture(int busy_timeout_ms = 5000) {
    store::store_settings s;
    s.path = t.file;
    s.busy_timeout_ms = busy_timeout_ms;
    store::store_events e;
    e.alerts_committed = [this](std::vector<store::outbox_row> rows) {
      for (auto& r : rows) committed_alerts.push_back(std::move(r));
    };
    db = store::open_store(s, io.get_executor(), std::move(e));
    bool started = false;
    db->start({declared("backup"), declared("report")}, at("2025-01-01T00:00:00Z"),
              [&](std::optional<store::start_state> st) {
                REQUIRE(st);
                for (auto& m : st->monitors) monitors.push_back(std::move(m));
                started = true;
              });
    run_until(io, [&] { return started; });
    REQUIRE(monitors.size() == 2);
  }
  ~open_fixture() { db->stop(); }

  bool commit(store::batch b, store::store::lane l = store::store::lane::interactive) {
    std::optional<bool> result;
    db->commit(std::move(b), l, [&](bool ok) { result = ok; });
    run_until(io, [&] { return result.has_value(); });
    REQUIRE(result);
    return *result;
  }

  template <typename T, typename Read>
  T read(Read r) {
    std::optional<std::optional<T>> out;
    r([&](std::optional<T> v) { out = std::move(v); });
    run_until(io, [&] { return out.has_value(); });
    REQUIRE(out);
    REQUIRE(*out);
    return std::move(**out);
  }
};

store::change_row went_down(store::monitor_id id, const char* when, const char* channel) {
  store::change_row c;
  c.id = id;
  c.transition = core::transition{core::monitor_status::up, core::monitor_status::down, at(when),
                                  "No push for 60s"};
  c.after = store::state_snapshot{id, 0, 0, {}, {}};
  c.after->state.status = core::monitor_status::down;
  c.after->state.status_since = at(when);
  c.status_only = true;
  store::outbox_row a;
  a.alert_id = std::string("alert-") + when;
  a.monitor_id = id;
  a.channel = channel;
  a.event = "down";
  a.created_at = at(when);
  a.next_attempt_at = at(when);
  a.alert = "{}";
  c.alerts.push_back(std::move(a));
  return c;
}

// A batch with one push of monitor `id` (its first) at `when`.
store::batch push_at(store::monitor_id id, const char* when) {
  store::batch b;
  auto& push = b.push.emplace();
  push.id = id;
  push.seq = 1;
  push.received_at = at(when);
  return b;
}

// Another process holding the write lock: every commit of the store fails while it lives.
struct write_lock {
  store::connection other;
  explicit write_lock(const std::filesystem::path& file) : other(file) { other.exec("BEGIN EXCLUSIVE"); }
  void release() { other.exec("COMMIT"); }
};

}  // namespace

TEST_CASE("a committed batch reads back through the store's reads") {
  open_fixture f;
  const auto id = f.monitors.front().id;
  auto b = push_at(id, "2025-01-01T00:00:05Z");
  b.push->method = "POST";
  b.push->message = "42 files";
  b.changes.push_back(went_down(id, "2025-01-01T00:00:05Z", "ops"));
  b.checks.push_back({id, at("2025-01-01T00:00:06Z"), core::monitor_status::down, "late"});
  CHECK(f.commit(std::move(b)));

  REQUIRE(f.committed_alerts.size() == 1);
  CHECK(f.committed_alerts[0].id > 0);
  CHECK(f.committed_alerts[0].channel == "ops");

  const auto listed = f.read<std::vector<store::monitor_record>>(
      [&](auto done) { f.db->list_monitors(std::move(done)); });
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].name == "backup");
  CHECK(listed[0].state.status == core::monitor_status::down);

  const auto pushes = f.read<std::vector<store::push_row>>(
      [&](auto done) { f.db->push_history(id, 10, std::nullopt, std::move(done)); });
  REQUIRE(pushes.size() == 1);
  CHECK(pushes[0].message == "42 files");
  CHECK(pushes[0].received_at == at("2025-01-01T00:00:05Z"));

  const auto changes = f.read<std::vector<store::change_record>>(
      [&](auto done) { f.db->state_changes(id, 10, std::move(done)); });
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].to == core::monitor_status::down);
  CHECK(changes[0].reason == "No push for 60s");

  store::batch delivered;
  delivered.deliveries.push_back({f.committed_alerts[0].id, store::delivery_row::outcome::delivered, 1,
                                  at("2025-01-01T00:00:07Z"), {}});
  CHECK(f.commit(std::move(delivered), store::store::lane::background));
  const auto sent = f.read<std::vector<store::outbox_row>>(
      [&](auto done) { f.db->deliveries(id, 10, std::move(done)); });
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].status == "delivered");
  CHECK(sent[0].attempts == 1);
}

TEST_CASE("a state change the database refuses is kept, and written with its alert once it can be") {
  open_fixture f(50);
  const auto id = f.monitors.front().id;
  write_lock lock(f.t.file);
  store::batch b;
  b.changes.push_back(went_down(id, "2025-01-01T00:01:00Z", "ops"));
  f.db->commit(std::move(b), store::store::lane::must_commit);
  run_until(f.io, [&] { return f.db->failing(); });
  CHECK(f.db->failing());
  CHECK(f.db->unwritten_monitors() >= 1);
  CHECK(f.committed_alerts.empty());

  lock.release();
  run_until(f.io, [&] { return !f.committed_alerts.empty() && f.db->unwritten_monitors() == 0; });
  REQUIRE(f.committed_alerts.size() == 1);
  const auto changes = f.read<std::vector<store::change_record>>(
      [&](auto done) { f.db->state_changes(id, 10, std::move(done)); });
  CHECK(changes.size() == 1);  // written once, not once per attempt
}

TEST_CASE("a push refused in an outage is not kept, but the state change it caused is") {
  open_fixture f(50);
  const auto id = f.monitors.front().id;
  write_lock lock(f.t.file);
  auto b = push_at(id, "2025-01-01T00:02:00Z");
  b.changes.push_back(went_down(id, "2025-01-01T00:02:00Z", "ops"));
  CHECK_FALSE(f.commit(std::move(b)));
  lock.release();
  run_until(f.io, [&] { return f.db->unwritten_monitors() == 0 && !f.committed_alerts.empty(); });
  CHECK(f.committed_alerts.size() == 1);
  const auto pushes = f.read<std::vector<store::push_row>>(
      [&](auto done) { f.db->push_history(id, 10, std::nullopt, std::move(done)); });
  CHECK(pushes.empty());
  const auto changes = f.read<std::vector<store::change_record>>(
      [&](auto done) { f.db->state_changes(id, 10, std::move(done)); });
  CHECK(changes.size() == 1);
}

TEST_CASE("a monitor's refused changes are written before its next push, in one transaction") {
  open_fixture f(50);
  const auto id = f.monitors.front().id;
  {
    write_lock lock(f.t.file);
    store::batch b;
    b.changes.push_back(went_down(id, "2025-01-01T00:03:00Z", "ops"));
    f.db->commit(std::move(b), store::store::lane::must_commit);
    run_until(f.io, [&] { return f.db->failing(); });
    lock.release();
  }
  // The push comes before the retry loop's next attempt (1 s): it carries the change with it.
  auto p = push_at(id, "2025-01-01T00:03:01Z");
  CHECK(f.commit(std::move(p)));
  CHECK(f.db->unwritten_monitors() == 0);
  CHECK(f.committed_alerts.size() == 1);
}

TEST_CASE("a read-only store reads and refuses every write") {
  open_fixture f;  // creates the database
  f.db->stop();
  net::io_context io;
  store::store_settings s;
  s.path = f.t.file;
  s.read_only = true;
  auto db = store::open_store(s, io.get_executor());
  std::optional<bool> committed;
  db->commit(store::batch{}, store::store::lane::interactive, [&](bool ok) { committed = ok; });
  CHECK(committed == false);
  std::optional<std::optional<std::vector<store::monitor_record>>> listed;
  db->list_monitors([&](auto r) { listed = std::move(r); });
  run_until(io, [&] { return listed.has_value(); });
  REQUIRE(listed);
  REQUIRE(*listed);
  CHECK((*listed)->size() == 2);
}

TEST_CASE("opening a store that cannot be read says why") {
  net::io_context io;
  store::store_settings s;
  s.path = "/nonexistent-folder-for-uptime-test/uptime.db";
  s.read_only = true;
  CHECK_THROWS(store::open_store(s, io.get_executor()));
}
