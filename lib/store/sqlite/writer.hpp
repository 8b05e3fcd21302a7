// The one serialized writer: every change to the database goes through here, on one thread,
// with group commit. Jobs queued while a transaction runs all go into the next one, so the
// commit rate, not the push rate, bounds the disk work; each job's completion is called on the
// io executor after its transaction committed (ok=true) or failed (ok=false: nothing of that
// transaction was written). A second thread checkpoints the WAL from its own connection, so
// checkpoints stay off the commit path. It checkpoints each time the log grew by
// checkpoint_step_bytes (a few tens of times a second under full load), because the copying
// is CPU work done in one piece: done twice a second, each piece held the io thread off a
// shared core for tens of milliseconds. Only the log's restart (past max_wal_bytes) is the
// writer's own, between two transactions: the little the checkpointer left, then a fresh log.
//
// Both threads run SCHED_BATCH, so that on a core shared with the io thread they wait for
// its turn to end instead of preempting it when it wakes them.
//
// Thread contract: submit() may be called from any thread; completions and nothing else run
// on the io executor; jobs and the external-change hook run on the writer thread.
//
// Hand-off: what the io thread submits during one turn of its loop (the requests one wake-up
// read) is handed to the writer at the end of that turn, with one lock and one wake-up. The
// writer then commits those pushes together instead of waking for the first of them alone.
// Submissions from other threads are handed over at once. Either way a lane keeps its order.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "net.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/connection.hpp"
#include "util/histogram.hpp"
#include "util/move_only_function.hpp"

namespace uptime::store {

class writer {
 public:
  // The WAL is started over once it holds more than this (it may grow by what half a second
  // of commits adds before the next look) ...
  static constexpr std::int64_t max_wal_bytes = 32 << 20;
  // ... by the writer thread, between two transactions, once a passive checkpoint left less
  // than this to copy (the commits behind wait while it copies the rest).
  static constexpr std::int64_t restart_within_bytes = 2 << 20;
  // A passive checkpoint runs once the log grew by this much since the last one ...
  static constexpr std::int64_t checkpoint_step_bytes = 512 << 10;
  // ... but not sooner than this after it, and at least this often whatever happens.
  static constexpr std::chrono::milliseconds checkpoint_every{25};
  static constexpr std::chrono::milliseconds idle_checkpoint_every{500};

  using job = util::move_only_function<void(connection&)>;
  using completion = util::move_only_function<void(bool ok)>;
  // A job and its completion in one object (one allocation, where a job and a completion are
  // two): apply() on the writer thread inside a transaction, then done() on the io executor,
  // with the object, once that transaction committed or failed.
  class work {
   public:
    virtual ~work() = default;
    virtual void apply(connection& c) = 0;
    virtual void done(bool ok) = 0;
    // false: nothing to call on the io executor (the object goes on the writer thread).
    virtual bool has_done() const { return true; }
  };
  // Runs on the writer thread when another process committed to the database (PRAGMA
  // data_version changed), e.g. a user's `sqlite3 … UPDATE push_monitors SET secret_key=…`.
  using external_change_hook = std::function<void(connection&)>;
  // Runs on the writer thread after each transaction: committed, or rolled back (nothing of
  // its jobs was written). For caches the jobs keep beside the database (history_sweep), which
  // must forget what a rolled-back transaction told them.
  using transaction_end_hook = std::function<void(bool committed)>;

  struct stats {
    std::uint64_t transactions = 0;
    std::uint64_t jobs = 0;
    std::uint64_t failed_transactions = 0;
  };

  // Opens the database (creating it and its folder), configures and migrates it. Throws
  // sqlite_error / std::runtime_error when it cannot; nothing is started then.
  writer(const std::filesystem::path& file, const connection_options& options,
         net::io_context::executor_type io, external_change_hook on_external_change = {},
         transaction_end_hook on_transaction_end = {});
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // Interactive jobs (pushes, health checks: someone waits for the answer) all go into the
  // next transaction; background jobs (state changes found by timers, checks, pruning, alert
  // bookkeeping, write-behind snapshots) only up to max_background_per_transaction of weight
  // at a time, so a burst of them (an expiry storm) never holds a push for long. A job's
  // weight is about how many rows it writes (a snapshot of 500 monitors weighs 500); a
  // transaction takes at least one background job whatever its weight. Jobs of one lane keep
  // their order; a caller that needs order across lanes for one monitor must keep that
  // monitor's jobs in one lane.
  enum class lane { interactive, background };
  static constexpr std::size_t max_background_per_transaction = 1000;
  // ... and only as much of that as fits in this long (from the transaction's start), when
  // pushes are in the transaction, or when it has only background work.
  static constexpr std::chrono::microseconds background_budget_with_pushes{500};
  static constexpr std::chrono::microseconds background_budget_alone{1000};
  // ... followed by a pause this long (unless interactive work arrives first).
  static constexpr std::chrono::microseconds background_pause{200};

  void submit(job apply, completion done, lane l = lane::interactive, std::size_t weight = 1);
  void submit(std::unique_ptr<work> w, lane l = lane::interactive, std::size_t weight = 1);

  // Commits everything queued, then stops both threads. Idempotent. Called on the io thread,
  // or once nothing runs it any more.
  void stop();

  stats counters() const;
  // How long each committed transaction took, from its BEGIN to its COMMIT: the jobs' work and
  // the disk's sync, which is what a push waits for. Any thread.
  const util::histogram& commit_seconds() const { return commit_seconds_; }
  // True from a failed transaction to the next one that commits: the database is out (a full
  // disk, a lock held elsewhere, a read-only file). Producers of optional work (write-behind
  // rounds, pruning) hold back meanwhile. The writer logs one line when an outage starts and
  // one when it is over (transactions have committed for a few seconds), however many
  // transactions fail in between. Any thread.
  bool failing() const { return failing_.load(std::memory_order_relaxed); }
  // Background jobs waiting: a producer of many (an expiry storm) waits while this is large,
  // so the queue, and the memory it holds, stays bounded.
  std::size_t background_backlog() const;

 private:
  struct entry {
    std::unique_ptr<work> w;
    std::size_t weight = 1;
  };
  struct staged_entry {
    entry e;
    lane l;
  };
  // Submissions made on the io thread during its current turn. Shared with the handler that
  // hands them over, which may outlive a stopped writer (`owner` is null then).
  struct staging {
    std::vector<staged_entry> entries;
    bool hand_over_posted = false;
    writer* owner = nullptr;
  };
  void hand_over(std::vector<staged_entry>& entries);
  void hand_over_staged();
  void run();
  void run_checkpoints();
  void restart_wal();
  // sqlite3_wal_hook: after each commit, on the writer thread, with the log's length.
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);
  void check_external_change();

  // Constant after construction
  std::filesystem::path file_;
  connection_options options_;
  net::io_context::executor_type io_;
  external_change_hook on_external_change_;
  transaction_end_hook on_transaction_end_;
  std::unique_ptr<connection> conn_;  // used only by the writer thread once started

  // io-thread only
  std::shared_ptr<staging> staging_;

  // State below is protected by mutex_
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<entry> queue_;        // interactive
  std::deque<entry> background_;
  bool stopping_ = false;
  stats stats_;
  // Set when interactive work is handed over, cleared when the writer takes it (written under
  // mutex_; read without it by a background-only transaction, to end early).
  std::atomic<bool> interactive_waiting_{false};

  std::atomic<bool> failing_{false};  // written by the writer thread only
  // Observed by the writer thread only, read by any. From half a millisecond (a group commit
  // without sync) to seconds (a disk that stalls).
  util::histogram commit_seconds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  // Writer-thread only
  std::int64_t data_version_ = 0;
  // The outage under way: when it began, how many transactions failed in it, and since when
  // transactions commit again. It is over (and logged as over) once they have committed for
  // outage_settles_after: a full disk lets a small transaction through now and then, and one
  // outage should read as one in the log, not as dozens.
  static constexpr std::chrono::seconds outage_settles_after{3};
  bool in_outage_ = false;
  std::chrono::steady_clock::time_point outage_started_;
  std::optional<std::chrono::steady_clock::time_point> committing_since_;
  std::uint64_t outage_failures_ = 0;
  // After a transaction: the outage log lines and failing_.
  void note_outcome(bool committed, const char* error);

  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_stop_ = false;
  // Set by the writer's WAL hook once the log grew by a step, cleared by the checkpointer
  // (the wake-up is sent without checkpoint_mutex_, so one may be missed:
  // idle_checkpoint_every bounds that). checkpointed_frames_: the log's length at the last
  // checkpoint (0 after a restart).
  std::atomic<bool> checkpoint_due_{false};
  std::atomic<int> checkpointed_frames_{0};
  // Set by the checkpointer when the log is long and nearly all copied; the writer then
  // starts it over (restart_wal).
  std::atomic<bool> wal_restart_due_{false};
  int checkpoint_step_frames_ = 512;  // checkpoint_step_bytes in pages; constant once started

  std::thread thread_;
  std::thread checkpoint_thread_;
};

}  // namespace uptime::store
