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
#include <variant>
#include <vector>

#include "core/monitor.hpp"
#include "monitors/alerts.hpp"
#include "monitors/deadlines.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "store/store.hpp"

namespace uptime::monitors {

// A push as routed. The views are valid only during receive(); the strings are moved from.
struct push_request {
  monitor_id id = 0;            // the path's id, a positive number
  std::string_view secret_key;  // never logged
  std::string_view signal;      // the segment after the key (start, fail, log, exit code), or ""
  std::vector<std::pair<std::string, std::string>> query;  // decoded ?name=value pairs
  std::string method;           // GET, POST or HEAD
  std::string body;
  std::string source_address;
  std::string user_agent;
};

// What became of a push.
struct push_not_found {};
struct push_wrong_key {};
struct push_bad_body {
  std::string message;  // says what is wrong with the body
};
struct push_not_written {};  // not committed: the push is not acknowledged
// Written: what the answer says.
struct push_accepted {
  monitor_id id = 0;
  core::utc_time received_at, next_expected_by;
  std::optional<std::chrono::milliseconds> duration;  // of the run this push ended
  core::push_signal signal = core::push_signal::success;
  std::string run_id;  // "" when the push named none
};
using push_result =
    std::variant<push_accepted, push_not_found, push_wrong_key, push_bad_body, push_not_written>;

class push_path {
 public:
  push_path(registry& monitors, deadlines& timers, alerts& alerting, wall_clock& wall, store::store& db)
      : monitors_(monitors), deadlines_(timers), alerts_(alerting), wall_(wall), db_(db) {}

  // `done(push_result)` is called exactly once, on the io thread: at once for a refusal, after
  // the commit otherwise. A template so that the caller's completion (the HTTP answer) rides in
  // the store's completion without an allocation of its own.
  template <typename Done>
  void receive(push_request request, Done done) {
    auto p = prepare(std::move(request));
    if (!p.batch) return done(push_result(std::move(p.refusal)));
    db_.commit(std::move(*p.batch), store::store::lane::interactive,
               [this, accepted = std::move(p.accepted), seq = p.seq, done = std::move(done)](bool ok) mutable {
                 if (!ok) {
                   not_written(accepted.id, seq);
                   return done(push_result(push_not_written{}));
                 }
                 written(accepted.id, seq);
                 done(push_result(std::move(accepted)));
               });
  }

  // Pushes received since the last call (the write-behind's pacing).
  std::uint64_t take_pushes_since() { return std::exchange(pushes_since_, 0); }

 private:
  // What receive() commits, or why it refuses.
  struct prepared {
    std::optional<store::batch> batch;  // empty: refused
    push_result refusal;
    push_accepted accepted;
    std::int64_t seq = 0;
  };
  prepared prepare(push_request request);
  void written(monitor_id id, std::int64_t seq) {
    if (!failed_seqs_.empty()) forget_failed_below(id, seq);
  }
  void not_written(monitor_id id, std::int64_t seq);

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
