// Uptime ratios (see uptime.hpp): one pass over the status points, each stretch of a single
// status measured once, with the excluded spans walked alongside it.
#include "core/uptime.hpp"

#include <algorithm>

namespace uptime::core {

namespace {

using std::chrono::milliseconds;

// Walks `excluded` forward as the stretches passed to it move forward; never goes back.
class exclusion_cursor {
 public:
  explicit exclusion_cursor(std::span<const time_span> excluded) : excluded_(excluded) {}

  // How much of [a, b) lies inside the excluded spans. Calls must come with `a` never
  // decreasing.
  milliseconds overlap(utc_time a, utc_time b) {
    while (next_ < excluded_.size() && excluded_[next_].to <= a) ++next_;
    milliseconds total{0};
    for (std::size_t i = next_; i < excluded_.size() && excluded_[i].from < b; ++i) {
      const utc_time lo = std::max(a, excluded_[i].from);
      const utc_time hi = std::min(b, excluded_[i].to);
      if (lo < hi) total += hi - lo;
    }
    return total;
  }

 private:
  std::span<const time_span> excluded_;
  std::size_t next_ = 0;
};

}  // namespace

std::optional<double> uptime_ratio(monitor_status initial, std::span<const status_point> points,
                                   utc_time from, utc_time to,
                                   std::span<const time_span> excluded) {
  if (from >= to) return std::nullopt;
  milliseconds up{0};
  milliseconds down{0};
  exclusion_cursor cursor(excluded);
  // Only up and down are compared: other statuses (pending, paused, later ones) count as neither.
  auto count = [&](monitor_status s, utc_time a, utc_time b) {
    if (a >= b) return;
    if (s != monitor_status::up && s != monitor_status::down) return;
    const milliseconds counted = (b - a) - cursor.overlap(a, b);
    (s == monitor_status::up ? up : down) += counted;
  };

  monitor_status status = initial;
  utc_time since = from;
  for (const status_point& p : points) {
    if (p.at >= to) break;
    if (p.at > since) {
      count(status, since, p.at);
      since = p.at;
    }
    status = p.to;
  }
  count(status, since, to);

  const milliseconds total = up + down;
  if (total <= milliseconds{0}) return std::nullopt;
  return static_cast<double>(up.count()) / static_cast<double>(total.count());
}

}  // namespace uptime::core
