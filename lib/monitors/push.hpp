// The push path: what a push does to its monitor. Finds the monitor, checks the key in
// constant time, reads what the push says (core/push_body.hpp), lets core decide
// (core::on_push), re-arms the deadline and hands the store one batch: the push row, and the
// state change with its alerts if the status changed (the other pushes' fields are written
// behind). The outcome comes back once the batch is committed: the caller (api/ or the HTTP
// adapter) turns it into an answer. Knows nothing of HTTP. Io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/monitor.hpp"
#include "monitors/alerts.hpp"
#include "monitors/deadlines.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "store/store.hpp"
#include "util/move_only_function.hpp"

namespace uptime::monitors {

// A push as received. The views are valid only during receive(); the strings are moved from.
struct push_request {
  std::string_view monitor_id;  // the path segment as sent (may be non-numeric)
  std::string_view secret_key;  // never logged
  std::string_view signal;      // the segment after the key (start, fail, log, exit code), or ""
  std::vector<std::pair<std::string, std::string>> query;  // decoded ?name=value pairs
  std::string method;           // GET, POST or HEAD
  std::string body;
  std::string source_address;
  std::string user_agent;
};

// What a push's 200 answer says.
struct push_accepted {
  monitor_id id = 0;
  core::utc_time received_at, next_expected_by;
  std::optional<std::chrono::milliseconds> duration;
  core::push_signal signal = core::push_signal::success;
  bool has_signal_segment = false;
  std::string run_id;
};

struct push_result {
  enum class outcome { accepted, not_found, wrong_key, bad_request, not_written };
  outcome what = outcome::accepted;
  push_accepted accepted;  // when accepted
  std::string message;     // when bad_request: why
};
// Called exactly once, on the io thread.
using push_done = util::move_only_function<void(push_result)>;

class push_path {
 public:
  push_path(registry& monitors, deadlines& timers, alerts& alerting, wall_clock& wall, store::store& db)
      : monitors_(monitors), deadlines_(timers), alerts_(alerting), wall_(wall), db_(db) {}

  void receive(push_request request, push_done done);

  // Pushes received since the last call (the write-behind's pacing).
  std::uint64_t take_pushes_since() { return std::exchange(pushes_since_, 0); }

 private:
  // A push numbered `seq` was written: the failed numbers below it stay used (a gap).
  void forget_failed_below(monitor_id id, std::int64_t seq);
  // A push that was not written gives its number back when no later push of the monitor took
  // one, so that the pushes of an outage leave no gap in the numbering: the history keeps a
  // monitor's newest N by number, and push_count counts acknowledged pushes.
  void forget_failed_push(monitor_id id, std::int64_t seq);

  registry& monitors_;
  deadlines& deadlines_;
  alerts& alerts_;
  wall_clock& wall_;
  store::store& db_;
  std::uint64_t pushes_since_ = 0;
  // Numbers of pushes not written that could not be given back yet (a later push of the
  // monitor was still in flight), per monitor; empty but during an outage.
  std::unordered_map<monitor_id, std::vector<std::int64_t>> failed_seqs_;
};

}  // namespace uptime::monitors
