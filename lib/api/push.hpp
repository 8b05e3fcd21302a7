// The push endpoint: `GET|POST|HEAD /api/push/{id}/{key}[/{signal}]`. This file owns its HTTP
// side (the routes, reading the monitor id, every answer and the bytes of the 200 body) and
// says what it needs from the monitors as `push_receiver`; what a push does to a monitor is
// the receiver's business. Answers (DESIGN.md, "Contracts users see"):
//   404 {"error":"Push monitor not found"}  no such monitor, a non-numeric id, a path under
//                                           /api/push with too few, too many or empty segments
//   403 {"error":"Invalid secret key"}
//   400 {"error":"<what is wrong with the body>"}
//   500 {"error":"Internal server error"}   the push could not be written
//   200 {"success":true,"monitor_id":5,"received_at":"…Z","next_expected_by":"…Z"[,"signal":…]
//        [,"run_id":…][,"duration_seconds":…]}
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/route_table.hpp"
#include "monitors/push.hpp"

namespace uptime::api {

// What a push is and what became of it are the monitors' (monitors/push.hpp); this file
// turns them into HTTP.
using monitors::push_accepted;
using monitors::push_bad_body;
using monitors::push_not_found;
using monitors::push_not_written;
using monitors::push_request;
using monitors::push_result;
using monitors::push_wrong_key;

// The push handler's answers by HTTP status, for /metrics (uptime_push_requests_total). What
// the route table answers itself for a push URL it cannot route (a 404 for a path with too few
// segments, a 405) is not a push answer and is not counted. Io thread only.
class push_answer_counts {
 public:
  void add(http::status status) {
    const auto code = static_cast<unsigned>(status);
    if (code < counts_.size()) ++counts_[code];
  }
  // (status, answers) by status: every status answered so far, and the push endpoint's usual
  // ones (200, 400, 403, 404, 500) even at 0, so a rate over them exists from the start.
  std::vector<std::pair<int, std::uint64_t>> totals() const;

 private:
  std::array<std::uint64_t, 600> counts_{};  // by status code (100-599)
};

// Turns a push_result into the HTTP answer. Call exactly once, on the io thread. A plain class
// rather than a function object wrapping the responder: no allocation for it on each push.
class push_done {
 public:
  push_done(http_api::respond_fn respond, bool signal_segment, push_answer_counts* counts = nullptr)
      : respond_(std::move(respond)), signal_segment_(signal_segment), counts_(counts) {}
  void operator()(push_result result);

 private:
  http_api::respond_fn respond_;
  bool signal_segment_;  // the path had a signal segment: the 200 body names the signal
  push_answer_counts* counts_;  // nullptr: not counted
};

// What the push endpoint asks of the monitors (the server passes it on to
// monitors::push_path::receive; a fuzz target fakes it). Io thread.
class push_receiver {
 public:
  virtual ~push_receiver() = default;
  // Exactly one call of `done`, on the io thread, now or after the push is written.
  virtual void receive(push_request request, push_done done) = 0;
};

// Adds the push routes to `routes`; `receiver` (and `counts`, if not nullptr) must outlive the
// table. `counts`: where the answers are counted by status (nullptr: nowhere).
void add_push_routes(http_api::route_table& routes, push_receiver& receiver,
                     push_answer_counts* counts = nullptr);

// The 200 body. `signal_segment`: the path had a signal segment.
std::string push_answer(const push_accepted& facts, bool signal_segment);

}  // namespace uptime::api
