// The wall clock as a seam (like LevelDB's Env::NowMicros): the server reads time only
// through a `clock`, once per event, so tests can drive it by hand.
#pragma once

#include <atomic>
#include <chrono>

#include "core/time.hpp"

namespace uptime::monitors {

class clock {
 public:
  virtual ~clock() = default;
  virtual core::utc_time now() const = 0;
};

class system_clock final : public clock {
 public:
  core::utc_time now() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

// Starts at a given instant and moves only when told to. Safe to read from any thread.
class manual_clock final : public clock {
 public:
  explicit manual_clock(core::utc_time start) : now_(start.time_since_epoch().count()) {}
  core::utc_time now() const override { return core::utc_time{std::chrono::milliseconds{now_.load()}}; }
  void advance(std::chrono::milliseconds d) { now_ += d.count(); }
  void set(core::utc_time t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace uptime::monitors
