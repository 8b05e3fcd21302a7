// The group-commit writer: completions after commit on the io executor, batching under load,
// a failing job failing only its own transaction, and outside changes noticed.
#include <catch2/catch.hpp>

#include <sched.h>

#include <atomic>
#include <thread>

#include "store/sqlite/schema.hpp"
#include "store/sqlite/writer.hpp"
#include "support/run_until.hpp"
#include "support/temp_db.hpp"

using namespace uptime;
using namespace uptime::store;

using uptime::test::run_until;

TEST_CASE("every job is committed before its completion runs on the io thread") {
  temp_db t;
  net::io_context io;
  writer w(t.file, {}, io.get_executor());
  w.submit([](connection& c) { c.exec("CREATE TABLE IF NOT EXISTS x(v INTEGER)"); }, nullptr);
  constexpr int jobs = 2000;
  std::atomic<int> ok{0};
  const auto io_thread = std::this_thread::get_id();
  std::thread producer([&] {
    for (int i = 0; i < jobs; ++i)
      w.submit([i](connection& c) { c.prepare("INSERT INTO x VALUES(" + std::to_string(i) + ")").run(); },
               [&, io_thread](bool committed) {
                 CHECK(std::this_thread::get_id() == io_thread);
                 if (committed) ++ok;
               });
  });
  producer.join();
  run_until(io, [&] { return ok == jobs; });
  CHECK(ok == jobs);
  w.stop();
  connection c(t.file);
  CHECK(c.query_int("SELECT count(*) FROM x") == jobs);
  // Group commit: far fewer transactions than jobs under a burst.
  CHECK(w.counters().jobs == jobs + 1);
  CHECK(w.counters().transactions < jobs);
}

TEST_CASE("a failing job fails its transaction and the writer goes on") {
  temp_db t;
  net::io_context io;
  writer w(t.file, {}, io.get_executor());
  std::vector<bool> results;
  w.submit([](connection& c) { c.exec("CREATE TABLE x(v INTEGER)"); }, [&](bool r) { results.push_back(r); });
  run_until(io, [&] { return results.size() == 1; });
  std::atomic<bool> release{false};
  // A slow job ahead of them: the two jobs behind it share one transaction.
  w.submit([&](connection&) { while (!release) std::this_thread::yield(); }, nullptr);
  w.submit([](connection& c) { c.exec("INSERT INTO x VALUES(1)"); }, [&](bool r) { results.push_back(r); });
  w.submit([](connection& c) { c.exec("INSERT INTO missing_table VALUES(1)"); }, [&](bool r) { results.push_back(r); });
  release = true;
  run_until(io, [&] { return results.size() == 3; });
  REQUIRE(results.size() == 3);
  CHECK(results[0]);
  CHECK_FALSE(results[1]);  // rolled back with its batch: nothing acknowledged was written
  CHECK_FALSE(results[2]);
  w.submit([](connection& c) { c.exec("INSERT INTO x VALUES(2)"); }, [&](bool r) { results.push_back(r); });
  run_until(io, [&] { return results.size() == 4; });
  CHECK(results[3]);
  w.stop();
  connection c(t.file);
  CHECK(c.query_int("SELECT group_concat(v) FROM x") == 2);
  CHECK(w.counters().failed_transactions == 1);
}

TEST_CASE("a commit made by another process is noticed by the writer") {
  temp_db t;
  net::io_context io;
  std::atomic<int> noticed{0};
  writer w(t.file, {}, io.get_executor(), [&](connection& c) {
    if (c.query_int("SELECT count(*) FROM server_meta WHERE key='outside'") == 1) ++noticed;
  });
  {
    connection other(t.file);
    sqlite3_busy_timeout(other.handle(), 2000);
    other.exec("INSERT INTO server_meta(key, value) VALUES('outside', '1')");
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (noticed == 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(noticed == 1);
}

TEST_CASE("stop commits what was queued") {
  temp_db t;
  {
    net::io_context io;
    writer w(t.file, {}, io.get_executor());
    w.submit([](connection& c) { c.exec("CREATE TABLE x(v INTEGER)"); }, nullptr);
    for (int i = 0; i < 100; ++i) w.submit([](connection& c) { c.exec("INSERT INTO x VALUES(1)"); }, nullptr);
    w.stop();
  }
  connection c(t.file);
  CHECK(c.query_int("SELECT count(*) FROM x") == 100);
}

TEST_CASE("a burst of background jobs does not hold an interactive job back") {
  temp_db t;
  net::io_context io;
  writer w(t.file, {}, io.get_executor());
  std::atomic<bool> release{false};
  std::atomic<bool> started{false};
  w.submit([&](connection&) {
    started = true;
    while (!release) std::this_thread::yield();
  }, nullptr);
  while (!started) std::this_thread::yield();
  std::vector<std::string> order;
  const int burst = 2500;
  for (int i = 0; i < burst; ++i)
    w.submit([](connection&) {}, [&](bool) { order.push_back("background"); }, writer::lane::background);
  w.submit([](connection&) {}, [&](bool) { order.push_back("push"); });
  release = true;
  run_until(io, [&] { return order.size() == burst + 1; });
  REQUIRE(order.size() == burst + 1);
  const auto push_at = std::find(order.begin(), order.end(), "push") - order.begin();
  // It shares the first transaction after the wait with at most one slice of the burst.
  CHECK(push_at <= static_cast<long>(writer::max_background_per_transaction));
  CHECK(w.counters().transactions >= 1 + (burst + writer::max_background_per_transaction - 1) /
                                             writer::max_background_per_transaction);
}

TEST_CASE("what the io thread submits in one turn is handed over together, in order") {
  temp_db t;
  net::io_context io;
  writer w(t.file, {}, io.get_executor());
  bool created = false;
  w.submit([](connection& c) { c.exec("CREATE TABLE x(seq INTEGER, rows_before INTEGER)"); },
           [&](bool ok) { created = ok; });
  run_until(io, [&] { return created; });
  REQUIRE(created);
  const auto before = w.counters().transactions;
  constexpr int jobs = 50;
  int committed = 0;
  net::post(io, [&] {  // one turn of the io loop, like the requests one wake-up read
    for (int i = 0; i < jobs; ++i)
      w.submit([i](connection& c) {
                 c.prepare("INSERT INTO x VALUES(" + std::to_string(i) + ", (SELECT count(*) FROM x))").run();
               },
               [&](bool ok) { committed += ok; });
  });
  run_until(io, [&] { return committed == jobs; });
  REQUIRE(committed == jobs);
  CHECK(w.counters().transactions == before + 1);  // one wake-up, one commit
  w.stop();
  connection c(t.file);
  CHECK(c.query_int("SELECT count(*) FROM x WHERE seq = rows_before") == jobs);  // in order
}

TEST_CASE("stop on the io thread writes what that turn staged") {
  temp_db t;
  {
    net::io_context io;
    writer w(t.file, {}, io.get_executor());
    w.submit([](connection& c) { c.exec("CREATE TABLE x(v INTEGER)"); }, nullptr);
    net::post(io, [&] {
      for (int i = 0; i < 10; ++i) w.submit([](connection& c) { c.exec("INSERT INTO x VALUES(1)"); }, nullptr);
      w.stop();
    });
    io.run();
  }
  connection c(t.file);
  CHECK(c.query_int("SELECT count(*) FROM x") == 10);
}

TEST_CASE("the writer's thread does not preempt the io thread when woken (SCHED_BATCH)") {
  temp_db t;
  net::io_context io;
  writer w(t.file, {}, io.get_executor());
  std::atomic<int> policy{-1};
  bool done = false;
  w.submit([&](connection&) { policy = sched_getscheduler(0); }, [&](bool) { done = true; });
  run_until(io, [&] { return done; });
  w.stop();
  CHECK(policy == SCHED_BATCH);
  CHECK(sched_getscheduler(0) == SCHED_OTHER);  // the caller's (the io thread's) is untouched
}

TEST_CASE("under a steady stream of commits the WAL is started over instead of growing") {
  connection_options options;
  SECTION("synchronous=normal") {}
  SECTION("synchronous=full (a commit waits for its fsync)") { options.synchronous_full = true; }
  temp_db t;
  net::io_context io;
  writer w(t.file, options, io.get_executor());
  bool created = false;
  w.submit([](connection& c) { c.exec("CREATE TABLE x(id INTEGER PRIMARY KEY, v BLOB)"); },
           [&](bool) { created = true; });
  run_until(io, [&] { return created; });
  // Each job rewrites a 4 KB row (several pages: several WAL frames), over the same 1,000
  // rows, so the database stays small and only the log could grow. The producer never
  // lets the queue run dry: the writer has no pause in which a checkpoint could slip in.
  constexpr std::int64_t written_target = 4 * writer::max_wal_bytes;
  constexpr int row_bytes = 4000;
  std::atomic<int> committed{0};
  std::atomic<bool> stop{false};
  std::thread producer([&] {
    for (int i = 0; !stop; ++i) {
      while (!stop && i - committed > 200) std::this_thread::yield();
      w.submit([i](connection& c) {
        c.prepare("INSERT OR REPLACE INTO x(id, v) VALUES(" + std::to_string(i % 1000) + ", zeroblob(" +
                  std::to_string(row_bytes) + "))").run();
      }, [&](bool) { ++committed; });
    }
  });
  const auto wal = std::filesystem::path(t.file.string() + "-wal");
  std::uintmax_t largest = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (static_cast<std::int64_t>(committed) * row_bytes < written_target &&
         std::chrono::steady_clock::now() < give_up) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
    std::error_code ec;
    largest = std::max(largest, std::filesystem::file_size(wal, ec) * !ec);
  }
  stop = true;
  producer.join();
  w.stop();
  io.restart();
  io.poll();  // the last completions, while `committed` still exists
  INFO("committed " << committed << " jobs; largest WAL " << largest << " bytes");
  CHECK(static_cast<std::int64_t>(committed) * row_bytes >= written_target);
  // The log is started over past max_wal_bytes; it may grow by what is committed meanwhile.
  CHECK(largest < static_cast<std::uintmax_t>(writer::max_wal_bytes * 2));
}
