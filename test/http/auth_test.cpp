// The authentication seam: a route that requires an authenticator is answered by it when the
// credentials are missing or unknown (401 with WWW-Authenticate) and reaches its handler with
// the identity otherwise; routes that require none are untouched. The authenticator here
// accepts one bearer token, as an API key check would.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "http/auth.hpp"
#include "http/route_table.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {

class one_token final : public authenticator {
 public:
  int calls = 0;
  std::variant<identity, response> authenticate(const request& req) override {
    ++calls;
    const auto token = bearer_token(req);
    if (!token) return unauthorized("Bearer", "Missing API key");
    if (*token != "s3cret") return unauthorized("Bearer error=\"invalid_token\"", "Unknown API key");
    return identity{"ci-key", "write"};
  }
};

struct fixture {
  one_token auth;
  route_table routes;
  std::optional<identity> seen;  // what the protected handler was told
  bool open_called = false;

  fixture() {
    route_options protect;
    protect.auth = &auth;
    routes.add({http::verb::get}, "/api/v1/monitors",
               [this](request&, const route_match& m, respond_fn respond) {
                 REQUIRE(m.who);
                 seen = *m.who;
                 respond(json_response(http::status::ok, json::array{}));
               },
               protect);
    routes.add({http::verb::get}, "/health", [this](request&, const route_match& m, respond_fn respond) {
      CHECK_FALSE(m.who);
      open_called = true;
      respond(json_response(http::status::ok, json::object{{"status", "ok"}}));
    });
  }

  response send(std::string target, std::string authorization = "", http::verb method = http::verb::get) {
    request req;
    req.method = method;
    req.target = std::move(target);
    req.authorization = std::move(authorization);
    std::optional<response> out;
    routes.dispatch(req, [&](response r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  }
};

std::string challenge_of(const response& r) {
  const auto* h = r.find_header("WWW-Authenticate");
  return h ? h->value : "";
}

}  // namespace

TEST_CASE("a protected route without credentials is 401 with a challenge, and its handler is not called") {
  fixture f;
  const auto r = f.send("/api/v1/monitors");
  CHECK(r.status == http::status::unauthorized);
  CHECK(challenge_of(r) == "Bearer");
  CHECK(r.body.view() == R"({"error":"Missing API key"})");
  CHECK_FALSE(f.seen);
}

TEST_CASE("a protected route with an unknown token is 401") {
  fixture f;
  for (auto credentials : {"Bearer wrong", "Basic czNjcmV0", "Bearer s3cret, Bearer s3cret", "Bearer"}) {
    const auto r = f.send("/api/v1/monitors", credentials);
    CHECK(r.status == http::status::unauthorized);
    CHECK_FALSE(challenge_of(r).empty());
  }
  CHECK_FALSE(f.seen);
}

TEST_CASE("a protected route with the token reaches its handler with the identity") {
  fixture f;
  CHECK(f.send("/api/v1/monitors", "Bearer s3cret").status == http::status::ok);
  REQUIRE(f.seen);
  CHECK(f.seen->subject == "ci-key");
  CHECK(f.seen->scope == "write");
  CHECK(f.send("/api/v1/monitors", "bearer   s3cret ").status == http::status::ok);  // scheme in any case
}

TEST_CASE("routes that require no authenticator, and 404s and 405s, never ask it") {
  fixture f;
  CHECK(f.send("/health").status == http::status::ok);
  CHECK(f.open_called);
  CHECK(f.send("/nowhere").status == http::status::not_found);
  CHECK(f.send("/api/v1/monitors", "", http::verb::delete_).status == http::status::method_not_allowed);
  CHECK(f.auth.calls == 0);
}
