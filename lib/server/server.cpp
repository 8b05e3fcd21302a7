// The running service (see server.hpp). One io_context thread owns the monitor registry and
// every timer; the store's writer thread does all database work and posts results back.
#include "server/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>
#include <optional>
#include <queue>
#include <utility>
#include <unordered_map>

#include <boost/unordered/unordered_flat_map.hpp>

#include "core/alerting.hpp"
#include "core/clock_step.hpp"
#include "core/duration.hpp"
#include "core/monitor.hpp"
#include "core/push_body.hpp"
#include "core/text.hpp"
#include "api/health.hpp"
#include "api/push.hpp"
#include "http/listener.hpp"
#include "net.hpp"
#include "notify/alert_json.hpp"
#include "notify/dispatcher.hpp"
#include "notify/transport.hpp"
#include "server/channels.hpp"
#include "server/pacing.hpp"
#include "server/unwritten_changes.hpp"
#include "server/write_behind.hpp"
#include "store/outbox.hpp"
#include "store/store.hpp"
#include "store/writer.hpp"
#include "util/secret.hpp"

namespace uptime::server {

namespace {

using store::monitor_id;
using steady = std::chrono::steady_clock;

// A deadline timer waits at most this long before re-reading the wall clock, so a clock
// step or a suspended machine delays a DOWN by at most this much, even for a 400-day interval.
constexpr auto max_timer_wait = std::chrono::minutes(5);
constexpr auto alive_period = std::chrono::seconds(2);
constexpr auto check_tick = std::chrono::seconds(1);
constexpr auto sweep_tick = std::chrono::milliseconds(100);
constexpr int expired_slice = 500;  // deadlines evaluated per turn of the io loop
constexpr std::size_t max_expiry_backlog = 5000;  // writer jobs queued before evaluation waits
constexpr int prune_every_ticks = 100;       // checks, state changes, outbox: every 10 s
// The push history sweep (store::history_sweep) looks at two rows per push appended, trailing
// a little more than one turn of the table behind the newest row, so that whole pages go at
// once; and at a steady trickle without a trail, which brings every monitor to exactly its
// limit. One job looks at most at a window's worth, so the writer's time box can split a
// tick's work.
constexpr std::int64_t history_sweep_per_push = 2;
constexpr std::int64_t history_sweep_idle = 200;     // rows per tick (2,000/s), no trail
constexpr std::int64_t history_sweep_window = 250;   // rows per job
constexpr std::size_t retry_batch_monitors = 500;  // monitors per attempt of the retry loop
// Push state is written behind (store.hpp): monitors pushed since the last round get one
// snapshot each, in rounds paced by state_flush_due (pacing.hpp), taken a few chunks at a time
// as the writer finishes earlier ones (flush_state).
constexpr std::size_t state_flush_chunk = 50;  // well under a millisecond of writes
constexpr int state_flush_chunks_in_flight = 16;

// Everything the io thread knows about one enabled push monitor. What a push reads and writes
// comes first, so that with 100,000 monitors pushed at random a push touches few cache lines
// of its entry; the rest (names, alerting, the timer itself) follows.
struct monitor_entry {
  monitor_entry(net::io_context& io) : deadline_timer(io) {}
  // ---- read or written by every push
  monitor_id id = 0;
  bool require_payload = false;
  bool dirty = false;                  // pushed since the last snapshot (queued in dirty_)
  bool timer_armed = false;
  std::chrono::steady_clock::time_point timer_fires_at;
  std::int64_t push_count = 0;
  util::stored_secret secret_key;
  core::monitor_rules rules;
  core::monitor_state state;
  std::string last_message;            // of the last push
  // ---- the rest
  std::int64_t state_version = 0;      // of the last snapshot taken for the database
  std::uint64_t timer_generation = 0;  // a wait whose generation is stale is ignored
  std::string name;
  std::string group;
  std::chrono::seconds check_interval{0};  // set (and the first check queued) by apply_settings
  std::chrono::steady_clock::time_point next_check;  // the one live entry in the check queue
  std::vector<std::string> channels;   // notification channel names
  bool alert_on_down = true;
  bool alert_on_up = true;
  std::chrono::seconds remind_every{0};
  std::optional<core::utc_time> last_reminder;  // the reminder instant already sent
  // Waits for the deadline while UP, for the next reminder while DOWN. Bound to the
  // io_context's own executor type: any_io_executor would add 40 bytes to each of 100,000.
  net::basic_waitable_timer<steady, net::wait_traits<steady>, net::io_context::executor_type> deadline_timer;
};

// Outbox rows written with a state change, and the ids the database gave them.
struct committed_alerts {
  std::vector<store::outbox_row> rows;
  std::vector<std::int64_t> ids;
};

store::monitor_declaration declare(const config::monitor_settings& m) {
  store::monitor_declaration d;
  d.name = m.name;
  d.type = m.type;
  d.group = m.group;
  d.enabled = m.enabled;
  d.rules.expected_interval = m.expected_interval;
  d.rules.grace_period = m.grace_period;
  if (m.schedule) d.rules.schedule = std::make_shared<const core::cron_schedule>(*m.schedule);
  d.rules.zone = m.zone;
  d.rules.max_runtime = m.max_runtime;
  d.rules.min_runtime = m.min_runtime;
  d.rules.failures_before_down = m.failures_before_down;
  if (m.schedule) d.schedule_key = store::schedule_key(m.schedule->text, m.timezone);
  return d;
}

std::vector<store::monitor_declaration> declare_all(const config::config& cfg) {
  std::vector<store::monitor_declaration> out;
  out.reserve(cfg.monitors.size());
  for (const auto& m : cfg.monitors) out.push_back(declare(m));
  return out;
}

class service final : public api::push_receiver, public api::health_probe {
 public:
  service(config::config cfg, const clock& wall)
      : cfg_(std::move(cfg)), wall_(wall), signals_(io_, SIGINT, SIGTERM, SIGHUP),
        check_timer_(io_), alive_timer_(io_), prune_timer_(io_), flush_timer_(io_),
        expiry_timer_(io_), shutdown_timer_(io_) {
    index_settings();
  }

  int run() {
    store::connection_options options;
    options.busy_timeout_ms = static_cast<int>(cfg_.database.busy_timeout.count());
    options.synchronous_full = cfg_.database.synchronous == "full";
    // The socket first: a port in use (or an address that is not ours) is refused before a
    // database is created for a server that cannot run. It is listening from here on, and
    // connections wait in its backlog until the monitors are loaded.
    try {
      tcp::endpoint at{net::ip::make_address(cfg_.server.host), cfg_.server.port};
      api::add_push_routes(routes_, *this);
      api::add_health_routes(routes_, *this);
      listener_ = std::make_shared<http_api::listener>(io_, at, listener_settings(), routes_);
      // Port 0 (tests): push URLs must show the port the system chose.
      if (cfg_.server.port == 0) cfg_.server.port = listener_->local_endpoint().port();
    } catch (const std::exception& e) {
      spdlog::critical("Cannot listen on {}:{}: {}", cfg_.server.host, cfg_.server.port, e.what());
      return 1;
    }

    try {
      writer_ = std::make_unique<store::writer>(
          cfg_.database.path, options, io_.get_executor(),
          [this](store::connection& c) { on_external_change(c); },
          [history = &history_](bool committed) { history->transaction_ended(committed); });
    } catch (const std::exception& e) {
      spdlog::critical("Cannot open the database {}: {}", cfg_.database.path.string(), e.what());
      return 1;
    }
    spdlog::info("Database {} (WAL, synchronous={})", cfg_.database.path.string(),
                 cfg_.database.synchronous);

    push_host_ = host_of(cfg_.public_base_url());
    transport_ = std::make_unique<notify::curl_transport>(io_.get_executor());
    dispatcher_ = std::make_unique<notify::dispatcher>(
        io_, *transport_, [this] { return wall_.now(); }, retry_policy(), delivery_outcomes());
    dispatcher_->set_channels(channels_of(cfg_));

    signals_.async_wait([this](auto ec, int sig) { on_signal(ec, sig); });
    start_sync();
    io_.run();
    transport_->stop();
    writer_->stop();
    if (!unwritten_.empty() || retry_in_flight_)
      spdlog::error("State changes of {} monitors may not be saved: the database refused them "
                    "until the end; their deadlines are decided again at the next start",
                    std::max<std::size_t>(1, unwritten_.monitors()));
    spdlog::info("Stopped");
    return exit_code_;
  }

  // ---- api::push_receiver, api::health_probe ---------------------------------------------

  void receive(api::push_request call, api::push_done done) override {
    const auto it = monitors_.find(call.monitor_id);
    if (it == monitors_.end()) {
      done(api::push_not_found{});
      return;
    }
    monitor_entry& m = *it->second;
    if (!util::secrets_equal(m.secret_key.view(), call.secret_key)) {
      done(api::push_wrong_key{});
      return;
    }
    auto body = core::read_push({call.signal, call.body, std::move(call.query), m.require_payload});
    if (auto* bad = std::get_if<core::push_body_error>(&body)) {
      done(api::push_bad_body{std::move(bad->message)});
      return;
    }
    const auto& report = std::get<core::push_report>(body);

    auto outcome = core::on_push(m.state, m.rules, report, wall_now());
    m.state = std::move(outcome.state);
    ++m.push_count;  // this push's number; given back if it is not written (forget_failed_push)
    m.last_message = report.message;
    ++pushes_since_flush_;
    ++pushes_since_sweep_;
    arm_deadline(m);

    store::push_row row;
    row.id = m.id;
    row.seq = m.push_count;
    row.received_at = outcome.received_at;
    row.method = std::move(call.method);
    row.source_address = std::move(call.source_address);
    // What the job sent is made valid UTF-8 as it enters (the message by read_push): stored
    // as it came, it could not be read back as text, by us or by the API.
    row.user_agent = std::move(call.user_agent);
    core::make_valid_utf8(row.user_agent);
    core::make_valid_utf8(call.body);
    row.signal = outcome.failure ? core::push_signal::failure : report.signal;
    row.exit_code = report.exit_code;
    row.run_id = report.run_id;
    row.duration = outcome.duration;
    row.message = report.message;
    row.payload = std::move(call.body);
    // Only a push that changes the status carries alerts (and the allocation for them) and
    // its state snapshot; the others' push fields are written behind.
    std::shared_ptr<committed_alerts> alerts;
    std::optional<store::state_snapshot> after;
    if (outcome.change) {
      log_transition(m, *outcome.change);
      if (auto rows = alerts_for(m, *outcome.change); !rows.empty())
        alerts = std::make_shared<committed_alerts>(committed_alerts{std::move(rows), {}});
      after = snapshot(m);
    } else {
      mark_dirty(m);
    }
    api::push_accepted facts{m.id, outcome.received_at, outcome.next_expected_by, outcome.duration,
                             row.signal, report.run_id};

    // Behind a state change of this monitor still queued in the background lane, the push
    // queues there too: one monitor's writes (and alerts) stay in order.
    // (empty() first: after a storm the map keeps 100,000 buckets, and a lookup costs a miss)
    const auto lane = !background_pending_.empty() && background_pending_.count(m.id)
                          ? store::writer::lane::background
                          : store::writer::lane::interactive;
    // Changes of this monitor that the database refused earlier go first, in the same
    // transaction: its state changes and alerts stay in order.
    // The monitor's state is saved with them (status included, which a write-behind round
    // does not write), unless this push's own state change saves it anyway.
    std::shared_ptr<taken_changes> earlier;
    std::optional<store::state_snapshot> state_after_earlier;
    if (!unwritten_.empty())
      if (auto item = unwritten_.take(m.id)) {
        earlier = std::make_shared<taken_changes>(taken_changes{std::move(*item), {}});
        if (!after) state_after_earlier = snapshot(m);
      }
    const auto seq = row.seq;
    writer_->submit(
        [history = &history_, row = std::move(row), change = outcome.change,
         after = std::move(after), alerts, earlier,
         state_after_earlier = std::move(state_after_earlier)](store::connection& c) {
          if (earlier) write_changes(c, *earlier, state_after_earlier ? &*state_after_earlier : nullptr);
          history->record(c, row);
          if (change) store::write_transition(c, row.id, *change, &*after);
          if (alerts)
            for (const auto& a : alerts->rows) alerts->ids.push_back(store::enqueue_alert(c, a));
        },
        [this, id = m.id, seq, change = outcome.change, alerts, earlier, facts = std::move(facts),
         done = std::move(done)](bool ok) mutable {
          if (!ok) {
            // Not acknowledged: the push is not counted or kept, but what it did to the
            // monitor's state (and the alerts that causes) must not be lost.
            if (earlier) unwritten_.put_back(std::move(earlier->item));
            if (change)
              persist_transition(id, *change, alerts ? std::move(alerts->rows) : std::vector<store::outbox_row>{});
            else if (const auto it = monitors_.find(id); it != monitors_.end())
              mark_dirty(*it->second);  // its push fields, by the next write-behind round
            forget_failed_push(id, seq);
            arm_retry();
            done(api::push_not_written{});
            return;
          }
          if (earlier) dispatch(*earlier);
          if (alerts) dispatch(alerts->rows, alerts->ids);
          if (!failed_seqs_.empty()) forget_failed_below(id, seq);
          if (!unwritten_.empty()) retry_now();  // the database works again
          done(std::move(facts));
        },
        lane);
  }

  void check(api::health_done done) override {
    const auto now = wall_now();
    writer_->submit([now](store::connection& c) { store::record_alive(c, now); },
                    [done = std::move(done)](bool ok) mutable { done(api::health_result{ok}); });
  }

 private:
  http_api::listener_settings listener_settings() const {
    http_api::listener_settings s;
    s.max_body_bytes = cfg_.server.max_body_bytes;
    s.max_connections = cfg_.server.max_connections;
    s.header_timeout = cfg_.server.header_timeout;
    s.idle_timeout = cfg_.server.idle_timeout;
    return s;
  }

  // ---- start and reload ----------------------------------------------------------------

  struct sync_result {
    std::deque<store::monitor_record> records;
    std::optional<core::utc_time> last_alive;
    std::vector<store::outbox_row> undelivered;
  };

  // Start: give every declared monitor its id and secret, then build the registry.
  void start_sync() {
    auto result = std::make_shared<sync_result>();
    const auto now = wall_now();
    writer_->submit(
        [result, declared = declare_all(cfg_), now](store::connection& c) {
          result->last_alive = store::last_alive(c);
          result->records = store::sync_monitors(c, declared, now);
          result->undelivered = store::pending_alerts(c);
        },
        [this, result](bool ok) {
          if (!ok) {
            spdlog::critical("Cannot read or write the monitors in the database; stopping");
            exit_code_ = 1;
            io_.stop();
            return;
          }
          on_started(*result);
        });
  }

  // Takes the records over one by one, freeing each (the peak of a start with 100,000 monitors
  // is while both the records and the registry exist).
  void on_started(sync_result& synced) {
    if (stopping_) return;  // SIGTERM arrived while the database was being read
    const auto now = wall_now();
    if (synced.last_alive && now > *synced.last_alive)
      spdlog::info("The server was not running for {} (since {}); deadlines after that move later",
                   core::format_duration(std::chrono::floor<std::chrono::seconds>(now - *synced.last_alive)),
                   core::format_iso(*synced.last_alive));
    for (; !synced.records.empty(); synced.records.pop_front()) {
      const auto& r = synced.records.front();
      auto& m = add_monitor(r);
      const auto before = m.state;
      if (r.rules_changed) m.state = core::apply_rules(m.state, m.rules);
      if (synced.last_alive) m.state = core::shift_for_outage(m.state, m.rules, *synced.last_alive, now);
      if (!(m.state == before)) persist_state(m.id);
      spdlog::info("Push monitor initialized: id={} name=\"{}\" group=\"{}\" status={} url={}", m.id,
                   m.name, m.group, core::to_string(m.state.status), push_url(m));
      arm_deadline(m);
    }
    spdlog::info("{} push monitors active", monitors_.size());
    if (!synced.undelivered.empty())
      spdlog::info("{} undelivered alerts from before the restart are being sent",
                   synced.undelivered.size());
    for (const auto& row : synced.undelivered) dispatch(row);
    record_alive();
    schedule_checks();
    schedule_prune();
    schedule_state_flush();
    forget_declarations();
    listener_->start();
    // Loading the config and the database freed a lot (the config tree, the sync); glibc keeps
    // freed memory unless asked, and a long-running service should not hold it. Posted: the
    // sync result this handler was given is freed only when it returns.
    net::post(io_, [] { malloc_trim(0); });
    const auto at = listener_->local_endpoint();
    spdlog::info("Listening on http://{}:{}", at.address().to_string(), at.port());
    spdlog::default_logger()->flush();  // whoever waits for this line should not wait for more
  }

  monitor_entry& add_monitor(const store::monitor_record& r) {
    auto entry = std::make_unique<monitor_entry>(io_);
    entry->id = r.id;
    entry->secret_key.assign(r.secret_key);
    entry->state = r.state;
    entry->push_count = r.push_count;
    entry->last_message = r.last_message;
    entry->state_version = r.state_version;
    auto& m = *entry;
    monitors_[r.id] = std::move(entry);
    apply_settings(m, r);
    if (r.replayed) mark_dirty(m);  // pushes the last run acknowledged but had not written behind
    return m;
  }

  void apply_settings(monitor_entry& m, const store::monitor_record& r) {
    m.name = r.name;
    m.group = r.group;
    m.rules = r.rules;
    const auto* s = find_settings(r.name);
    m.require_payload = s && s->require_payload;
    const auto check_interval = s && s->interval.count() > 0 ? s->interval : cfg_.default_interval;
    if (check_interval != m.check_interval) {
      // The check queued for the old period is dropped (next_check no longer matches it).
      m.check_interval = check_interval;
      // Spread over the period by id: monitors loaded together must not all be checked in
      // the same second (100,000 rows and evaluations at once would stall the io thread).
      const auto period_ms = std::chrono::duration_cast<std::chrono::milliseconds>(check_interval).count();
      const auto phase = std::chrono::milliseconds(
          static_cast<std::int64_t>((static_cast<std::uint64_t>(m.id) * 2654435761u) % static_cast<std::uint64_t>(period_ms)));
      m.next_check = steady::now() + phase + std::chrono::milliseconds(1);
      check_queue_.push({m.next_check, m.id});
    }
    m.channels = s ? s->notifications : std::vector<std::string>{};
    m.alert_on_down = !s || std::count(s->alert_on.begin(), s->alert_on.end(), config::alert_event::down) > 0;
    m.alert_on_up = !s || std::count(s->alert_on.begin(), s->alert_on.end(), config::alert_event::up) > 0;
    m.remind_every = s ? s->remind_every : std::chrono::seconds{0};
  }

  const config::monitor_settings* find_settings(const std::string& name) const {
    const auto it = settings_by_name_.find(name);
    return it == settings_by_name_.end() ? nullptr : it->second;
  }

  // Once every monitor has taken its settings, the declarations are not needed until the next
  // reload brings new ones: at 100,000 monitors they are tens of megabytes.
  void forget_declarations() {
    // Swapped with empty ones: `x = {}` would pick operator=(initializer_list), which clears
    // but keeps the memory.
    decltype(settings_by_name_)().swap(settings_by_name_);
    decltype(cfg_.monitors)().swap(cfg_.monitors);
  }

  // Called whenever cfg_ is replaced: a lookup per monitor must not scan every monitor.
  void index_settings() {
    settings_by_name_.clear();
    settings_by_name_.reserve(cfg_.monitors.size());
    for (const auto& m : cfg_.monitors) settings_by_name_.emplace(m.name, &m);
  }

  std::string push_url(const monitor_entry& m) const {
    return cfg_.public_base_url() + "/api/push/" + std::to_string(m.id) + "/" + std::string(m.secret_key.view());
  }

  void reload() {
    spdlog::info("SIGHUP: reloading {}", cfg_.file.string());
    struct reload_result {
      std::optional<config::config> cfg;
      std::vector<std::string> errors;
      std::deque<store::monitor_record> records;
    };
    auto result = std::make_shared<reload_result>();
    const auto now = wall_now();
    // The file is read on the writer thread too: the io thread never waits on a disk.
    writer_->submit(
        [result, file = cfg_.file, now](store::connection& c) {
          auto loaded = config::load_file(file);
          if (!loaded.value) {
            result->errors = std::move(loaded.errors);
            return;
          }
          result->records = store::sync_monitors(c, declare_all(*loaded.value), now);
          result->cfg = std::move(loaded.value);
        },
        [this, result](bool ok) {
          if (!ok) {
            spdlog::error("Configuration reload failed: the database could not be updated; "
                          "the running configuration stays");
            return;
          }
          if (!result->cfg) {
            for (const auto& e : result->errors) spdlog::error("{}", e);
            spdlog::error("Configuration reload refused ({} errors); the running configuration "
                          "stays",
                          result->errors.size());
            return;
          }
          apply_reload(std::move(*result->cfg), result->records);
        });
  }

  void apply_reload(config::config next, const std::deque<store::monitor_record>& records) {
    if (next.server.host != cfg_.server.host || next.server.port != cfg_.server.port ||
        next.database.path != cfg_.database.path)
      spdlog::warn("server.host, server.port and database.path take effect at the next restart");
    auto keep_server = cfg_.server;
    auto keep_database_path = cfg_.database.path;
    cfg_ = std::move(next);
    cfg_.server.host = keep_server.host;
    cfg_.server.port = keep_server.port;
    cfg_.database.path = keep_database_path;
    index_settings();
    dispatcher_->set_channels(channels_of(cfg_));
    dispatcher_->set_policy(retry_policy());

    std::unordered_map<monitor_id, bool> declared;
    int added = 0, changed = 0, removed = 0;
    for (const auto& r : records) {
      declared[r.id] = true;
      auto it = monitors_.find(r.id);
      if (it == monitors_.end()) {
        auto& m = add_monitor(r);
        ++added;
        spdlog::info("Push monitor initialized: id={} name=\"{}\" group=\"{}\" status={} url={}",
                     m.id, m.name, m.group, core::to_string(m.state.status), push_url(m));
        arm_deadline(m);
        continue;
      }
      auto& m = *it->second;
      apply_settings(m, r);
      if (r.rules_changed) {
        ++changed;
        m.state = core::apply_rules(m.state, m.rules);
        persist_state(m.id);
        arm_deadline(m);
        spdlog::info("Monitor {} \"{}\": now expected {} + {} grace; next deadline {}", m.id,
                     m.name,
                     m.rules.schedule ? "on \"" + m.rules.schedule->text + "\""
                                      : "every " + core::format_duration(m.rules.expected_interval),
                     core::format_duration(m.rules.grace_period),
                     m.state.next_expected_at ? core::format_iso(*m.state.next_expected_at) : "-");
      }
    }
    for (auto it = monitors_.begin(); it != monitors_.end();) {
      if (declared.count(it->first)) {
        ++it;
        continue;
      }
      spdlog::info("Monitor {} \"{}\" removed or disabled: its push URL now answers 404; its "
                   "history stays",
                   it->first, it->second->name);
      it->second->deadline_timer.cancel();
      if (it->second->dirty) persist_state(it->first);  // its last pushes, before it goes
      monitors_.erase(it++);  // (the flat map's erase leaves the other iterators valid)
      ++removed;
    }
    spdlog::info("Configuration reloaded: {} push monitors ({} added, {} re-timed, {} removed)",
                 monitors_.size(), added, changed, removed);
    forget_declarations();
    net::post(io_, [] { malloc_trim(0); });  // after the reload's records are freed
  }

  // Runs on the writer thread: a key may have been changed with sqlite3.
  void on_external_change(store::connection& c) {
    auto secrets = store::read_secrets(c);
    net::post(io_, [this, secrets = std::move(secrets)] {
      for (const auto& [id, key] : secrets) {
        auto it = monitors_.find(id);
        if (it == monitors_.end() || util::secrets_equal(it->second->secret_key.view(), key)) continue;
        it->second->secret_key.assign(key);
        spdlog::info("Monitor {} \"{}\": push key changed in the database; the old key no longer "
                     "works",
                     id, it->second->name);
      }
    });
  }

  // ---- the clock ------------------------------------------------------------------------

  // The wall clock, read once per event. A step since the last reading (it is read at least
  // every second) is dealt with before the reading is used: see core/clock_step.hpp.
  core::utc_time wall_now() {
    const core::clock_reading reading{wall_.now(), steady::now()};
    const auto before = std::exchange(last_reading_, reading);
    if (before)
      if (const auto step = core::wall_clock_step(*before, reading)) on_clock_step(*step, reading.wall);
    return reading.wall;
  }

  void on_clock_step(std::chrono::milliseconds step, core::utc_time now) {
    const auto size = core::format_duration(
        std::chrono::duration_cast<std::chrono::seconds>(step.count() < 0 ? -step : step));
    if (step.count() > 0)
      spdlog::warn("The wall clock stepped forward by {} (or the machine was suspended): "
                   "deadlines move later by as much, as for an outage, so the step makes no job late",
                   size);
    else
      spdlog::warn("The wall clock stepped back by {}: deadlines move back by as much, so every "
                   "job still goes DOWN when the real time since its last push says",
                   size);
    std::size_t moved = 0;
    for (auto& [id, entry] : monitors_) {
      auto& m = *entry;
      auto shifted = core::shift_for_clock_step(m.state, m.rules, now, step);
      if (shifted == m.state) continue;
      m.state = std::move(shifted);
      mark_dirty(m);
      arm_deadline(m);
      ++moved;
    }
    spdlog::debug("Clock step: {} monitors' deadlines moved", moved);
  }

  // ---- deadlines -------------------------------------------------------------------------

  void arm_deadline(monitor_entry& m) {
    const auto now = wall_now();
    const auto when = m.state.status == core::monitor_status::down
                          ? core::next_reminder_at(m.state, m.remind_every, now)
                          : core::going_down_at(m.state, m.rules);
    if (!when) {
      if (m.timer_armed) {
        ++m.timer_generation;
        m.timer_armed = false;
        m.deadline_timer.cancel();
      }
      return;
    }
    const auto remaining = std::clamp<steady::duration>(*when - now, steady::duration::zero(), max_timer_wait);
    const auto fire_at = steady::now() + remaining;
    // A push only moves the deadline later: a timer already set to fire earlier stays, and
    // when it fires the deadline is re-read and the timer set for what remains. This keeps a
    // cancel and a re-arm off every push.
    if (m.timer_armed && m.timer_fires_at <= fire_at) return;
    const auto generation = ++m.timer_generation;
    m.timer_armed = true;
    m.timer_fires_at = fire_at;
    m.deadline_timer.expires_at(fire_at);
    m.deadline_timer.async_wait([this, id = m.id, generation](boost::system::error_code ec) {
      if (!ec) on_deadline_timer(id, generation);
    });
  }

  void on_deadline_timer(monitor_id id, std::uint64_t generation) {
    auto it = monitors_.find(id);
    if (it == monitors_.end() || it->second->timer_generation != generation) return;
    it->second->timer_armed = false;
    // Handled in slices: when many deadlines fall in the same second (an expiry storm), pushes
    // are still read and answered between the slices.
    expired_.push_back(id);
    expired_sorted_ = false;
    if (!draining_expired_) {
      draining_expired_ = true;
      net::post(io_, [this] { drain_expired(); });
    }
  }

  void drain_expired() {
    const auto now = wall_now();
    // In id order: the state changes of a storm then go to the database in id order too, so
    // each transaction's rows share index and table pages instead of dirtying one page per
    // monitor all over the file (which made the WAL grow faster than checkpoints could copy).
    if (!expired_sorted_) {
      std::sort(expired_.begin(), expired_.end());
      expired_sorted_ = true;
    }
    for (int n = 0; n < expired_slice && !expired_.empty(); ++n) {
      const auto id = expired_.front();
      expired_.pop_front();
      auto it = monitors_.find(id);
      if (it == monitors_.end() || it->second->timer_armed) continue;  // removed, or re-armed
      auto& m = *it->second;
      if (m.state.status == core::monitor_status::down) {
        remind_if_due(m, now);
        continue;
      }
      // Re-check against the wall clock: the timer firing proves nothing by itself.
      if (!evaluate_deadline(m, now)) arm_deadline(m);
    }
    if (expired_.empty() || stopping_) {
      draining_expired_ = false;
      return;
    }
    // The writer records about a thousand state changes in the time this loop finds five
    // thousand: past a backlog, wait for it, so that a storm's queued writes (and their
    // memory) stay bounded whatever the number of monitors.
    if (writer_->background_backlog() > max_expiry_backlog) {
      expiry_timer_.expires_after(std::chrono::milliseconds(2));
      expiry_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) drain_expired();
      });
      return;
    }
    net::post(io_, [this] { drain_expired(); });
  }

  // While DOWN the timer aims at the next reminder instant.
  void remind_if_due(monitor_entry& m, core::utc_time now) {
    const auto due = core::reminder_due(m.state, m.remind_every, now);
    if (due && due != m.last_reminder) {
      m.last_reminder = due;
      spdlog::warn("Monitor {} \"{}\" is still DOWN (since {}): {}", m.id, m.name,
                   core::format_iso(*m.state.status_since), core::log_text(m.state.reason).view());
      persist_transition(m.id, std::nullopt,
                         alerts_for(m, notify::alert_event::reminder, core::monitor_status::down,
                                    *m.state.status_since, m.state.reason));
    }
    arm_deadline(m);
  }

  // DOWN if the deadline has passed; returns whether it went DOWN.
  bool evaluate_deadline(monitor_entry& m, core::utc_time now) {
    auto out = core::on_deadline(m.state, m.rules, now);
    if (!out.change) return false;
    // A missed deadline changes only the status; an overrun run also closes that run.
    const bool status_only = out.state.open_runs == m.state.open_runs;
    m.state = std::move(out.state);
    ++m.timer_generation;
    m.timer_armed = false;
    m.deadline_timer.cancel();
    log_transition(m, *out.change);
    persist_transition(m.id, *out.change, alerts_for(m, *out.change), status_only);
    arm_deadline(m);  // reminders while DOWN
    return true;
  }


  void log_transition(const monitor_entry& m, const core::transition& t) {
    // The notification dispatcher's input; until it exists, the log is the alert.
    if (t.to == core::monitor_status::down)
      spdlog::warn("Monitor {} \"{}\" is DOWN (was {}): {}", m.id, m.name, core::to_string(t.from),
                   core::log_text(t.reason).view());  // the reason may be the job's own message
    else
      spdlog::info("Monitor {} \"{}\" is {} (was {})", m.id, m.name,
                   t.to == core::monitor_status::up ? "UP" : "PENDING", core::to_string(t.from));
  }

  // ---- persistence with retry ------------------------------------------------------------

  // Writes a transition, its alerts (in the same transaction) and the monitor's current state.
  // With no transition, writes only the alerts (reminders). What the database refuses waits
  // in unwritten_ for the retry loop, with the same alert ids; so does whatever comes for a
  // monitor that has changes waiting there (behind them), and everything while the database
  // is failing (one attempt a backoff step, not one per decision).
  void persist_transition(monitor_id id, std::optional<core::transition> t,
                          std::vector<store::outbox_row> rows, bool status_only = false) {
    if (!t && rows.empty()) return;
    if (unwritten_.has(id) || writer_->failing()) {
      unwritten_.add(id, {std::move(t), std::move(rows)});
      arm_retry();
      return;
    }
    auto it = monitors_.find(id);
    std::optional<store::state_snapshot> after;
    if (it != monitors_.end()) after = status_only ? status_of(*it->second) : snapshot(*it->second);
    auto alerts = std::make_shared<committed_alerts>(committed_alerts{std::move(rows), {}});
    ++background_pending_[id];
    writer_->submit(
        [id, t, after = std::move(after), alerts, status_only](store::connection& c) {
          // A monitor removed by a reload meanwhile keeps the state it had saved.
          if (t) store::write_transition(c, id, *t, after ? &*after : nullptr, status_only);
          alerts->ids.clear();
          for (const auto& a : alerts->rows) alerts->ids.push_back(store::enqueue_alert(c, a));
        },
        [this, id, t, alerts](bool ok) {
          background_done(id);
          if (ok) {
            dispatch(alerts->rows, alerts->ids);
            return;
          }
          unwritten_.put_back({id, {unwritten_change{t, std::move(alerts->rows)}}});
          arm_retry();
        },
        store::writer::lane::background);
  }

  void persist_state(monitor_id id) {
    auto it = monitors_.find(id);
    if (it == monitors_.end()) return;
    if (unwritten_.has(id) || writer_->failing()) {
      unwritten_.add_state(id);
      arm_retry();
      return;
    }
    ++background_pending_[id];
    writer_->submit([snap = snapshot(*it->second)](
                        store::connection& c) { store::save_state(c, snap); },
                    [this, id](bool ok) {
                      background_done(id);
                      if (ok) return;
                      unwritten_.add_state(id);
                      arm_retry();
                    },
                    store::writer::lane::background);
  }

  void background_done(monitor_id id) {
    if (auto it = background_pending_.find(id); it != background_pending_.end() && --it->second <= 0)
      background_pending_.erase(it);
  }

  // ---- the retry loop (unwritten_changes.hpp) -----------------------------------------------

  // A monitor's unwritten changes taken out to be written, and the ids their alerts got.
  struct taken_changes {
    unwritten_changes::item item;
    std::vector<std::int64_t> alert_ids;
  };

  // Writes the changes (state_changes and check rows, outbox rows) and, when given, the
  // monitor's state now. On the writer thread.
  static void write_changes(store::connection& c, taken_changes& taken, const store::state_snapshot* state) {
    taken.alert_ids.clear();
    for (const auto& change : taken.item.changes) {
      if (change.transition) store::write_transition(c, taken.item.id, *change.transition, nullptr);
      for (const auto& a : change.alerts) taken.alert_ids.push_back(store::enqueue_alert(c, a));
    }
    if (state) store::save_state(c, *state);
  }

  void dispatch(const taken_changes& taken) {
    std::size_t k = 0;
    for (const auto& change : taken.item.changes)
      for (const auto& a : change.alerts) {
        if (k >= taken.alert_ids.size()) return;
        auto row = a;
        row.id = taken.alert_ids[k++];
        dispatch(row);
      }
  }

  void arm_retry() {
    if (retry_armed_ || retry_in_flight_ || unwritten_.empty() || stopping_) return;
    retry_armed_ = true;
    retry_timer_.expires_after(unwritten_.next_delay());
    retry_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;  // cancelled by retry_now, or stopping
      retry_armed_ = false;
      retry_unwritten();
    });
  }

  // The database took a write: what waits need not wait for the rest of the backoff.
  void retry_now() {
    if (retry_in_flight_) return;
    if (retry_armed_) {
      retry_armed_ = false;
      retry_timer_.cancel();
    }
    retry_unwritten();
  }

  // One attempt: a batch of monitors' changes in one job, each with the monitor's state now.
  void retry_unwritten() {
    if (unwritten_.empty() || retry_in_flight_) return;
    struct attempt {
      std::vector<taken_changes> taken;
      std::vector<std::optional<store::state_snapshot>> states;
    };
    auto a = std::make_shared<attempt>();
    for (auto& item : unwritten_.take_batch(stopping_ ? std::numeric_limits<std::size_t>::max()
                                                      : retry_batch_monitors)) {
      const auto it = monitors_.find(item.id);
      a->states.push_back(it != monitors_.end() ? std::optional(snapshot(*it->second)) : std::nullopt);
      ++background_pending_[item.id];
      a->taken.push_back({std::move(item), {}});
    }
    retry_in_flight_ = true;
    const auto weight = a->taken.size();
    writer_->submit(
        [a](store::connection& c) {
          for (std::size_t i = 0; i < a->taken.size(); ++i)
            write_changes(c, a->taken[i], a->states[i] ? &*a->states[i] : nullptr);
        },
        [this, a](bool ok) {
          retry_in_flight_ = false;
          for (const auto& t : a->taken) background_done(t.item.id);
          if (ok) {
            unwritten_.attempt_succeeded();
            for (const auto& t : a->taken) dispatch(t);
            if (!unwritten_.empty()) net::post(io_, [this] { retry_unwritten(); });
            return;
          }
          for (auto& t : a->taken) unwritten_.put_back(std::move(t.item));
          unwritten_.attempt_failed();
          arm_retry();
        },
        store::writer::lane::background, weight);
  }

  // A push numbered `seq` was written: the failed numbers below it stay used (a gap).
  void forget_failed_below(monitor_id id, std::int64_t seq) {
    const auto f = failed_seqs_.find(id);
    if (f == failed_seqs_.end()) return;
    std::erase_if(f->second, [seq](std::int64_t failed) { return failed < seq; });
    if (f->second.empty()) failed_seqs_.erase(f);
  }

  // A push that was not written gives its number back when no later push of the monitor took
  // one, so that the pushes of an outage leave no gap in the numbering: the history sweep
  // keeps a monitor's newest N by number, and push_count counts acknowledged pushes.
  void forget_failed_push(monitor_id id, std::int64_t seq) {
    const auto it = monitors_.find(id);
    if (it == monitors_.end()) return;
    auto& m = *it->second;
    auto& failed = failed_seqs_[id];
    failed.push_back(seq);
    for (auto top = std::find(failed.begin(), failed.end(), m.push_count); top != failed.end();
         top = std::find(failed.begin(), failed.end(), m.push_count)) {
      failed.erase(top);
      --m.push_count;
    }
    if (failed.empty()) failed_seqs_.erase(id);
    mark_dirty(m);  // push_count changed
  }

  // ---- alerts ----------------------------------------------------------------------------

  // One outbox row per channel of the monitor that wants this event.
  std::vector<store::outbox_row> alerts_for(const monitor_entry& m, const core::transition& t) {
    if (!core::is_alerting(t)) return {};
    const auto event = t.to == core::monitor_status::down ? notify::alert_event::down
                                                          : notify::alert_event::up;
    return alerts_for(m, event, t.from, t.at, t.reason);
  }

  std::vector<store::outbox_row> alerts_for(const monitor_entry& m, notify::alert_event event,
                                            core::monitor_status previous, core::utc_time at,
                                            const std::string& reason) {
    const bool wanted = event == notify::alert_event::up ? m.alert_on_up : m.alert_on_down;
    std::vector<store::outbox_row> rows;
    if (!wanted) return rows;
    const auto now = wall_now();
    for (const auto& channel : m.channels) {
      notify::alert a;
      a.alert_id = notify::new_alert_id();
      a.event = event;
      a.monitor_id = m.id;
      a.monitor_name = m.name;
      a.monitor_group = m.group;
      a.status = std::string(core::to_string(m.state.status));
      a.previous_status = std::string(core::to_string(previous));
      a.message = reason;
      a.occurred_at = at;
      a.last_push_at = m.state.last_push_at;
      a.next_expected_by = m.state.next_expected_at;
      a.push_host = push_host_;
      store::outbox_row row;
      row.alert_id = a.alert_id;
      row.monitor_id = m.id;
      row.channel = channel;
      row.event = std::string(notify::to_string(event));
      row.created_at = now;
      row.next_attempt_at = now;
      row.alert = notify::to_json(a);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  // Hands committed outbox rows to the dispatcher.
  void dispatch(const std::vector<store::outbox_row>& rows, const std::vector<std::int64_t>& ids) {
    for (std::size_t i = 0; i < rows.size() && i < ids.size(); ++i) {
      auto row = rows[i];
      row.id = ids[i];
      dispatch(row);
    }
  }

  void dispatch(const store::outbox_row& row) {
    auto a = notify::alert_from_json(row.alert);
    if (!a) {
      // to_json writes only what alert_from_json reads back, so this is a bug (or a row edited
      // by hand): say so loudly, and keep the row, marked, for whoever investigates.
      spdlog::critical("BUG: outbox row {} for monitor {} via {} cannot be read back, so this "
                       "alert is not sent; please report it with the row "
                       "(SELECT * FROM outbox WHERE id={})",
                       row.id, row.monitor_id, core::log_text(row.channel).view(), row.id);
      writer_->submit([id = row.id, now = wall_now()](store::connection& c) {
        store::mark_given_up(c, id, 0, now, "unreadable alert");
      }, nullptr);
      return;
    }
    notify::queued_alert q;
    q.outbox_id = row.id;
    q.channel = row.channel;
    q.what = std::move(*a);
    q.attempts = row.attempts;
    q.created_at = row.created_at;
    q.next_attempt_at = row.next_attempt_at;
    dispatcher_->enqueue(std::move(q));
  }

  notify::dispatcher::outcomes delivery_outcomes() {
    notify::dispatcher::outcomes o;
    o.delivered = [this](const notify::queued_alert& q, core::utc_time at) {
      writer_->submit([id = q.outbox_id, n = q.attempts, at](store::connection& c) {
        store::mark_delivered(c, id, n, at);
      }, nullptr, store::writer::lane::background);
    };
    o.failed = [this](const notify::queued_alert& q, const std::string& error) {
      writer_->submit([id = q.outbox_id, n = q.attempts, next = q.next_attempt_at,
                       error](store::connection& c) {
        store::record_failed_attempt(c, id, n, next, error);
      }, nullptr, store::writer::lane::background);
    };
    o.gave_up = [this](const notify::queued_alert& q, core::utc_time at, const std::string& error) {
      writer_->submit([id = q.outbox_id, n = q.attempts, at, error](store::connection& c) {
        store::mark_given_up(c, id, n, at, error);
      }, nullptr, store::writer::lane::background);
    };
    return o;
  }

  core::retry_policy retry_policy() const {
    core::retry_policy p;
    p.give_up_after = std::chrono::hours(cfg_.notify_retry_hours);
    return p;
  }

  // ---- push state written behind (see store.hpp) ------------------------------------------

  // The monitor as it is now, for the database: a new version, so it wins over every snapshot
  // taken before it, and the monitor is clean until its next push.
  store::state_snapshot snapshot(monitor_entry& m) {
    m.dirty = false;
    return {m.id, ++m.state_version, m.push_count, m.last_message, m.state};
  }

  // For a status-only write: the push fields are not written, so no version is used up.
  static store::state_snapshot status_of(const monitor_entry& m) {
    return {m.id, 0, m.push_count, {}, m.state};
  }

  void mark_dirty(monitor_entry& m) {
    if (m.dirty) return;
    m.dirty = true;
    dirty_.push_back(m.id);
  }

  void schedule_state_flush() {
    flush_timer_.expires_after(state_flush_period);
    flush_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      // (a little early is on time: the timer ticks every state_flush_period)
      // (while the database is failing, the rounds wait: the pushes are safe in memory and
      // their rows were never written, so a round could only fail too)
      if (!round_ && !writer_->failing() &&
          steady::now() - last_state_flush_ + state_flush_period / 10 >= state_flush_due(dirty_.size())) {
        last_state_flush_ = steady::now();
        flush_state();
      }
      schedule_state_flush();
    });
  }

  // A round of the write-behind: a snapshot of every monitor pushed since the last round.
  // Its first job (interactive, so it runs before any push acknowledged after this moment)
  // reads how far push_history goes; once every snapshot of the round is written, a last job
  // records that as state_flushed_through. A snapshot taken later than the round's start
  // holds more pushes, never fewer: replay skips the pushes a snapshot already holds.
  //
  // The snapshots go in id order (write_behind_round), a few chunks at a time, each taken
  // when the writer has finished an earlier one: with 100,000 monitors a round taken at once
  // was 20 MB of copies built in one handler, and the pushes queued behind it waited for it.
  // When stopping, the rest is taken at once.
  void flush_state() {
    if (!round_) {
      if (dirty_.empty() && pushes_since_flush_ == 0) return;
      pushes_since_flush_ = 0;
      const auto pushed = dirty_.size();
      round_.emplace(std::exchange(dirty_, {}));
      dirty_.reserve(pushed);  // about as many by the next round: no growing it again
      writer_->submit([through = round_->through](store::connection& c) { *through = store::history_end(c); },
                      nullptr);
    }
    pump_state_round();
  }

  void pump_state_round() {
    auto& r = *round_;
    const int max_in_flight = stopping_ ? std::numeric_limits<int>::max() : state_flush_chunks_in_flight;
    for (auto ids = r.chunks.next_chunk(state_flush_chunk, max_in_flight); !ids.empty();
         ids = r.chunks.next_chunk(state_flush_chunk, max_in_flight)) {
      std::vector<store::state_snapshot> chunk;
      chunk.reserve(ids.size());
      for (const auto id : ids)
        if (const auto it = monitors_.find(id); it != monitors_.end() && it->second->dirty)
          chunk.push_back(snapshot(*it->second));
      if (chunk.empty()) {
        r.chunks.chunk_done(true);  // pushed again and written since, or removed: nothing to do
        continue;
      }
      r.snapshots += chunk.size();
      write_snapshots(std::move(chunk));
    }
    if (r.chunks.finished()) finish_state_round();
  }

  void write_snapshots(std::vector<store::state_snapshot> chunk) {
    const auto weight = std::max<std::size_t>(1, chunk.size());
    auto shared = std::make_shared<const std::vector<store::state_snapshot>>(std::move(chunk));
    writer_->submit(
        [shared](store::connection& c) {
          for (const auto& s : *shared) store::save_push_fields(c, s);
        },
        [this, shared](bool ok) {
          // Not written: the next round writes them again (the pushes themselves are safe in
          // push_history), and this one must not move the mark past them.
          if (!ok)
            for (const auto& s : *shared)
              if (auto it = monitors_.find(s.id); it != monitors_.end()) mark_dirty(*it->second);
          round_->chunks.chunk_done(ok);
          pump_state_round();
        },
        store::writer::lane::background, weight);
  }

  void finish_state_round() {
    const auto r = std::move(*round_);
    round_.reset();
    spdlog::debug("Write-behind round: {} snapshots in {} ms{}", r.snapshots,
                  std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - r.started).count(),
                  r.chunks.failed() ? " (some not written)" : "");
    if (!r.chunks.may_move_mark()) {
      ++pushes_since_flush_;  // the next round moves it
      return;
    }
    writer_->submit(
        [through = r.through](store::connection& c) {
          if (*through > 0) store::set_state_flushed_through(c, *through);
        },
        [this](bool ok) {
          if (!ok) ++pushes_since_flush_;
        },
        store::writer::lane::background);
    // Stopping: what was pushed during this round goes now too.
    if (stopping_ && !dirty_.empty()) flush_state();
  }

  // ---- periodic work ---------------------------------------------------------------------

  void record_alive() {
    const auto now = wall_now();
    writer_->submit([now](store::connection& c) { store::record_alive(c, now); },
                    [this](bool ok) {
                      // The database works again: what waits need not wait for the backoff.
                      if (ok && !unwritten_.empty()) retry_now();
                    },
                    store::writer::lane::background);
    alive_timer_.expires_after(alive_period);
    alive_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) record_alive();
    });
  }

  struct due_check {
    steady::time_point at;
    monitor_id id;
    bool operator>(const due_check& o) const { return at > o.at; }
  };

  // Each monitor is checked every `interval`: the deadline is re-evaluated against the wall
  // clock (catching clock steps) and a check_results row records the status.
  void schedule_checks() {
    check_timer_.expires_after(check_tick);
    check_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      run_due_checks();
      schedule_checks();
    });
  }

  void run_due_checks() {
    const auto steady_now = steady::now();
    const auto now = wall_now();
    struct row {
      monitor_id id;
      core::monitor_status status;
      std::string error;
    };
    std::vector<row> rows;
    while (!check_queue_.empty() && check_queue_.top().at <= steady_now) {
      auto due = check_queue_.top();
      check_queue_.pop();
      auto it = monitors_.find(due.id);
      // Removed by a reload, or removed and added again (its newer entry is the live one).
      if (it == monitors_.end() || it->second->next_check != due.at) continue;
      auto& m = *it->second;
      evaluate_deadline(m, now);
      rows.push_back({m.id, m.state.status,
                      m.state.status == core::monitor_status::down      ? m.state.reason
                      : m.state.status == core::monitor_status::pending ? "No push received yet"
                                                                        : std::string()});
      auto next = due.at + m.check_interval;
      if (next <= steady_now) next = steady_now + m.check_interval;
      m.next_check = next;
      check_queue_.push({next, m.id});
    }
    if (rows.empty() || writer_->failing()) return;  // (a record, not a state: lost in an outage)
    writer_->submit(
        [rows = std::move(rows), now](store::connection& c) {
          for (const auto& r : rows) store::write_check(c, r.id, now, r.status, r.error);
        },
        nullptr, store::writer::lane::background);
  }

  // The push history sweep goes on ten times a second in small windows: rows are appended by
  // every push and it must keep pace, but one large delete would hold up the pushes committed
  // with it. It looks at a fixed number of ids per push appended (a pass over the table then
  // takes about as long as the table holds pushes of, and the work per push stays the same
  // however fast pushes come), in jobs of one window each so the writer's time box can put them
  // in different transactions. Checks, state changes and the outbox are pruned by age and count
  // every 10 s.
  void schedule_prune() {
    prune_timer_.expires_after(sweep_tick);
    prune_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      if (writer_->failing()) {  // nothing to prune that cannot wait for the database
        schedule_prune();
        return;
      }
      const int keep = cfg_.database.push_history_per_monitor;
      const auto sweep = [&](std::int64_t rows, std::int64_t trail) {
        for (; rows > 0; rows -= history_sweep_window) {
          const auto window = static_cast<int>(std::min(rows, history_sweep_window));
          writer_->submit([history = &history_, keep, window, trail](store::connection& c) {
                            history->step(c, keep, window, trail);
                          },
                          nullptr, store::writer::lane::background);
        }
      };
      sweep(history_sweep_idle, 0);
      sweep(history_sweep_per_push * static_cast<std::int64_t>(pushes_since_sweep_),
            history_sweep_trail(keep, monitors_.size()));
      pushes_since_sweep_ = 0;
      if (++prune_ticks_ % prune_every_ticks == 0) {
        store::retention r{cfg_.database.retention_days, cfg_.database.max_check_results, keep};
        auto next_checks = std::make_shared<monitor_id>(prune_cursor_);
        writer_->submit(
            [r, now = wall_now(), next_checks](store::connection& c) {
              *next_checks = store::prune_step(c, r, now, *next_checks).next_monitor;
              store::prune_outbox(c, now - std::chrono::days(r.days), 5000);
            },
            [this, next_checks](bool ok) {
              if (ok) prune_cursor_ = *next_checks;
            },
            store::writer::lane::background);
      }
      schedule_prune();
    });
  }

  // ---- signals and shutdown --------------------------------------------------------------

  void on_signal(boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload();
      signals_.async_wait([this](auto e, int s) { on_signal(e, s); });
      return;
    }
    spdlog::info("{}: stopping (finishing requests in flight)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    begin_shutdown();
  }

  void begin_shutdown() {
    if (stopping_) return;
    stopping_ = true;
    listener_->stop();
    check_timer_.cancel();
    alive_timer_.cancel();
    prune_timer_.cancel();
    expiry_timer_.cancel();
    dispatcher_->stop();  // what is not delivered yet stays in the outbox for the next start
    flush_timer_.cancel();
    if (retry_armed_) {
      retry_armed_ = false;
      retry_timer_.cancel();
    }
    for (auto& [id, m] : monitors_) m->deadline_timer.cancel();
    wait_for_quiet(nullptr, steady::now() + std::chrono::seconds(10));
  }

  // Stops the loop once every request read has been answered and then the final writes (the
  // last write-behind round, the liveness record) committed. What does not make it in time is
  // still safe: the writer commits everything queued when it stops, and pushes not written
  // behind are replayed from push_history at the next start.
  void wait_for_quiet(std::shared_ptr<bool> alive_written, steady::time_point give_up) {
    const bool timed_out = steady::now() >= give_up;
    if (!final_flush_started_ && (listener_->requests_in_flight() == 0 || timed_out)) {
      final_flush_started_ = true;
      retry_now();  // a last attempt at the changes the database refused, all at once
      flush_state();
    }
    // After the last round's mark (queued when its snapshots were written, on this thread).
    if (final_flush_started_ && !round_ && !alive_written) {
      alive_written = std::make_shared<bool>(false);
      writer_->submit([now = wall_now()](store::connection& c) { store::record_alive(c, now); },
                      [alive_written](bool) { *alive_written = true; }, store::writer::lane::background);
    }
    if ((alive_written && *alive_written) || timed_out) {
      // One more turn so answers just handed to sessions are written out.
      shutdown_timer_.expires_after(std::chrono::milliseconds(50));
      shutdown_timer_.async_wait([this](boost::system::error_code) { io_.stop(); });
      return;
    }
    shutdown_timer_.expires_after(std::chrono::milliseconds(10));
    shutdown_timer_.async_wait([this, alive_written, give_up](boost::system::error_code ec) {
      if (!ec) wait_for_quiet(alive_written, give_up);
    });
  }

  // Constant after construction (cfg_ is replaced whole by a reload, on the io thread)
  config::config cfg_;
  std::unordered_map<std::string_view, const config::monitor_settings*> settings_by_name_;  // into cfg_
  const clock& wall_;

  // State below is owned by the io thread
  net::io_context io_{1};
  // Touched only by writer jobs, on the writer thread; declared before writer_ so it outlives
  // the writer's thread.
  store::history_sweep history_;
  std::unique_ptr<store::writer> writer_;
  // Monitors with a state change still queued in the writer's background lane, and how many.
  std::unordered_map<monitor_id, int> background_pending_;
  std::deque<monitor_id> expired_;  // deadline timers fired, not yet evaluated
  bool expired_sorted_ = true;
  std::vector<monitor_id> dirty_;   // monitors pushed since their last snapshot (write-behind)
  // The write-behind round under way (flush_state).
  struct state_round {
    explicit state_round(std::vector<monitor_id> pushed) : chunks(std::move(pushed)) {}
    write_behind_round chunks;
    std::size_t snapshots = 0;
    steady::time_point started = steady::now();
    std::shared_ptr<std::int64_t> through = std::make_shared<std::int64_t>(0);  // read by its first job
  };
  std::optional<state_round> round_;
  std::optional<core::clock_reading> last_reading_;  // the last wall_now(), to see clock steps
  // State changes the database refused, and the one retry loop that writes them.
  unwritten_changes unwritten_;
  net::steady_timer retry_timer_{io_};
  bool retry_armed_ = false;
  bool retry_in_flight_ = false;
  // Numbers of pushes not written that could not be given back yet (a later push of the
  // monitor was still in flight), per monitor; empty but during an outage.
  std::unordered_map<monitor_id, std::vector<std::int64_t>> failed_seqs_;
  steady::time_point last_state_flush_ = steady::now();
  std::uint64_t pushes_since_flush_ = 0;
  std::uint64_t pushes_since_sweep_ = 0;
  bool draining_expired_ = false;
  std::uint64_t prune_ticks_ = 0;
  std::unique_ptr<notify::curl_transport> transport_;
  std::unique_ptr<notify::dispatcher> dispatcher_;
  std::string push_host_;  // shown in alerts instead of the push URL (which holds the secret)
  http_api::route_table routes_;  // read by the listener's sessions: declared before it
  std::shared_ptr<http_api::listener> listener_;
  net::signal_set signals_;
  net::steady_timer check_timer_;
  net::steady_timer alive_timer_;
  net::steady_timer prune_timer_;
  net::steady_timer flush_timer_;
  net::steady_timer expiry_timer_;  // drain_expired waiting for the writer's backlog
  net::steady_timer shutdown_timer_;
  // Open addressing, one probe of a flat array per lookup: with 100,000 monitors pushed at
  // random, std::unordered_map's bucket -> node -> entry chain cost three cache misses a push.
  boost::unordered_flat_map<monitor_id, std::unique_ptr<monitor_entry>> monitors_;
  std::priority_queue<due_check, std::vector<due_check>, std::greater<>> check_queue_;
  monitor_id prune_cursor_ = 0;
  bool stopping_ = false;
  bool final_flush_started_ = false;  // the last write-behind round, once requests are answered
  int exit_code_ = 0;
};

}  // namespace

int serve(config::config cfg, const run_options& options) {
  static const system_clock system;
  const clock& wall = options.wall_clock ? *options.wall_clock : system;
  service s(std::move(cfg), wall);
  return s.run();
}

}  // namespace uptime::server
