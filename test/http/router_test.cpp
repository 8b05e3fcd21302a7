// Routing: which paths and methods reach the push and health handlers, and the JSON answers
// for everything else.
#include <catch2/catch.hpp>

#include <optional>

#include "http/api.hpp"
#include "http/listener.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {
struct recording_api final : api {
  std::optional<push_call> last_push;
  int health_calls = 0;
  void push(push_call call, respond_fn respond) override {
    last_push = std::move(call);
    respond(json_response(http::status::ok, json::object{{"success", true}}));
  }
  void health(respond_fn respond) override {
    ++health_calls;
    respond(json_response(http::status::ok, json::object{{"status", "ok"}}));
  }
};

response send(recording_api& a, http::verb method, std::string target, std::string body = "") {
  request req{method, target, 11};
  req.set(http::field::user_agent, "curl/8.0");
  req.body() = std::move(body);
  std::optional<response> out;
  route(a, std::move(req), "127.0.0.1",
        [&](response r) { out = std::move(r); });
  REQUIRE(out);
  return *out;
}

json::value body_of(const response& r) { return json::parse(r.body()); }
}  // namespace

TEST_CASE("a push path reaches the push handler with id, key, body and client details") {
  recording_api a;
  for (auto m : {http::verb::get, http::verb::post, http::verb::head}) {
    const auto r = send(a, m, "/api/push/5/abc_DEF-1?x=1", "{\"status\":\"ok\"}");
    CHECK(r.result() == http::status::ok);
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
  CHECK(r.result() == http::status::method_not_allowed);
  CHECK(r[http::field::allow] == "GET, POST, HEAD");
  CHECK(body_of(r).as_object().contains("error"));
  CHECK_FALSE(a.last_push);
}

TEST_CASE("incomplete push paths are 404 Push monitor not found") {
  recording_api a;
  for (auto target : {"/api/push", "/api/push/5", "/api/push/5/", "/api/push//key", "/api/push/5/k/", "/api/push/5/k/start/x"}) {
    const auto r = send(a, http::verb::get, target);
    CHECK(r.result() == http::status::not_found);
    CHECK(body_of(r) == json::parse(R"({"error":"Push monitor not found"})"));
  }
  CHECK_FALSE(a.last_push);
}

TEST_CASE("every other path is 404 JSON") {
  recording_api a;
  for (auto target : {"/", "/api", "/healthz", "/api/pushx/1/2"}) {
    const auto r = send(a, http::verb::get, target);
    CHECK(r.result() == http::status::not_found);
    CHECK(r[http::field::content_type] == "application/json");
  }
}

TEST_CASE("health answers GET and HEAD and refuses POST") {
  recording_api a;
  CHECK(send(a, http::verb::get, "/health").result() == http::status::ok);
  CHECK(send(a, http::verb::head, "/health").result() == http::status::ok);
  CHECK(send(a, http::verb::post, "/health").result() == http::status::method_not_allowed);
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
  res.keep_alive(false);
  std::string out;
  serialize(res, out);
  CHECK(out.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(out.find("\r\nContent-Type: application/json\r\n") != std::string::npos);
  CHECK(out.find("\r\nContent-Length: 21\r\n") != std::string::npos);
  CHECK(out.find("\r\nConnection: close\r\n") != std::string::npos);
  CHECK(out.size() >= 25);
  CHECK(out.substr(out.size() - 25) == "\r\n\r\n{\"error\":\"Not found\"}");

  auto old = raw_json_response(http::status::ok, "{}");
  old.version(10);
  old.keep_alive(true);
  std::string out10;
  serialize(old, out10);
  CHECK(out10.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
  CHECK(out10.find("\r\nConnection: keep-alive\r\n") != std::string::npos);
}
