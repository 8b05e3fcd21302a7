// One round of the write-behind of push state (write_behind.hpp): which
// monitors get a snapshot and in what order, how many chunks are with the writer at once, and
// whether the round may move state_flushed_through when it ends. No I/O: write_behind.cpp takes
// the snapshots and commits the chunks; test/monitors/write_behind_round_test.cpp pins the rules.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace uptime::monitors {

class write_behind_round {
 public:
  // `pushed`: the monitors pushed since the last round, in push order. They go in id order,
  // the order of push_monitors, so that neighbouring snapshots share its pages.
  explicit write_behind_round(std::vector<std::int64_t> pushed) : ids_(std::move(pushed)) {
    std::sort(ids_.begin(), ids_.end());
  }

  // The ids of the next chunk (at most `chunk`), counted as with the writer until
  // chunk_done(); empty when every id has gone or `max_in_flight` chunks are with the writer.
  std::span<const std::int64_t> next_chunk(std::size_t chunk, int max_in_flight) {
    if (in_flight_ >= max_in_flight || next_ == ids_.size()) return {};
    const auto first = next_;
    next_ = std::min(ids_.size(), next_ + chunk);
    ++in_flight_;
    return std::span<const std::int64_t>(ids_).subspan(first, next_ - first);
  }

  // A chunk came back from the writer (or had nothing to write: `written`).
  void chunk_done(bool written) {
    --in_flight_;
    if (!written) failed_ = true;
  }

  // Every chunk has been taken and has come back.
  bool finished() const { return next_ == ids_.size() && in_flight_ == 0; }
  // A chunk that was not written leaves pushes older than the round's start unsaved: the mark
  // must stay where it is until a later round has written them.
  bool may_move_mark() const { return finished() && !failed_; }
  bool failed() const { return failed_; }

 private:
  std::vector<std::int64_t> ids_;
  std::size_t next_ = 0;
  int in_flight_ = 0;
  bool failed_ = false;
};

}  // namespace uptime::monitors
