// A histogram with fixed bucket bounds that any thread may add to without a lock, and that any
// thread may read as a snapshot (for Prometheus' histogram type: cumulative `le` buckets, a
// sum and a count). Built for a hot path that observes a few thousand values a second (the
// store's commit times): observe() is a short scan of the bounds and two relaxed atomic adds.
// Not a quantile estimator: what it answers is only as fine as its buckets.
#pragma once

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

namespace uptime::util {

// A histogram's content at one moment.
struct histogram_snapshot {
  std::vector<double> upper_bounds;     // ascending, finite; +Inf is implied after the last
  std::vector<std::uint64_t> cumulative;  // observations <= each bound, then the +Inf bucket
  double sum = 0;
  std::uint64_t count = 0;              // == cumulative.back()
};

class histogram {
 public:
  // `upper_bounds`: ascending and finite (a value v falls in the first bucket with v <= bound,
  // else in +Inf). Constant after construction.
  explicit histogram(std::vector<double> upper_bounds)
      : bounds_(std::move(upper_bounds)),
        buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}
  histogram(std::initializer_list<double> upper_bounds) : histogram(std::vector<double>(upper_bounds)) {}
  histogram(const histogram&) = delete;
  histogram& operator=(const histogram&) = delete;

  // Any thread. A NaN is not counted (it has no bucket, and would poison the sum).
  void observe(double value) noexcept {
    if (std::isnan(value)) return;
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  // Any thread. The count is the buckets' total, so the +Inf bucket always equals it (the
  // format requires that); the sum may lag an observation being added at that instant.
  histogram_snapshot snapshot() const {
    histogram_snapshot s;
    s.upper_bounds = bounds_;
    s.cumulative.reserve(bounds_.size() + 1);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      total += buckets_[i].load(std::memory_order_relaxed);
      s.cumulative.push_back(total);
    }
    s.count = total;
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
  }

  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  // Constant after construction
  const std::vector<double> bounds_;
  // Atomic: observed by any thread, read by any thread
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket (not cumulative), +Inf last
  std::atomic<double> sum_{0};
};

}  // namespace uptime::util
