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

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/monitor.hpp"
#include "core/time.hpp"
#include "http/route_table.hpp"

namespace uptime::api {

// A push as routed. The views point into the request and are valid only during
// push_receiver::receive(); whatever outlives the call is moved out of the strings.
struct push_request {
  std::int64_t monitor_id = 0;  // the path's id, a positive number
  std::string_view secret_key;  // never logged
  std::string_view signal;      // the segment after the key (start, fail, log, exit code), or ""
  http_api::query_params query;
  std::string method;  // GET, POST or HEAD
  std::string body;
  std::string source_address;
  std::string user_agent;
};

// What became of a push.
struct push_not_found {};
struct push_wrong_key {};
struct push_bad_body {
  std::string message;  // says what is wrong, for the 400 answer
};
struct push_not_written {};  // not committed: the push is not acknowledged
// Written: what the 200 answer says.
struct push_accepted {
  std::int64_t monitor_id = 0;
  core::utc_time received_at, next_expected_by;
  std::optional<std::chrono::milliseconds> duration;  // of the run this push ended
  core::push_signal signal = core::push_signal::success;
  std::string run_id;  // "" when the push named none
};
using push_result =
    std::variant<push_accepted, push_not_found, push_wrong_key, push_bad_body, push_not_written>;

// Turns a push_result into the HTTP answer. Call exactly once, on the io thread. A plain class
// rather than a function object wrapping the responder: no allocation for it on each push.
class push_done {
 public:
  push_done(http_api::respond_fn respond, bool signal_segment)
      : respond_(std::move(respond)), signal_segment_(signal_segment) {}
  void operator()(push_result result);

 private:
  http_api::respond_fn respond_;
  bool signal_segment_;  // the path had a signal segment: the 200 body names the signal
};

// What the push endpoint asks of the monitors (implemented by the registry, io thread).
class push_receiver {
 public:
  virtual ~push_receiver() = default;
  // Exactly one call of `done`, on the io thread, now or after the push is written.
  virtual void receive(push_request request, push_done done) = 0;
};

// Adds the push routes to `routes`; `receiver` must outlive the table.
void add_push_routes(http_api::route_table& routes, push_receiver& receiver);

// The 200 body. `signal_segment`: the path had a signal segment.
std::string push_answer(const push_accepted& facts, bool signal_segment);

}  // namespace uptime::api
