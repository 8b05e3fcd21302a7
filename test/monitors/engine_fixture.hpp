// A running engine over a real SQLite store, driven by a manual clock (see engine_test.cpp):
// one push monitor "backup", expected every 60 s with 10 s grace, alerting channel "ops".
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "config/config.hpp"
#include "monitors/clock.hpp"
#include "monitors/engine.hpp"
#include "net.hpp"
#include "store/store.hpp"
#include "support/run_until.hpp"
#include "support/temp_db.hpp"

namespace uptime::test {

using namespace std::chrono_literals;

inline core::utc_time at(const char* iso) { return *core::parse_iso(iso); }

// One push monitor "backup": expected every 60 s with 10 s grace, alerts to channel "ops",
// reminders every `remind` while DOWN.
struct engine_fixture {
  temp_db t;
  net::io_context io;
  monitors::manual_clock clock{at("2025-03-01T12:00:00Z")};
  std::unique_ptr<store::store> db;
  std::unique_ptr<monitors::engine> engine;
  config::config cfg;
  std::vector<store::outbox_row> alerts;

  explicit engine_fixture(std::chrono::seconds remind = 0s) {
    store::store_settings s;
    s.path = t.file;
    store::store_events e;
    e.alerts_committed = [this](std::vector<store::outbox_row> rows) {
      for (auto& r : rows) alerts.push_back(std::move(r));
    };
    db = store::open_store(s, io.get_executor(), std::move(e));
    config::monitor_settings m;
    m.name = "backup";
    m.expected_interval = 60s;
    m.grace_period = 10s;
    m.notifications = {"ops"};
    m.remind_every = remind;
    cfg.monitors.push_back(m);
    engine = std::make_unique<monitors::engine>(io, *db, clock);
    engine->set_config(cfg);

    store::monitor_declaration d;
    d.name = "backup";
    d.rules.expected_interval = 60s;
    d.rules.grace_period = 10s;
    std::optional<store::start_state> started;
    db->start({d}, clock.now(), [&](std::optional<store::start_state> st) { started = std::move(st); });
    run_until(io, [&] { return started.has_value(); });
    REQUIRE(started);
    engine->start(*started);
  }
  ~engine_fixture() {
    engine->stop();
    db->stop();
  }

  monitors::monitor_entry& backup() {
    auto* m = engine->monitors().find(1);
    REQUIRE(m);
    return *m;
  }

  monitors::push_result push(std::string key, std::string body = {}) {
    std::optional<monitors::push_result> result;
    monitors::push_request r;
    r.id = 1;
    r.secret_key = key;
    r.method = "POST";
    r.body = std::move(body);
    engine->push().receive(std::move(r), [&](monitors::push_result out) { result = std::move(out); });
    run_until(io, [&] { return result.has_value(); });
    REQUIRE(result);
    return std::move(*result);
  }

  std::string key() { return std::string(backup().secret_key.view()); }

  // The monitor's timer fires now, and whatever it decides is committed.
  void timer_fires() {
    engine->deadline_timers().expire(backup());
    io.restart();
    io.run_for(50ms);
  }

  std::vector<store::change_record> changes() {
    std::optional<std::optional<std::vector<store::change_record>>> out;
    db->state_changes(1, 10, [&](auto r) { out = std::move(r); });
    run_until(io, [&] { return out.has_value(); });
    REQUIRE(out);
    REQUIRE(*out);
    return **out;
  }
};


}  // namespace uptime::test
