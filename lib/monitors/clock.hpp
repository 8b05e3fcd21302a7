// The clocks as a seam (like LevelDB's Env::NowMicros): the monitors read time only through a
// `clock`, once per event, so tests can drive it by hand. A clock gives the wall time and the
// steady time together: the wall clock stepping (an NTP correction, a suspended machine) is
// told apart from time passing by comparing the two (core/clock_step.hpp). Timers still wait
// on the real steady clock.
#pragma once

#include <atomic>
#include <chrono>

#include "core/time.hpp"

namespace uptime::monitors {

class clock {
 public:
  virtual ~clock() = default;
  virtual core::utc_time now() const = 0;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class system_clock final : public clock {
 public:
  core::utc_time now() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

// Starts at a given instant and moves only when told to: advance() is time passing (both
// clocks move), set() is the wall clock stepping (the steady clock stays). Safe to read from
// any thread.
class manual_clock final : public clock {
 public:
  explicit manual_clock(core::utc_time start) : now_(start.time_since_epoch().count()) {}
  core::utc_time now() const override { return core::utc_time{std::chrono::milliseconds{now_.load()}}; }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point{} + std::chrono::milliseconds{steady_.load()};
  }
  void advance(std::chrono::milliseconds d) {
    now_ += d.count();
    steady_ += d.count();
  }
  void set(core::utc_time t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<std::int64_t> now_;
  std::atomic<std::int64_t> steady_{1'000'000'000};  // any start: only differences count
};

}  // namespace uptime::monitors
