// Routing: which paths and methods reach the push and health handlers, and the JSON answers
// for everything else.
#include <catch2/catch.hpp>

#include <optional>

#include "http/api.hpp"
#include "http/listener.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {
// push_call's views live only during push(): what the tests read is copied.
struct recorded_push {
  std::string monitor_id, secret_key, signal;
  std::vector<std::pair<std::string, std::string>> query;
  std::string body, source_address, user_agent;
};

struct recording_api final : api {
  std::optional<recorded_push> last_push;
  int health_calls = 0;
  void push(push_call call, respond_fn respond) override {
    last_push = recorded_push{std::string(call.monitor_id), std::string(call.secret_key),
                              std::string(call.signal), std::move(call.query), std::move(call.body),
                              std::move(call.source_address), std::move(call.user_agent)};
    respond(json_response(http::status::ok, json::object{{"success", true}}));
  }
  void health(respond_fn respond) override {
    ++health_calls;
    respond(json_response(http::status::ok, json::object{{"status", "ok"}}));
  }
};

response send(recording_api& a, http::verb method, std::string target, std::string body = "") {
  request req;
  req.method = method;
  req.method_string = std::string(http::to_string(method));
  req.target = std::move(target);
  req.user_agent = "curl/8.0";
  req.body = std::move(body);
  std::optional<response> out;
  route(a, req, "127.0.0.1",
        [&](response r) { out = std::move(r); });
  REQUIRE(out);
  return *out;
}

json::value body_of(const response& r) { return json::parse(r.body); }
}  // namespace

TEST_CASE("a push path reaches the push handler with id, key, body and client details") {
  recording_api a;
  for (auto m : {http::verb::get, http::verb::post, http::verb::head}) {
    const auto r = send(a, m, "/api/push/5/abc_DEF-1?x=1", "{\"status\":\"ok\"}");
    CHECK(r.status == http::status::ok);
    REQUIRE(a.last_push);
    CHECK(a.last_push->monitor_id == "5");
    CHECK(a.last_push->secret_key == "abc_DEF-1");
    CHECK(a.last_push->body == "{\"status\":\"ok\"}");
    CHECK(a.last_push->source_address == "127.0.0.1");
    CHECK(a.last_push->user_agent == "curl/8.0");
  }
}

TEST_CASE("a push path with a wrong method is 405 with the allowed methods") {
  recording_api a;
  const auto r = send(a, http::verb::delete_, "/api/push/5/abc");
  CHECK(r.status == http::status::method_not_allowed);
  CHECK(r.allow == "GET, POST, HEAD");
  CHECK(body_of(r).as_object().contains("error"));
  CHECK_FALSE(a.last_push);
}

TEST_CASE("incomplete push paths are 404 Push monitor not found") {
  recording_api a;
  for (auto target : {"/api/push", "/api/push/5", "/api/push/5/", "/api/push//key", "/api/push/5/k/", "/api/push/5/k/start/x"}) {
    const auto r = send(a, http::verb::get, target);
    CHECK(r.status == http::status::not_found);
    CHECK(body_of(r) == json::parse(R"({"error":"Push monitor not found"})"));
  }
  CHECK_FALSE(a.last_push);
}

TEST_CASE("every other path is 404 JSON") {
  recording_api a;
  for (auto target : {"/", "/api", "/healthz", "/api/pushx/1/2"}) {
    const auto r = send(a, http::verb::get, target);
    CHECK(r.status == http::status::not_found);
    CHECK(body_of(r).as_object().contains("error"));
  }
}

TEST_CASE("health answers GET and HEAD and refuses POST") {
  recording_api a;
  CHECK(send(a, http::verb::get, "/health").status == http::status::ok);
  CHECK(send(a, http::verb::head, "/health").status == http::status::ok);
  CHECK(send(a, http::verb::post, "/health").status == http::status::method_not_allowed);
  CHECK(a.health_calls == 2);
}

TEST_CASE("a signal segment and the query reach the push handler decoded") {
  recording_api a;
  send(a, http::verb::post, "/api/push/5/key/start?rid=abc&msg=hello%20world&flag");
  REQUIRE(a.last_push);
  CHECK(a.last_push->signal == "start");
  using q = std::vector<std::pair<std::string, std::string>>;
  CHECK(a.last_push->query == q{{"rid", "abc"}, {"msg", "hello world"}, {"flag", ""}});
}

TEST_CASE("percent-encoded segments are decoded before they reach the handler") {
  recording_api a;
  send(a, http::verb::get, "/api/push/%35/a%2Db");
  REQUIRE(a.last_push);
  CHECK(a.last_push->monitor_id == "5");
  CHECK(a.last_push->secret_key == "a-b");
}

TEST_CASE("an answer is serialized with its status line, every field and its body") {
  auto res = raw_json_response(http::status::not_found, R"({"error":"Not found"})");
  res.keep_alive = false;
  std::string out;
  serialize(res, out);
  CHECK(out ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        "Content-Length: 21\r\nConnection: close\r\n\r\n{\"error\":\"Not found\"}");

  auto old = raw_json_response(http::status::ok, "{}");
  old.version = 10;
  std::string out10;
  serialize(old, out10);
  CHECK(out10 ==
        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n{}");
  old.version = 11;
  old.head = true;
  std::string head;
  serialize(old, head);
  CHECK(head ==
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        "Content-Length: 2\r\n\r\n");
}

TEST_CASE("a 405 is serialized with its Allow field") {
  recording_api a;
  std::string out;
  serialize(send(a, http::verb::put, "/health"), out);
  CHECK(out.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
  CHECK(out.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);
}
