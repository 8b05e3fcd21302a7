// The SQLite store: batches become jobs of the one serialized writer (writer.hpp: group
// commit, WAL checkpoints off the commit path, SCHED_BATCH), reads run on a reader thread of
// their own (WAL lets it read while the writer writes), and the store's own housekeeping (the
// push history sweep, retention) runs on a timer. The must-commit lane (store.hpp) is
// unwritten_changes.hpp plus one retry timer, on the io thread.
#include "store/sqlite/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>

#include "store/sqlite/outbox.hpp"
#include "store/sqlite/reads.hpp"
#include "store/sqlite/history_sweep.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/writer.hpp"
#include "store/unwritten_changes.hpp"

namespace uptime::store {

namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t retry_batch_monitors = 500;  // monitors per attempt of the retry loop
// The push history sweep (rows.hpp history_sweep) looks at two rows per push appended,
// trailing a little more than one turn of the table behind the newest row, so that whole pages
// go at once; and at a steady trickle without a trail, which brings every monitor to exactly
// its limit. One job looks at most at a window's worth, so the writer's time box can split a
// tick's work. Checks, state changes and the outbox are pruned by age and count every 10 s.
constexpr auto sweep_tick = std::chrono::milliseconds(100);
constexpr std::int64_t history_sweep_per_push = 2;
constexpr std::int64_t history_sweep_idle = 200;     // rows per tick (2,000/s), no trail
constexpr std::int64_t history_sweep_window = 250;   // rows per job
constexpr int prune_every_ticks = 100;

class sqlite_store final : public store {
 public:
  sqlite_store(const store_settings& settings, net::io_context::executor_type io, store_events events)
      : settings_(settings), io_(io), events_(std::move(events)), retry_timer_(io),
        housekeeping_timer_(io), reader_(1) {
    if (settings.read_only) {
      // Fail now, with the user's message, rather than at the first read.
      connection probe(settings.path, connection::mode::read_only);
      return;
    }
    connection_options options;
    options.busy_timeout_ms = settings.busy_timeout_ms;
    options.synchronous_full = settings.synchronous_full;
    writer_ = std::make_unique<writer>(
        settings.path, options, io,
        [this](connection& c) {
          auto secrets = read_secrets(c);
          if (events_.secrets_changed)
            net::post(io_, [this, secrets = std::move(secrets)]() mutable {
              events_.secrets_changed(std::move(secrets));
            });
        },
        [history = &history_](bool committed) { history->transaction_ended(committed); });
    schedule_housekeeping();
  }

  ~sqlite_store() override {
    stop();
    reader_.join();
  }

  // ---- writes ------------------------------------------------------------------------------

  void commit(batch b, lane l, done_fn done) override {
    if (!writer_ || stopped_) {
      if (done) done(false);
      return;
    }
    if (l == lane::must_commit) {
      // While the database is failing, or behind changes of the same monitor that wait for
      // it, the changes join the retry loop (one attempt a backoff step, not one per change).
      bool wait = writer_->failing();
      for (std::size_t i = 0; !wait && !unwritten_.empty() && i < b.changes.size(); ++i)
        wait = unwritten_.has(b.changes[i].id);
      if (wait) {
        for (auto& c : b.changes) unwritten_.add(std::move(c));
        arm_retry();
        return;
      }
    }
    if (b.push) ++pushes_since_sweep_;
    auto p = std::make_unique<pending>(*this);
    p->on_done = std::move(done);
    // Changes of the batch's monitors that the database refused earlier go first, in the same
    // transaction: one monitor's changes and alerts stay in order.
    if (!unwritten_.empty()) {
      if (b.push)
        if (auto item = unwritten_.take(b.push->id)) p->earlier.push_back(std::move(*item));
      for (const auto& c : b.changes)
        if (auto item = unwritten_.take(c.id)) p->earlier.push_back(std::move(*item));
    }
    p->b = std::move(b);
    submit(std::move(p), l);
  }

  void start(std::vector<monitor_declaration> declared, core::utc_time now,
             read_fn<start_state> done) override {
    if (!writer_) return done(std::nullopt);
    auto result = std::make_shared<start_state>();
    writer_->submit(
        [result, declared = std::move(declared), now](connection& c) {
          result->last_alive = last_alive(c);
          result->monitors = sync_monitors(c, declared, now);
          result->undelivered = pending_alerts(c);
          result->badge_secret = read_badge_secret(c);
        },
        [this, result, done = std::move(done)](bool ok) mutable {
          if (!ok) return done(std::nullopt);
          monitors_ = result->monitors.size();
          done(std::move(*result));
        });
  }

  void sync(std::vector<monitor_declaration> declared, core::utc_time now,
            read_fn<std::deque<monitor_record>> done) override {
    if (!writer_) return done(std::nullopt);
    auto result = std::make_shared<std::deque<monitor_record>>();
    writer_->submit(
        [result, declared = std::move(declared), now](connection& c) {
          *result = sync_monitors(c, declared, now);
        },
        [this, result, done = std::move(done)](bool ok) mutable {
          if (!ok) return done(std::nullopt);
          monitors_ = result->size();
          done(std::move(*result));
        });
  }

  // ---- reads -------------------------------------------------------------------------------

  void list_monitors(read_fn<std::vector<monitor_record>> done) override {
    read(std::move(done), [](connection& c) { return load_monitors(c); });
  }
  void push_history(monitor_id id, std::size_t limit, std::optional<std::int64_t> before,
                    read_fn<std::vector<push_row>> done) override {
    read(std::move(done),
         [id, limit, before](connection& c) { return read_push_history(c, id, limit, before); });
  }
  void state_changes(monitor_id id, std::size_t limit,
                     read_fn<std::vector<change_record>> done) override {
    read(std::move(done), [id, limit](connection& c) { return read_state_changes(c, id, limit); });
  }
  void changes_since(core::utc_time since, read_fn<std::vector<monitor_change>> done) override {
    read(std::move(done), [since](connection& c) { return read_changes_since(c, since); });
  }

  void deliveries(monitor_id id, std::size_t limit, read_fn<std::vector<outbox_row>> done) override {
    read(std::move(done), [id, limit](connection& c) { return read_deliveries(c, id, limit); });
  }

  // ---- the rest of the interface -----------------------------------------------------------

  void set_retention(const retention& r) override { settings_.keep = r; }
  bool failing() const override { return writer_ && writer_->failing(); }
  std::size_t backlog() const override { return writer_ ? writer_->background_backlog() : 0; }
  const util::histogram& commit_seconds() const override {
    return writer_ ? writer_->commit_seconds() : store::commit_seconds();
  }
  std::size_t unwritten_monitors() const override {
    return unwritten_.monitors() + (retry_in_flight_ ? 1 : 0);
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    retry_timer_.cancel();
    housekeeping_timer_.cancel();
    if (!writer_) return;
    // A last attempt at what the database refused, all at once, committed by the writer's stop.
    const auto unwritten = unwritten_.monitors();
    if (unwritten > 0) {
      auto items = std::make_shared<std::vector<unwritten_changes::item>>(
          unwritten_.take_batch(std::numeric_limits<std::size_t>::max()));
      writer_->submit(
          [items](connection& c) {
            std::vector<std::int64_t> ids;
            for (const auto& item : *items)
              for (const auto& change : item.changes) write_change(c, change, ids);
          },
          nullptr, writer::lane::background);
    }
    writer_->stop();
    if (unwritten > 0 || retry_in_flight_) {
      if (writer_->failing())
        spdlog::error("State changes of {} monitors may not be saved: the database refused them "
                      "until the end; their deadlines are decided again at the next start",
                      std::max<std::size_t>(1, unwritten));
    }
  }

 private:
  // A batch on its way through the writer, with the refused changes it writes first: one
  // object (one allocation) for the job and its completion.
  struct pending final : writer::work {
    explicit pending(sqlite_store& s) : store(s) {}
    void apply(connection& c) override { store.apply(c, *this); }
    void done(bool ok) override { store.on_committed(*this, ok); }

    sqlite_store& store;
    batch b;
    std::vector<unwritten_changes::item> earlier;
    std::vector<std::int64_t> alert_ids;  // in the order write_change met the alerts
    done_fn on_done;
    bool retry = false;    // an attempt of the retry loop
    bool counted = false;  // its monitors are counted in background_pending_
  };

  static writer::lane writer_lane(lane l) {
    return l == lane::interactive ? writer::lane::interactive : writer::lane::background;
  }

  void submit(std::unique_ptr<pending> p, lane l) {
    // Behind a state change of the same monitor still queued in the background lane, a batch
    // queues there too: one monitor's writes (and alerts) stay in order.
    // (empty() first: after a storm the map keeps 100,000 buckets, and a lookup costs a miss)
    if (l == lane::interactive && !background_pending_.empty()) {
      const bool behind = (p->b.push && background_pending_.count(p->b.push->id)) ||
                          std::any_of(p->b.changes.begin(), p->b.changes.end(), [&](const auto& c) {
                            return background_pending_.count(c.id) > 0;
                          });
      if (behind) l = lane::background;
    }
    p->counted = l != lane::interactive;
    if (p->counted) for_each_changed(*p, [&](monitor_id id) { ++background_pending_[id]; });
    const auto weight = p->b.weight() + p->earlier.size();
    writer_->submit(std::move(p), writer_lane(l), weight);
  }

  template <typename F>
  static void for_each_changed(const pending& p, F f) {
    for (const auto& item : p.earlier) f(item.id);
    for (const auto& c : p.b.changes) f(c.id);
  }

  // On the writer thread.
  void apply(connection& c, pending& p) {
    p.alert_ids.clear();
    for (const auto& item : p.earlier)
      for (const auto& change : item.changes) write_change(c, change, p.alert_ids);
    auto& b = p.b;
    if (b.round_start) b.round_start->history_end = history_end(c);
    if (b.push) history_.record(c, *b.push);
    for (const auto& change : b.changes) write_change(c, change, p.alert_ids);
    for (const auto& s : b.push_fields) save_push_fields(c, s);
    for (const auto& k : b.checks) write_check(c, k.id, k.at, k.status, k.error);
    for (const auto& k : b.secrets) save_secret(c, k.id, k.secret_key);
    for (const auto& d : b.deliveries) {
      switch (d.what) {
        case delivery_row::outcome::delivered: mark_delivered(c, d.outbox_id, d.attempts, d.at); break;
        case delivery_row::outcome::failed_attempt:
          record_failed_attempt(c, d.outbox_id, d.attempts, d.at, d.error);
          break;
        case delivery_row::outcome::given_up: mark_given_up(c, d.outbox_id, d.attempts, d.at, d.error); break;
      }
    }
    if (b.alive) record_alive(c, *b.alive);
    if (b.round_end && b.round_end->history_end > 0) set_state_flushed_through(c, b.round_end->history_end);
  }

  // A state change, its alerts and the state after it. On the writer thread.
  static void write_change(connection& c, const change_row& change, std::vector<std::int64_t>& alert_ids) {
    if (change.transition) write_transition(c, change.id, *change.transition, nullptr);
    for (const auto& a : change.alerts) alert_ids.push_back(enqueue_alert(c, a));
    if (change.after) {
      if (change.status_only)
        save_status(c, change.id, change.after->state);
      else
        save_state(c, *change.after);
    }
  }

  void on_committed(pending& p, bool ok) {
    if (p.counted) for_each_changed(p, [&](monitor_id id) { background_done(id); });
    if (p.retry) retry_in_flight_ = false;
    if (ok) {
      if (!p.alert_ids.empty()) hand_over_alerts(p);
      if (p.retry) unwritten_.attempt_succeeded();
      // The database took a write: what waits need not wait for the rest of the backoff.
      if (!unwritten_.empty()) {
        if (p.retry)
          net::post(io_, [this] { retry_unwritten(); });
        else
          retry_now();
      }
      if (p.on_done) p.on_done(true);
      return;
    }
    // Not written. The changes (the refused earlier ones first) go back in front of whatever
    // was added for their monitors meanwhile, each monitor's in order.
    std::map<monitor_id, std::vector<change_row>> back;
    for (auto& item : p.earlier)
      for (auto& c : item.changes) back[item.id].push_back(std::move(c));
    for (auto& c : p.b.changes) back[c.id].push_back(std::move(c));
    for (auto& [id, changes] : back) unwritten_.put_back({id, std::move(changes)});
    if (p.retry) unwritten_.attempt_failed();
    arm_retry();
    if (p.on_done) p.on_done(false);
  }

  // The committed alerts, with the ids the database gave them, to whoever sends them.
  void hand_over_alerts(pending& p) {
    if (!events_.alerts_committed) return;
    std::vector<outbox_row> rows;
    rows.reserve(p.alert_ids.size());
    std::size_t k = 0;
    const auto take = [&](std::vector<change_row>& changes) {
      for (auto& c : changes)
        for (auto& a : c.alerts) {
          if (k >= p.alert_ids.size()) return;
          a.id = p.alert_ids[k++];
          rows.push_back(std::move(a));
        }
    };
    for (auto& item : p.earlier) take(item.changes);
    take(p.b.changes);
    events_.alerts_committed(std::move(rows));
  }

  void background_done(monitor_id id) {
    if (auto it = background_pending_.find(id); it != background_pending_.end() && --it->second <= 0)
      background_pending_.erase(it);
  }

  // ---- the retry loop (unwritten_changes.hpp) ------------------------------------------------

  void arm_retry() {
    if (retry_armed_ || retry_in_flight_ || unwritten_.empty() || stopped_) return;
    retry_armed_ = true;
    retry_timer_.expires_after(unwritten_.next_delay());
    retry_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;  // cancelled by retry_now, or stopping
      retry_armed_ = false;
      retry_unwritten();
    });
  }

  void retry_now() {
    if (retry_in_flight_) return;
    if (retry_armed_) {
      retry_armed_ = false;
      retry_timer_.cancel();
    }
    retry_unwritten();
  }

  // One attempt: a batch of monitors' changes in one job.
  void retry_unwritten() {
    if (unwritten_.empty() || retry_in_flight_ || stopped_) return;
    auto p = std::make_unique<pending>(*this);
    p->earlier = unwritten_.take_batch(retry_batch_monitors);
    p->retry = true;
    retry_in_flight_ = true;
    submit(std::move(p), lane::must_commit);
  }

  // ---- housekeeping ------------------------------------------------------------------------

  // Ten times a second the push history sweep goes on in small windows: rows are appended by
  // every push and it must keep pace, but one large delete would hold up the pushes committed
  // with it. It looks at a fixed number of rows per push appended (a pass over the table then
  // takes about as long as the table holds pushes of, and the work per push stays the same
  // however fast pushes come), in jobs of one window each so the writer's time box can put them
  // in different transactions.
  void schedule_housekeeping() {
    housekeeping_timer_.expires_after(sweep_tick);
    housekeeping_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped_) return;
      if (!writer_->failing()) housekeep();  // nothing to prune that cannot wait for the database
      schedule_housekeeping();
    });
  }

  void housekeep() {
    const int keep = settings_.keep.push_history_per_monitor;
    const auto sweep = [&](std::int64_t rows, std::int64_t trail) {
      for (; rows > 0; rows -= history_sweep_window) {
        const auto window = static_cast<int>(std::min(rows, history_sweep_window));
        writer_->submit([history = &history_, keep, window, trail](connection& c) {
                          history->step(c, keep, window, trail);
                        },
                        nullptr, writer::lane::background);
      }
    };
    sweep(history_sweep_idle, 0);
    sweep(history_sweep_per_push * static_cast<std::int64_t>(pushes_since_sweep_),
          history_sweep_trail(keep, monitors_));
    pushes_since_sweep_ = 0;
    if (++housekeeping_ticks_ % prune_every_ticks != 0) return;
    auto next_checks = std::make_shared<monitor_id>(prune_cursor_);
    writer_->submit(
        [r = settings_.keep, now = core::utc_time(std::chrono::floor<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now())),
         next_checks](connection& c) {
          *next_checks = prune_step(c, r, now, *next_checks).next_monitor;
          prune_outbox(c, now - std::chrono::days(r.days), 5000);
        },
        [this, next_checks](bool ok) {
          if (ok) prune_cursor_ = *next_checks;
        },
        writer::lane::background);
  }

  // ---- reads -------------------------------------------------------------------------------

  // Runs `query` on the reader thread, with its own connection, and hands the result to `done`
  // on the io thread (nullopt if the read failed).
  template <typename T, typename Query>
  void read(read_fn<T> done, Query query) {
    // The work guard keeps the io loop running until the answer is back (a CLI command's loop
    // has nothing else to wait for).
    net::post(reader_, [this, work = net::make_work_guard(io_), done = std::move(done),
                        query = std::move(query)]() mutable {
      std::optional<T> result;
      try {
        if (!reader_conn_) {
          reader_conn_ = std::make_unique<connection>(settings_.path, connection::mode::read_only);
          sqlite3_busy_timeout(reader_conn_->handle(), settings_.busy_timeout_ms);
        }
        result = query(*reader_conn_);
      } catch (const std::exception& e) {
        spdlog::error("Reading {} failed: {}", settings_.path.string(), e.what());
        reader_conn_.reset();
      }
      net::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
      });
      work.reset();
    });
  }

  // Constant after construction (but the retention, replaced on the io thread by a reload)
  store_settings settings_;
  net::io_context::executor_type io_;
  store_events events_;

  // Touched only by writer jobs, on the writer thread; declared before writer_ so it outlives
  // the writer's thread.
  history_sweep history_;
  std::unique_ptr<writer> writer_;  // null for a read-only store

  // Io thread only
  unwritten_changes unwritten_;
  net::steady_timer retry_timer_;
  bool retry_armed_ = false;
  bool retry_in_flight_ = false;
  // Monitors with a state change still queued in the writer's background lane, and how many.
  std::unordered_map<monitor_id, int> background_pending_;
  net::steady_timer housekeeping_timer_;
  std::uint64_t pushes_since_sweep_ = 0;
  std::uint64_t housekeeping_ticks_ = 0;
  std::size_t monitors_ = 0;  // declared monitors, as of the last start or sync
  monitor_id prune_cursor_ = 0;
  bool stopped_ = false;

  // The reader thread and its connection (used only there).
  net::thread_pool reader_;
  std::unique_ptr<connection> reader_conn_;
};

}  // namespace

std::unique_ptr<store> open_sqlite_store(const store_settings& settings,
                                         net::io_context::executor_type io, store_events events) {
  return std::make_unique<sqlite_store>(settings, io, std::move(events));
}

}  // namespace uptime::store
