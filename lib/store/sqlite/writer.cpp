// The serialized group-commit writer (see writer.hpp).
#include "store/sqlite/writer.hpp"

#include <pthread.h>
#include <sched.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <iterator>

namespace uptime::store {

writer::writer(const std::filesystem::path& file, const connection_options& options,
               net::io_context::executor_type io, external_change_hook on_external_change,
               transaction_end_hook on_transaction_end)
    : file_(file), options_(options), io_(std::move(io)),
      on_external_change_(std::move(on_external_change)),
      on_transaction_end_(std::move(on_transaction_end)), staging_(std::make_shared<staging>()) {
  staging_->owner = this;
  // The connection creates missing folders itself, private (0700), with the file (0600).
  conn_ = std::make_unique<connection>(file_);
  configure_connection(*conn_, options_);
  // Checkpoints belong to the background connection, never to the commit path.
  conn_->exec("PRAGMA wal_autocheckpoint=0");
  // A log started over is cut back to this size (else it stays as large as it ever grew). Not
  // to max_wal_bytes: a log cut back grows again into newly allocated blocks, and the
  // filesystem then makes the next checkpoint's fsync write those out too (a long stall).
  conn_->exec("PRAGMA journal_size_limit=" + std::to_string(4 * max_wal_bytes));
  migrate(*conn_);
  data_version_ = conn_->query_int("PRAGMA data_version");
  const auto page_size = std::max<std::int64_t>(512, conn_->query_int("PRAGMA page_size"));
  checkpoint_step_frames_ = static_cast<int>(checkpoint_step_bytes / page_size);
  // After the PRAGMA above (which would replace it): how the checkpointer learns the log grew.
  sqlite3_wal_hook(conn_->handle(), &writer::on_wal_commit, this);
  thread_ = std::thread([this] { run(); });
  checkpoint_thread_ = std::thread([this] { run_checkpoints(); });
}

writer::~writer() { stop(); }

namespace {

// A job and a completion given as two functions.
class function_work final : public writer::work {
 public:
  function_work(writer::job apply, writer::completion done)
      : apply_(std::move(apply)), done_(std::move(done)) {}
  // The job is freed as soon as it ran, on the writer thread, not with the completion: a
  // start's job holds every declared monitor (tens of MB at 100,000), which must be gone
  // before the io thread builds the registry from its result, or the registry lands beside
  // it and the freed declarations stay as holes in the heap.
  void apply(connection& c) override {
    apply_(c);
    apply_ = nullptr;
  }
  void done(bool ok) override { done_(ok); }
  bool has_done() const override { return static_cast<bool>(done_); }

 private:
  writer::job apply_;
  writer::completion done_;
};

}  // namespace

void writer::submit(job apply, completion done, lane l, std::size_t weight) {
  submit(std::make_unique<function_work>(std::move(apply), std::move(done)), l, weight);
}

void writer::submit(std::unique_ptr<work> w, lane l, std::size_t weight) {
  if (io_.running_in_this_thread()) {
    staging_->entries.push_back({entry{std::move(w), weight}, l});
    if (!staging_->hand_over_posted) {
      staging_->hand_over_posted = true;
      net::post(io_, [s = staging_] {
        s->hand_over_posted = false;
        if (s->owner) s->owner->hand_over_staged();
      });
    }
    return;
  }
  std::vector<staged_entry> one;
  one.push_back({entry{std::move(w), weight}, l});
  hand_over(one);
}

void writer::hand_over_staged() {
  if (staging_->entries.empty()) return;
  hand_over(staging_->entries);
  staging_->entries.clear();
}

void writer::hand_over(std::vector<staged_entry>& entries) {
  {
    std::lock_guard lock(mutex_);
    for (auto& s : entries) {
      if (s.l == lane::interactive) {
        queue_.push_back(std::move(s.e));
        interactive_waiting_.store(true, std::memory_order_relaxed);
      } else
        background_.push_back(std::move(s.e));
    }
  }
  wake_.notify_one();
}

void writer::stop() {
  // Called on the io thread (or once it has stopped): what it staged is written too.
  if (staging_->owner) {
    hand_over_staged();
    staging_->owner = nullptr;
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stop_ = true;
  }
  checkpoint_wake_.notify_one();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

std::size_t writer::background_backlog() const {
  std::lock_guard lock(mutex_);
  return background_.size();
}

writer::stats writer::counters() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

namespace {

// The writer's threads are woken by the io thread (a turn's pushes, a log grown by a step);
// as ordinary threads, on a core they share with it the scheduler would switch to them at
// once, in the middle of the io thread's turn, for small commits and twice the switches.
// SCHED_BATCH (same share of the CPU, no privilege needed) waits for the io thread to block
// instead: its turn ends, and the commit takes all it read. On separate cores it changes
// nothing. 32 connections on one core: 102k -> 113k pushes/s, p99 3.4 -> 2.7 ms.
void yield_to_the_io_thread_on_wake_up() {
  sched_param none{};
  if (const int err = pthread_setschedparam(pthread_self(), SCHED_BATCH, &none); err != 0)
    spdlog::debug("SCHED_BATCH for a database thread not set: error {}", err);
}

}  // namespace

void writer::run() {
  yield_to_the_io_thread_on_wake_up();
  using clock = std::chrono::steady_clock;
  auto last_version_check = clock::now();
  std::vector<entry> batch;
  std::size_t interactive = 0;  // the first `interactive` jobs of batch
  bool background_only = false;  // the last transaction had no interactive job
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // After background work alone, a pause before more of it: on a core shared with the io
      // thread, a writer that is always runnable would keep that thread (and the pushes it
      // has yet to read) waiting for whole scheduler slices.
      if (background_only && !stopping_)
        wake_.wait_for(lock, background_pause, [&] { return stopping_ || !queue_.empty(); });
      wake_.wait_for(lock, std::chrono::milliseconds(500),
                     [&] { return stopping_ || !queue_.empty() || !background_.empty(); });
      if (queue_.empty() && background_.empty() && stopping_) return;
      batch.swap(queue_);
      interactive_waiting_.store(false, std::memory_order_relaxed);
      interactive = batch.size();
      background_only = interactive == 0;
      std::size_t take = 0, weight = 0;
      while (take < background_.size() && (take == 0 || weight + background_[take].weight <=
                                                             max_background_per_transaction))
        weight += background_[take++].weight;
      std::move(background_.begin(), background_.begin() + static_cast<long>(take),
                std::back_inserter(batch));
      background_.erase(background_.begin(), background_.begin() + static_cast<long>(take));
    }
    if (!batch.empty()) {
      bool ok = true;
      try {
        // Background work is time-boxed: a push waiting behind this transaction (or in it)
        // waits for at most about this much of it. Whatever is left goes back to the front
        // of its lane for the next transaction; at least one background job always runs.
        const auto started = clock::now();
        const auto budget = interactive > 0 ? background_budget_with_pushes : background_budget_alone;
        transaction tx(*conn_);
        std::size_t applied = 0;
        for (; applied < batch.size(); ++applied) {
          // A background-only transaction also ends as soon as a push is handed over: on a
          // busy core, the writer running on would also keep the io thread from running.
          if (applied > interactive &&
              (clock::now() - started >= budget ||
               (interactive == 0 && interactive_waiting_.load(std::memory_order_relaxed))))
            break;
          batch[applied].w->apply(*conn_);
        }
        tx.commit();
        commit_seconds_.observe(std::chrono::duration<double>(clock::now() - started).count());
        if (applied < batch.size()) {
          std::lock_guard lock(mutex_);
          background_.insert(background_.begin(), std::make_move_iterator(batch.begin() + static_cast<long>(applied)),
                             std::make_move_iterator(batch.end()));
          batch.resize(applied);
        }
        note_outcome(true, nullptr);
      } catch (const std::exception& e) {
        ok = false;
        note_outcome(false, e.what());
      }
      if (on_transaction_end_) on_transaction_end_(ok);
      {
        std::lock_guard lock(mutex_);
        ++stats_.transactions;
        stats_.jobs += batch.size();
        if (!ok) ++stats_.failed_transactions;
      }
      std::vector<std::unique_ptr<work>> dones;
      dones.reserve(batch.size());
      for (auto& e : batch)
        if (e.w->has_done()) dones.push_back(std::move(e.w));
      batch.clear();
      if (!dones.empty())
        net::post(io_, [dones = std::move(dones), ok]() mutable {
          for (auto& d : dones) d->done(ok);
        });
    }
    if (wal_restart_due_.exchange(false, std::memory_order_relaxed)) restart_wal();
    if (clock::now() - last_version_check >= std::chrono::milliseconds(500)) {
      last_version_check = clock::now();
      check_external_change();
    }
  }
}

void writer::note_outcome(bool committed, const char* error) {
  if (!in_outage_ && committed) return;
  const auto now = std::chrono::steady_clock::now();
  if (committed) {
    failing_.store(false, std::memory_order_relaxed);
    if (!committing_since_) committing_since_ = now;
    if (now - *committing_since_ < outage_settles_after) return;
    const auto lasted = std::chrono::duration_cast<std::chrono::milliseconds>(*committing_since_ - outage_started_);
    spdlog::info("Database writes succeed again after {:.1f} s ({} transactions failed meanwhile)",
                 static_cast<double>(lasted.count()) / 1000.0, outage_failures_);
    in_outage_ = false;
    return;
  }
  failing_.store(true, std::memory_order_relaxed);
  committing_since_.reset();
  ++outage_failures_;
  if (in_outage_) {
    spdlog::debug("Database write failed again: {}", error);
    return;
  }
  in_outage_ = true;
  outage_started_ = now;
  outage_failures_ = 1;
  spdlog::error("Database writes are failing: {}. Pushes are answered 500 until it recovers; "
                "state changes and alerts are kept and retried (this is logged once per outage)",
                error);
}

// The log starts over when a write transaction begins with every frame of it copied to the
// database and no reader in it. A checkpoint run from the checkpointer's connection leaves a
// race: the writer's next transaction usually begins (and appends) before it ends, and a
// RESTART there waits for the writer's lock, which a steady stream of commits rarely leaves
// free (up to a second, or not at all: 90 MB logs with synchronous=full). Run here, between
// two transactions, the checkpoint copies the little that is left with no writer to race,
// and the next transaction starts the log over.
void writer::restart_wal() {
  try {
    const auto t0 = std::chrono::steady_clock::now();
    auto s = conn_->prepare("PRAGMA wal_checkpoint(PASSIVE)");
    std::int64_t busy = 0, frames = 0, copied = 0;
    if (s.step()) {
      busy = s.int64(0);
      frames = s.int64(1);
      copied = s.int64(2);
    }
    s.reset();
    spdlog::debug("WAL of {} frames: {} copied before starting it over ({}, {} µs)", frames, copied,
                  busy ? "busy" : "done",
                  std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  } catch (const std::exception& e) {
    spdlog::debug("WAL not started over: {}", e.what());
  }
}

void writer::check_external_change() {
  try {
    const auto version = conn_->query_int("PRAGMA data_version");
    if (version == data_version_) return;
    data_version_ = version;
    if (on_external_change_) on_external_change_(*conn_);
  } catch (const std::exception& e) {
    spdlog::warn("Could not check the database for outside changes: {}", e.what());
  }
}

int writer::on_wal_commit(void* self, sqlite3*, const char*, int frames) {
  auto& w = *static_cast<writer*>(self);
  const int checkpointed = w.checkpointed_frames_.load(std::memory_order_relaxed);
  const int grown = frames >= checkpointed ? frames - checkpointed : frames;  // else: started over
  if (grown >= w.checkpoint_step_frames_ && !w.checkpoint_due_.exchange(true, std::memory_order_relaxed))
    w.checkpoint_wake_.notify_one();
  return SQLITE_OK;
}

void writer::run_checkpoints() {
  yield_to_the_io_thread_on_wake_up();
  std::unique_ptr<connection> c;
  try {
    c = std::make_unique<connection>(file_);
    sqlite3_busy_timeout(c->handle(), 1000);
  } catch (const std::exception& e) {
    spdlog::warn("WAL checkpoints disabled: {}", e.what());
    return;
  }
  const auto page_size = c->query_int("PRAGMA page_size");
  std::unique_lock lock(checkpoint_mutex_);
  while (!checkpoint_stop_) {
    // Once the log grew by checkpoint_step_bytes (the writer's wake-up may be missed: then
    // after idle_checkpoint_every), never sooner than checkpoint_every after the last one.
    checkpoint_wake_.wait_for(lock, idle_checkpoint_every, [&] {
      return checkpoint_stop_ || checkpoint_due_.load(std::memory_order_relaxed);
    });
    if (checkpoint_stop_) break;
    checkpoint_due_.store(false, std::memory_order_relaxed);
    try {
      // PASSIVE never waits for the writer; whatever it could not copy is taken next time.
      auto passive = c->prepare("PRAGMA wal_checkpoint(PASSIVE)");
      std::int64_t wal_frames = 0, copied = 0;
      if (passive.step()) {
        wal_frames = passive.int64(1);
        copied = passive.int64(2);
      }
      passive.reset();
      checkpointed_frames_.store(static_cast<int>(wal_frames), std::memory_order_relaxed);
      // But under a steady stream of commits PASSIVE never catches the log's end, and SQLite
      // starts the log over only when a checkpoint did: without this the WAL grows without
      // bound. The writer does that part (restart_wal), between two of its transactions, once
      // what PASSIVE left is little.
      if (wal_frames * page_size > max_wal_bytes && (wal_frames - copied) * page_size < restart_within_bytes)
        wal_restart_due_.store(true, std::memory_order_relaxed);
    } catch (const std::exception& e) {
      spdlog::debug("WAL checkpoint skipped: {}", e.what());
    }
    checkpoint_wake_.wait_for(lock, checkpoint_every, [&] { return checkpoint_stop_; });
  }
  try {
    c->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception&) {
    // Best effort at shutdown; SQLite checkpoints again when the database is next opened.
  }
}

}  // namespace uptime::store
