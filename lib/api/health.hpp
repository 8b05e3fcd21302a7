// The health endpoint: `GET|HEAD /health`, for load balancers and container HEALTHCHECKs.
// 200 {"status":"ok"} when the database takes a write; 503 {"status":"error","error":"The
// database is not writable"} when it does not. This file owns the route and the answers; the
// check itself is the probe's.
#pragma once

#include <utility>

#include "http/route_table.hpp"

namespace uptime::api {

struct health_result {
  bool database_writable = false;
};

// Turns a health_result into the HTTP answer. Call exactly once, on the io thread.
class health_done {
 public:
  explicit health_done(http_api::respond_fn respond) : respond_(std::move(respond)) {}
  void operator()(health_result result);

 private:
  http_api::respond_fn respond_;
};

// What the health endpoint asks of the server (io thread).
class health_probe {
 public:
  virtual ~health_probe() = default;
  // Exactly one call of `done`, on the io thread, now or after a test write.
  virtual void check(health_done done) = 0;
};

// Adds the health route to `routes`; `probe` must outlive the table.
void add_health_routes(http_api::route_table& routes, health_probe& probe);

}  // namespace uptime::api
