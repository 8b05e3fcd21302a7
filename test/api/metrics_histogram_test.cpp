// The fixed-bucket histogram behind uptime_store_commit_seconds: which bucket a value lands in
// (v <= bound), cumulative snapshots whose +Inf bucket is the count, NaN ignored, and no
// observation lost when several threads observe at once.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>
#include <vector>

#include "util/histogram.hpp"

using uptime::util::histogram;

TEST_CASE("a value lands in the first bucket whose bound it does not exceed") {
  histogram h{0.001, 0.01, 1};
  h.observe(0.001);   // on the bound: that bucket
  h.observe(0.0011);  // just over: the next
  h.observe(0.5);
  h.observe(7);       // over every bound: +Inf
  const auto s = h.snapshot();
  CHECK(s.upper_bounds == std::vector<double>{0.001, 0.01, 1});
  CHECK(s.cumulative == std::vector<std::uint64_t>{1, 2, 3, 4});
  CHECK(s.count == 4);
  CHECK(s.sum == Approx(0.001 + 0.0011 + 0.5 + 7));
}

TEST_CASE("a NaN is not observed") {
  histogram h{1};
  h.observe(std::nan(""));
  const auto s = h.snapshot();
  CHECK(s.count == 0);
  CHECK(s.sum == 0);
}

TEST_CASE("an empty histogram's snapshot has every bucket at zero") {
  histogram h{0.5, 1};
  const auto s = h.snapshot();
  CHECK(s.cumulative == std::vector<std::uint64_t>{0, 0, 0});
  CHECK(s.count == 0);
}

TEST_CASE("observations from several threads at once are all counted") {
  histogram h{0.25, 0.5, 0.75};
  constexpr int threads = 4, each = 20000;
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t)
    running.emplace_back([&h, t] {
      for (int i = 0; i < each; ++i) h.observe(0.1 + 0.25 * t);  // thread t fills bucket t
    });
  // A reader meanwhile always sees the +Inf bucket equal to the count.
  for (int i = 0; i < 100; ++i) {
    const auto s = h.snapshot();
    REQUIRE(s.cumulative.back() == s.count);
  }
  for (auto& t : running) t.join();
  const auto s = h.snapshot();
  CHECK(s.cumulative == std::vector<std::uint64_t>{each, 2 * each, 3 * each, 4 * each});
  CHECK(s.sum == Approx(each * (0.1 + 0.35 + 0.6 + 0.85)));
}
