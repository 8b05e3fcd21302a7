// The write-behind of push state (store/store.hpp): a round every state_flush_due
// (pacing.hpp) writes one snapshot of each monitor pushed since the last round, a few chunks at
// a time, each taken when the store has finished an earlier one (write_behind_round.hpp): with
// 100,000 monitors a round taken at once was 20 MB of copies built in one handler, and the
// pushes queued behind it waited for it. The round's first batch (interactive, so it commits
// before any push acknowledged after this moment) notes how far the push history goes; once
// every snapshot is written, a last batch records that every push up to there is in the
// snapshots. A snapshot taken later than the round's start holds more pushes, never fewer.
// Rounds wait while the database is failing (the pushes are safe in memory and their rows were
// never written). Io thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "monitors/push.hpp"
#include "monitors/registry.hpp"
#include "monitors/write_behind_round.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

class write_behind {
 public:
  static constexpr std::size_t chunk_size = 50;  // well under a millisecond of writes
  static constexpr int chunks_in_flight = 16;

  write_behind(net::io_context& io, registry& monitors, push_path& pushes, store::store& db)
      : monitors_(monitors), pushes_(pushes), db_(db), timer_(io) {}

  void start();
  // Stopping: the rest goes at once (every chunk of the round under way, then a last round
  // for what was pushed meanwhile); finished() says when it is all with the store.
  void finish();
  bool finished() const { return !round_; }

 private:
  void schedule();
  void flush();
  void pump();
  void write_chunk(std::vector<store::state_snapshot> chunk);
  void end_round();

  struct round {
    explicit round(std::vector<monitor_id> pushed) : chunks(std::move(pushed)) {}
    write_behind_round chunks;
    std::size_t snapshots = 0;
    steady::time_point started = steady::now();
    // How far the push history went when the round started (filled in by its first batch).
    std::shared_ptr<store::write_behind_mark> through = std::make_shared<store::write_behind_mark>();
  };

  registry& monitors_;
  push_path& pushes_;
  store::store& db_;
  net::steady_timer timer_;
  std::optional<round> round_;
  steady::time_point last_round_ = steady::now();
  std::uint64_t pushes_since_round_ = 0;  // the mark must move even if no monitor is dirty
  bool stopping_ = false;
};

}  // namespace uptime::monitors
