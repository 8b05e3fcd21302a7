// The push endpoint's HTTP side: which paths and methods reach the receiver and with what,
// which are answered 404 "Push monitor not found" without it, and the exact bytes of each
// answer the receiver's result turns into.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "api/push.hpp"

using namespace uptime;
using namespace uptime::api;
using http_api::query_params;
using http_api::response;

namespace {

// push_request's views live only during receive(): what the tests read is copied.
struct recorded_push {
  std::int64_t monitor_id;
  std::string secret_key, signal;
  query_params query;
  std::string method, body, source_address, user_agent;
};

// Records each push and answers it at once with `result`.
struct recording_receiver final : push_receiver {
  std::optional<recorded_push> last;
  int calls = 0;
  push_result result = push_accepted{};
  void receive(push_request call, push_done done) override {
    ++calls;
    last = recorded_push{call.id, std::string(call.secret_key), std::string(call.signal),
                         std::move(call.query), std::move(call.method), std::move(call.body),
                         std::move(call.source_address), std::move(call.user_agent)};
    done(result);
  }
};

struct endpoint {
  recording_receiver receiver;
  http_api::route_table routes;
  endpoint() { add_push_routes(routes, receiver); }

  response send(http::verb method, std::string target, std::string body = "") {
    http_api::request req;
    req.method = method;
    req.method_string = std::string(http::to_string(method));
    req.target = std::move(target);
    req.user_agent = "curl/8.0";
    req.source_address = "127.0.0.1";
    req.body = std::move(body);
    std::optional<response> out;
    routes.dispatch(req, [&](response r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  }
};

core::utc_time at(std::int64_t ms) { return core::utc_time(std::chrono::milliseconds(ms)); }

}  // namespace

TEST_CASE("a push path reaches the push handler with id, key, body and client details") {
  endpoint e;
  for (auto m : {http::verb::get, http::verb::post, http::verb::head}) {
    const auto r = e.send(m, "/api/push/5/abc_DEF-1?x=1", "{\"status\":\"ok\"}");
    CHECK(r.status == http::status::ok);
    REQUIRE(e.receiver.last);
    CHECK(e.receiver.last->monitor_id == 5);
    CHECK(e.receiver.last->secret_key == "abc_DEF-1");
    CHECK(e.receiver.last->signal.empty());
    CHECK(e.receiver.last->method == http::to_string(m));
    CHECK(e.receiver.last->body == "{\"status\":\"ok\"}");
    CHECK(e.receiver.last->query == query_params{{"x", "1"}});
    CHECK(e.receiver.last->source_address == "127.0.0.1");
    CHECK(e.receiver.last->user_agent == "curl/8.0");
  }
}

TEST_CASE("a push path with a wrong method is 405 with the allowed methods") {
  endpoint e;
  const auto r = e.send(http::verb::delete_, "/api/push/5/abc");
  CHECK(r.status == http::status::method_not_allowed);
  REQUIRE(r.find_header("Allow"));
  CHECK(r.find_header("Allow")->value == "GET, POST, HEAD");
  CHECK(r.body.view() == R"({"error":"Method not allowed"})");
  CHECK(e.receiver.calls == 0);
}

TEST_CASE("incomplete push paths are 404 Push monitor not found") {
  endpoint e;
  for (auto target : {"/api/push", "/api/push/5", "/api/push/5/", "/api/push//key", "/api/push/5/k/",
                      "/api/push/5/k/start/x"}) {
    const auto r = e.send(http::verb::get, target);
    CHECK(r.status == http::status::not_found);
    CHECK(r.body.view() == R"({"error":"Push monitor not found"})");
  }
  CHECK(e.receiver.calls == 0);
}

TEST_CASE("a monitor id that is not a positive number is 404 without asking the monitors") {
  endpoint e;
  for (auto target : {"/api/push/abc/key", "/api/push/0/key", "/api/push/-3/key", "/api/push/5x/key",
                      "/api/push/99999999999999999999/key"}) {
    const auto r = e.send(http::verb::get, target);
    CHECK(r.status == http::status::not_found);
    CHECK(r.body.view() == R"({"error":"Push monitor not found"})");
  }
  CHECK(e.receiver.calls == 0);
}

TEST_CASE("paths beside the push routes are 404 Not found") {
  endpoint e;
  for (auto target : {"/", "/api", "/api/pushx/1/2"}) {
    const auto r = e.send(http::verb::get, target);
    CHECK(r.status == http::status::not_found);
    CHECK(r.body.view() == R"({"error":"Not found"})");
  }
}

TEST_CASE("a signal segment and the query reach the push handler decoded") {
  endpoint e;
  e.send(http::verb::post, "/api/push/5/key/start?rid=abc&msg=hello%20world&flag");
  REQUIRE(e.receiver.last);
  CHECK(e.receiver.last->signal == "start");
  CHECK(e.receiver.last->query == query_params{{"rid", "abc"}, {"msg", "hello world"}, {"flag", ""}});
}

TEST_CASE("percent-encoded segments are decoded before they reach the handler") {
  endpoint e;
  e.send(http::verb::get, "/api/push/%35/a%2Db");
  REQUIRE(e.receiver.last);
  CHECK(e.receiver.last->monitor_id == 5);
  CHECK(e.receiver.last->secret_key == "a-b");
}

TEST_CASE("each push result is answered with its status and exact JSON body") {
  endpoint e;
  const auto answer = [&](push_result result) {
    e.receiver.result = std::move(result);
    return e.send(http::verb::get, "/api/push/5/key");
  };
  auto r = answer(push_not_found{});
  CHECK(r.status == http::status::not_found);
  CHECK(r.body.view() == R"({"error":"Push monitor not found"})");
  r = answer(push_wrong_key{});
  CHECK(r.status == http::status::forbidden);
  CHECK(r.body.view() == R"({"error":"Invalid secret key"})");
  r = answer(push_bad_body{"Request body must be a JSON object"});
  CHECK(r.status == http::status::bad_request);
  CHECK(r.body.view() == R"({"error":"Request body must be a JSON object"})");
  r = answer(push_not_written{});
  CHECK(r.status == http::status::internal_server_error);
  CHECK(r.body.view() == R"({"error":"Internal server error"})");
  r = answer(push_accepted{5, at(1'736'937'000'250), at(1'736'937'091'000), std::nullopt,
                           core::push_signal::success, ""});
  CHECK(r.status == http::status::ok);
  CHECK(r.content_type == "application/json");
  CHECK(r.body.view() ==
        R"({"success":true,"monitor_id":5,"received_at":"2025-01-15T10:30:00Z",)"
        R"("next_expected_by":"2025-01-15T10:31:31Z"})");
}

TEST_CASE("the 200 body names the signal only when the path had one, then the run id and duration") {
  push_accepted facts{12, at(1'736'937'000'000), at(1'736'937'060'000), std::chrono::milliseconds(61'500),
                      core::push_signal::failure, "3f2a1b4c-0000-4000-8000-00000000abcd"};
  CHECK(push_answer(facts, true) ==
        R"({"success":true,"monitor_id":12,"received_at":"2025-01-15T10:30:00Z",)"
        R"("next_expected_by":"2025-01-15T10:31:00Z","signal":"failure",)"
        R"("run_id":"3f2a1b4c-0000-4000-8000-00000000abcd","duration_seconds":61.500})");
  facts.run_id.clear();
  facts.duration.reset();
  CHECK(push_answer(facts, false) ==
        R"({"success":true,"monitor_id":12,"received_at":"2025-01-15T10:30:00Z",)"
        R"("next_expected_by":"2025-01-15T10:31:00Z"})");

  endpoint e;
  e.receiver.result = facts;
  CHECK(e.send(http::verb::get, "/api/push/12/key/fail").body.view() == push_answer(facts, true));
  CHECK(e.send(http::verb::get, "/api/push/12/key").body.view() == push_answer(facts, false));
}
