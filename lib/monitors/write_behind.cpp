// Write-behind rounds of push state (see write_behind.hpp).
#include "monitors/write_behind.hpp"

#include <spdlog/spdlog.h>

#include <limits>

#include "monitors/pacing.hpp"

namespace uptime::monitors {

void write_behind::start() { schedule(); }

void write_behind::schedule() {
  timer_.expires_after(state_flush_period);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    // (a little early is on time: the timer ticks every state_flush_period)
    if (!round_ && !db_.failing() &&
        steady::now() - last_round_ + state_flush_period / 10 >= state_flush_due(monitors_.dirty_count())) {
      last_round_ = steady::now();
      flush();
    }
    schedule();
  });
}

void write_behind::finish() {
  stopping_ = true;
  timer_.cancel();
  flush();
}

void write_behind::flush() {
  if (!round_) {
    pushes_since_round_ += pushes_.take_pushes_since();
    if (monitors_.dirty_count() == 0 && pushes_since_round_ == 0) return;
    pushes_since_round_ = 0;
    round_.emplace(monitors_.take_dirty());
    store::batch b;
    b.round_start = round_->through;
    db_.commit(std::move(b), store::store::lane::interactive);
  }
  pump();
}

void write_behind::pump() {
  auto& r = *round_;
  const int max_in_flight = stopping_ ? std::numeric_limits<int>::max() : chunks_in_flight;
  for (auto ids = r.chunks.next_chunk(chunk_size, max_in_flight); !ids.empty();
       ids = r.chunks.next_chunk(chunk_size, max_in_flight)) {
    std::vector<store::state_snapshot> chunk;
    chunk.reserve(ids.size());
    for (const auto id : ids)
      if (auto* m = monitors_.find(id); m && m->dirty) chunk.push_back(monitors_.snapshot(*m));
    if (chunk.empty()) {
      r.chunks.chunk_done(true);  // pushed again and written since, or removed: nothing to do
      continue;
    }
    r.snapshots += chunk.size();
    write_chunk(std::move(chunk));
  }
  if (r.chunks.finished()) end_round();
}

void write_behind::write_chunk(std::vector<store::state_snapshot> chunk) {
  std::vector<monitor_id> ids;
  ids.reserve(chunk.size());
  for (const auto& snap : chunk) ids.push_back(snap.id);
  store::batch b;
  b.push_fields = std::move(chunk);
  db_.commit(std::move(b), store::store::lane::background, [this, ids = std::move(ids)](bool ok) {
    // Not written: the next round writes them again (the pushes themselves are safe in the
    // push history), and this one must not move the mark past them.
    if (!ok)
      for (const auto id : ids)
        if (auto* m = monitors_.find(id)) monitors_.mark_dirty(*m);
    round_->chunks.chunk_done(ok);
    pump();
  });
}

void write_behind::end_round() {
  const auto r = std::move(*round_);
  round_.reset();
  spdlog::debug("Write-behind round: {} snapshots in {} ms{}", r.snapshots,
                std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - r.started).count(),
                r.chunks.failed() ? " (some not written)" : "");
  if (!r.chunks.may_move_mark()) {
    ++pushes_since_round_;  // the next round moves it
    return;
  }
  store::batch b;
  b.round_end = r.through;
  db_.commit(std::move(b), store::store::lane::background, [this](bool ok) {
    if (!ok) ++pushes_since_round_;
  });
  // Stopping: what was pushed during this round goes now too.
  if (stopping_ && monitors_.dirty_count() > 0) flush();
}

}  // namespace uptime::monitors
