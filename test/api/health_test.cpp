// The health endpoint's HTTP side: GET and HEAD reach the probe, other methods are 405, and the
// probe's verdict becomes 200 or 503 with the exact JSON body.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "api/health.hpp"

using namespace uptime;
using namespace uptime::api;
using http_api::response;

namespace {

struct fixed_probe final : health_probe {
  bool writable = true;
  int calls = 0;
  void check(health_done done) override {
    ++calls;
    done(health_result{writable});
  }
};

struct endpoint {
  fixed_probe probe;
  http_api::route_table routes;
  endpoint() { add_health_routes(routes, probe); }

  response send(http::verb method, std::string target = "/health") {
    http_api::request req;
    req.method = method;
    req.target = std::move(target);
    std::optional<response> out;
    routes.dispatch(req, [&](response r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  }
};

}  // namespace

TEST_CASE("health answers GET and HEAD and refuses POST") {
  endpoint e;
  CHECK(e.send(http::verb::get).status == http::status::ok);
  CHECK(e.send(http::verb::head).status == http::status::ok);
  const auto r = e.send(http::verb::post);
  CHECK(r.status == http::status::method_not_allowed);
  REQUIRE(r.find_header("Allow"));
  CHECK(r.find_header("Allow")->value == "GET, HEAD");
  CHECK(e.probe.calls == 2);
}

TEST_CASE("health is 200 ok when the database is writable and 503 when it is not") {
  endpoint e;
  auto r = e.send(http::verb::get);
  CHECK(r.body.view() == R"({"status":"ok"})");
  e.probe.writable = false;
  r = e.send(http::verb::get);
  CHECK(r.status == http::status::service_unavailable);
  CHECK(r.body.view() == R"({"status":"error","error":"The database is not writable"})");
}

TEST_CASE("paths beside /health are not the health check") {
  endpoint e;
  for (auto target : {"/healthz", "/health/", "/api/health"})
    CHECK(e.send(http::verb::get, target).status == http::status::not_found);
  CHECK(e.probe.calls == 0);
}
