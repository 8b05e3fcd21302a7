// The running service (see server.hpp): wiring only. One io_context thread runs the HTTP
// listener, the monitors (monitors/engine.hpp) and every timer; the store (store/store.hpp)
// and the notifier do their blocking work on threads of their own and post results back.
// This file owns the order of things: listen, open the store, load the monitors, serve; on
// SIGHUP read the config and apply it; on SIGTERM answer what is in flight, write what is
// pending, stop.
#include "server/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <charconv>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "api/api_keys.hpp"
#include "api/badges.hpp"
#include "api/health.hpp"
#include "api/live_badges.hpp"
#include "api/live_monitors.hpp"
#include "api/management.hpp"
#include "api/openapi.hpp"
#include "api/metrics.hpp"
#include "api/push.hpp"
#include "http/listener.hpp"
#include "monitors/engine.hpp"
#include "net.hpp"
#include "notify/dispatcher.hpp"
#include "notify/transport.hpp"
#include "server/channels.hpp"
#include "server/metrics_source.hpp"
#include "store/store.hpp"

namespace uptime::server {

namespace {

using steady = std::chrono::steady_clock;

store::monitor_declaration declare(const config::monitor_settings& m) {
  store::monitor_declaration d;
  d.name = m.name;
  d.type = std::string(core::to_string(m.kind));
  d.group = m.group;
  d.enabled = m.enabled;
  d.rules.expected_interval = m.expected_interval;
  d.rules.grace_period = m.grace_period;
  if (m.schedule) d.rules.schedule = std::make_shared<const core::cron_schedule>(*m.schedule);
  d.rules.zone = m.zone;
  d.rules.max_runtime = m.max_runtime;
  d.rules.min_runtime = m.min_runtime;
  d.rules.failures_before_down = m.failures_before_down;
  d.rules.manual_resume = m.manual_resume;
  if (m.schedule) d.schedule_key = store::schedule_key(m.schedule->text, m.timezone);
  return d;
}

std::vector<api::api_key> keys_of(const config::config& cfg) {
  std::vector<api::api_key> out;
  for (const auto& k : cfg.api_keys) out.push_back({k.name, k.sha256, k.scope == config::api_key_scope::write});
  return out;
}

std::vector<store::monitor_declaration> declare_all(const config::config& cfg) {
  std::vector<store::monitor_declaration> out;
  out.reserve(cfg.monitors.size());
  for (const auto& m : cfg.monitors) out.push_back(declare(m));
  return out;
}


// /metrics: a read key, or nobody's when the config says `metrics: {public: true}` (which a
// reload may change).
class metrics_authenticator final : public http_api::authenticator {
 public:
  explicit metrics_authenticator(http_api::authenticator& key_check) : key_check_(key_check) {}
  void set_public(bool open) { public_ = open; }
  std::variant<http_api::identity, http_api::response> authenticate(const http_api::request& req) override {
    if (public_) return http_api::identity{"public", "read"};
    return key_check_.authenticate(req);
  }

 private:
  http_api::authenticator& key_check_;
  bool public_ = false;
};

class service final : public api::push_receiver, public api::health_probe {
 public:
  service(config::config cfg, const monitors::clock& wall)
      : cfg_(std::move(cfg)), wall_(wall), signals_(io_, SIGINT, SIGTERM, SIGHUP), shutdown_timer_(io_) {}

  int run() {
    // The socket first: a port in use (or an address that is not ours) is refused before a
    // database is created for a server that cannot run. It is listening from here on, and
    // connections wait in its backlog until the monitors are loaded.
    try {
      tcp::endpoint at{net::ip::make_address(cfg_.server.host), cfg_.server.port};
      api::add_push_routes(routes_, *this, &push_answers_);
      api::add_health_routes(routes_, *this);
      api::add_metrics_routes(routes_, metrics_, &metrics_auth_);
      listener_ = std::make_shared<http_api::listener>(io_, at, listener_settings(), routes_);
      // Port 0 (tests): push URLs must show the port the system chose.
      if (cfg_.server.port == 0) cfg_.server.port = listener_->local_endpoint().port();
    } catch (const std::exception& e) {
      spdlog::critical("Cannot listen on {}:{}: {}", cfg_.server.host, cfg_.server.port, e.what());
      return 1;
    }

    try {
      store::store_settings settings;
      settings.path = cfg_.database.path;
      settings.busy_timeout_ms = static_cast<int>(cfg_.database.busy_timeout.count());
      settings.synchronous_full = cfg_.database.synchronous == "full";
      settings.keep = retention();
      store::store_events events;
      events.alerts_committed = [this](std::vector<store::outbox_row> rows) {
        for (const auto& row : rows) monitors_->alerting().dispatch(row);
      };
      events.secrets_changed = [this](auto secrets) { monitors_->on_secrets_changed(secrets); };
      store_ = store::open_store(settings, io_.get_executor(), std::move(events));
    } catch (const std::exception& e) {
      spdlog::critical("Cannot open the database {}: {}", cfg_.database.path.string(), e.what());
      return 1;
    }
    spdlog::info("Database {} (WAL, synchronous={})", cfg_.database.path.string(),
                 cfg_.database.synchronous);

    monitors_ = std::make_unique<monitors::engine>(io_, *store_, wall_);
    monitors_->set_config(cfg_);
    monitors_->alerting().set_push_host(host_of(cfg_.public_base_url()));
    transport_ = std::make_unique<notify::curl_transport>(io_.get_executor());
    dispatcher_ = std::make_unique<notify::dispatcher>(
        io_, *transport_, [this] { return wall_.now(); }, retry_policy(),
        monitors_->alerting().delivery_outcomes());
    dispatcher_->set_channels(channels_of(cfg_));
    monitors_->alerting().set_dispatcher(*dispatcher_);
    add_management_routes();
    metrics_source_.attach(*monitors_, *dispatcher_, *store_);

    signals_.async_wait([this](auto ec, int sig) { on_signal(ec, sig); });
    start();
    io_.run();
    transport_->stop();
    store_->stop();
    spdlog::info("Stopped");
    return exit_code_;
  }

  // ---- api::push_receiver, api::health_probe ---------------------------------------------

  void receive(api::push_request request, api::push_done done) override {
    monitors_->push().receive(std::move(request), std::move(done));
  }

  // The database is writable if it takes the liveness mark now.
  void check(api::health_done done) override {
    store::batch b;
    b.alive = monitors_->wall().now();
    store_->commit(std::move(b), store::store::lane::interactive,
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

  store::retention retention() const {
    return {cfg_.database.retention_days, cfg_.database.max_check_results,
            cfg_.database.push_history_per_monitor};
  }

  core::retry_policy retry_policy() const {
    core::retry_policy p;
    p.give_up_after = std::chrono::hours(cfg_.notify_retry_hours);
    return p;
  }

  // The management API (/api/v1), on the monitors as they run. Before the listener starts.
  void add_management_routes() {
    keys_.set(keys_of(cfg_));
    metrics_auth_.set_public(cfg_.metrics_public);
    routes_.set_cors_origins(cfg_.server.cors_origins);
    live_ = std::make_unique<api::live_monitors>(*monitors_);
    live_->set_base_url(cfg_.public_base_url());
    management_ = std::make_unique<api::management_context>(
        api::management_context{io_.get_executor(), *live_, *store_, &read_auth_, &write_auth_, started_at_});
    api::add_monitor_read_routes(routes_, *management_);
    api::add_monitor_history_routes(routes_, *management_);
    api::add_monitor_action_routes(routes_, *management_);
    api::add_openapi_routes(routes_);
    badges_ = std::make_unique<api::live_badges>(*live_);
    api::add_badge_routes(routes_, *badges_);
  }

  // ---- start and reload ----------------------------------------------------------------

  // Give every declared monitor its id and secret, load the monitors, then serve.
  void start() {
    store_->start(declare_all(cfg_), monitors_->wall().now(), [this](std::optional<store::start_state> started) {
      if (!started) {
        spdlog::critical("Cannot read or write the monitors in the database; stopping");
        exit_code_ = 1;
        io_.stop();
        return;
      }
      if (stopping_) return;  // SIGTERM arrived while the database was being read
      monitors_->start(*started);
      if (!started->undelivered.empty())
        spdlog::info("{} undelivered alerts from before the restart are being sent",
                     started->undelivered.size());
      for (const auto& row : started->undelivered) monitors_->alerting().dispatch(row);
      forget_declarations();
      listener_->start();
      monitors_->load_history();
      // Loading the config and the database freed a lot (the config tree, the sync); glibc
      // keeps freed memory unless asked, and a long-running service should not hold it.
      // Posted: the start state this handler was given is freed only when it returns.
      net::post(io_, [] { malloc_trim(0); });
      const auto at = listener_->local_endpoint();
      spdlog::info("Listening on http://{}:{}", at.address().to_string(), at.port());
      spdlog::default_logger()->flush();  // whoever waits for this line should not wait for more
    });
  }

  // Once every monitor has taken its settings, the declarations are not needed until the next
  // reload brings new ones: at 100,000 monitors they are tens of megabytes.
  void forget_declarations() {
    monitors_->forget_settings();
    // Swapped with an empty one: `x = {}` would pick operator=(initializer_list), which clears
    // but keeps the memory.
    decltype(cfg_.monitors)().swap(cfg_.monitors);
  }

  void reload() {
    spdlog::info("SIGHUP: reloading {}", cfg_.file.string());
    // The file is read on a thread of its own: the io thread never waits on a disk.
    net::post(file_reader_, [this, file = cfg_.file] {
      auto loaded = std::make_shared<config::load_result>(config::load_file(file));
      net::post(io_, [this, loaded] { on_reload_read(std::move(*loaded)); });
    });
  }

  void on_reload_read(config::load_result loaded) {
    if (stopping_) return;
    if (!loaded.value) {
      for (const auto& e : loaded.errors) spdlog::error("{}", e);
      spdlog::error("Configuration reload refused ({} errors); the running configuration stays",
                    loaded.errors.size());
      return;
    }
    auto next = std::make_shared<config::config>(std::move(*loaded.value));
    store_->sync(declare_all(*next), monitors_->wall().now(),
                 [this, next](std::optional<std::deque<store::monitor_record>> records) {
                   if (!records) {
                     spdlog::error("Configuration reload failed: the database could not be "
                                   "updated; the running configuration stays");
                     return;
                   }
                   apply_reload(std::move(*next), *records);
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
    dispatcher_->set_channels(channels_of(cfg_));
    dispatcher_->set_policy(retry_policy());
    keys_.set(keys_of(cfg_));
    metrics_auth_.set_public(cfg_.metrics_public);
    routes_.set_cors_origins(cfg_.server.cors_origins);
    live_->set_base_url(cfg_.public_base_url());
    store_->set_retention(retention());
    monitors_->set_config(cfg_);
    monitors_->reload(records);
    forget_declarations();
    net::post(io_, [] { malloc_trim(0); });  // after the reload's records are freed
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
    if (monitors_) monitors_->stop();
    dispatcher_->stop();  // what is not delivered yet stays in the outbox for the next start
    wait_for_quiet(nullptr, steady::now() + std::chrono::seconds(10));
  }

  // Stops the loop once every request read has been answered and then the final writes (the
  // last write-behind round, the liveness mark) committed. What does not make it in time is
  // still safe: the store commits everything queued when it stops, and pushes not written
  // behind are replayed from the push history at the next start.
  void wait_for_quiet(std::shared_ptr<bool> alive_written, steady::time_point give_up) {
    const bool timed_out = steady::now() >= give_up;
    if (!final_flush_started_ && (listener_->requests_in_flight() == 0 || timed_out)) {
      final_flush_started_ = true;
      monitors_->written_behind().finish();
    }
    // After the last round's mark (queued when its snapshots were written, on this thread).
    if (final_flush_started_ && monitors_->written_behind().finished() && !alive_written) {
      alive_written = std::make_shared<bool>(false);
      monitors_->periodic_work().record_alive([alive_written](bool) { *alive_written = true; });
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
  const monitors::clock& wall_;

  // State below is owned by the io thread
  net::io_context io_{1};
  std::unique_ptr<store::store> store_;
  std::unique_ptr<monitors::engine> monitors_;
  std::unique_ptr<notify::curl_transport> transport_;
  std::unique_ptr<notify::dispatcher> dispatcher_;
  // The management API's keys and who may use them (replaced at a reload), and its view of
  // the monitors. Before the route table, whose handlers refer to them.
  core::utc_time started_at_ = wall_.now();
  api::key_table keys_;
  api::failed_attempts failed_attempts_;
  api::api_key_auth read_auth_{keys_, failed_attempts_, /*need_write=*/false};
  api::api_key_auth write_auth_{keys_, failed_attempts_, /*need_write=*/true};
  metrics_authenticator metrics_auth_{read_auth_};
  std::unique_ptr<api::live_monitors> live_;
  std::unique_ptr<api::management_context> management_;
  std::unique_ptr<api::live_badges> badges_;
  api::push_answer_counts push_answers_;
  registry_metrics_source metrics_source_{io_, push_answers_};
  api::metrics_endpoint metrics_{io_, metrics_source_};  // joins its builder before io_ goes
  http_api::route_table routes_;  // before the listener, which routes through it
  std::shared_ptr<http_api::listener> listener_;
  net::signal_set signals_;
  net::steady_timer shutdown_timer_;
  bool stopping_ = false;
  bool final_flush_started_ = false;  // the last write-behind round, once requests are answered
  int exit_code_ = 0;
  // Reads the config file for a reload (the io thread never waits on a disk). Last: it is
  // joined before anything its work refers to goes.
  net::thread_pool file_reader_{1};
};

}  // namespace

int serve(config::config cfg, const run_options& options) {
  static const monitors::system_clock system;
  const monitors::clock& wall = options.wall_clock ? *options.wall_clock : system;
  service s(std::move(cfg), wall);
  return s.run();
}

}  // namespace uptime::server
