// CORS through the route table: off until origins are listed; a listed origin (letter case
// aside) is echoed with Vary: Origin on every answer of a `cors` route, errors included; a
// preflight is answered 204 without asking the authenticator; unlisted origins, routes without
// `cors`, and plain requests get no CORS field at all.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "http/auth.hpp"
#include "http/cors.hpp"
#include "http/route_table.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {

// Lets a request through only with `Authorization: Bearer good`.
class counting_auth final : public authenticator {
 public:
  int calls = 0;
  std::variant<identity, response> authenticate(const request& req) override {
    ++calls;
    const auto token = bearer_token(req);
    if (token && *token == "good") return identity{"k", "read"};
    return unauthorized("Bearer", "API key required");
  }
};

struct fixture {
  counting_auth auth;
  route_table routes;
  respond_fn held;  // a handler that answers later keeps its respond here

  fixture() {
    route_options api;
    api.auth = &auth;
    api.cors = true;
    api.not_found_message = "Monitor not found";
    const auto ok = [](request&, const route_match&, respond_fn respond) {
      respond(json_response(http::status::ok, json::object{{"ok", true}}));
    };
    routes.add({http::verb::get}, "/api/v1/monitors/{id}", ok, api);
    routes.add({http::verb::post}, "/api/v1/monitors/{id}", ok, api);
    routes.add({http::verb::get}, "/api/v1/later",
               [this](request& req, const route_match&, respond_fn respond) {
                 req.origin.clear();  // a handler may take the request apart
                 held = std::move(respond);
               },
               api);
    route_options push;  // no cors
    push.not_found_message = "Push monitor not found";
    routes.add({http::verb::get, http::verb::post}, "/api/push/{id}/{key}", ok, push);
  }

  response send(http::verb method, std::string target, std::string origin, std::string authorization = "",
                std::string preflight_method = "") {
    request req;
    req.method = method;
    req.method_string = std::string(http::to_string(method));
    req.target = std::move(target);
    req.origin = std::move(origin);
    req.authorization = std::move(authorization);
    req.access_control_request_headers = preflight_method.empty() ? "" : "authorization";
    req.access_control_request_method = std::move(preflight_method);
    std::optional<response> out;
    routes.dispatch(req, [&](response r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  }
};

std::string header(const response& r, std::string_view name) {
  const auto* h = r.find_header(name);
  return h ? h->value : "<none>";
}

bool has_cors_fields(const response& r) {
  for (const auto& h : r.headers)
    if (std::string_view(h.name).starts_with("Access-Control-") || h.name == "Vary") return true;
  return false;
}

const std::string page = "https://dash.example.com";

}  // namespace

TEST_CASE("without configured origins no answer carries a CORS field, and OPTIONS is 405") {
  fixture f;
  CHECK_FALSE(has_cors_fields(f.send(http::verb::get, "/api/v1/monitors/1", page, "Bearer good")));
  CHECK_FALSE(has_cors_fields(f.send(http::verb::get, "/api/v1/monitors/1", page)));
  const auto r = f.send(http::verb::options, "/api/v1/monitors/1", page, "", "GET");
  CHECK(r.status == http::status::method_not_allowed);
  CHECK(header(r, "Allow") == "GET, HEAD, POST");
  CHECK_FALSE(has_cors_fields(r));
}

TEST_CASE("a listed origin is echoed with Vary: Origin on a cors route's answer, never *") {
  fixture f;
  f.routes.set_cors_origins({"https://other.example", "HTTPS://Dash.Example.com"});
  const auto r = f.send(http::verb::get, "/api/v1/monitors/1", page, "Bearer good");
  CHECK(r.status == http::status::ok);
  CHECK(header(r, "Access-Control-Allow-Origin") == page);
  CHECK(header(r, "Vary") == "Origin");
  // Letter case aside, as sent.
  const auto upper = f.send(http::verb::get, "/api/v1/monitors/1", "https://DASH.example.com", "Bearer good");
  CHECK(header(upper, "Access-Control-Allow-Origin") == "https://DASH.example.com");
}

TEST_CASE("error answers of a cors route carry the CORS fields too: 401, 405 and its own 404") {
  fixture f;
  f.routes.set_cors_origins({page});
  const auto unauthorized = f.send(http::verb::get, "/api/v1/monitors/1", page);
  CHECK(unauthorized.status == http::status::unauthorized);
  CHECK(header(unauthorized, "Access-Control-Allow-Origin") == page);
  CHECK(header(unauthorized, "WWW-Authenticate") == "Bearer");

  const auto wrong_method = f.send(http::verb::delete_, "/api/v1/monitors/1", page);
  CHECK(wrong_method.status == http::status::method_not_allowed);
  CHECK(header(wrong_method, "Access-Control-Allow-Origin") == page);

  const auto missing = f.send(http::verb::get, "/api/v1/monitors/1/nothing", page);
  CHECK(missing.status == http::status::not_found);
  CHECK(missing.body.view() == R"({"error":"Monitor not found"})");
  CHECK(header(missing, "Access-Control-Allow-Origin") == page);
  CHECK(header(missing, "Vary") == "Origin");
}

TEST_CASE("an answer given later still carries the origin, even if the handler took the request apart") {
  fixture f;
  f.routes.set_cors_origins({page});
  request req;
  req.method = http::verb::get;
  req.target = "/api/v1/later";
  req.origin = page;
  req.authorization = "Bearer good";
  std::optional<response> out;
  f.routes.dispatch(req, [&](response r) { out = std::move(r); });
  REQUIRE_FALSE(out);
  REQUIRE(f.held);
  f.held(json_response(http::status::ok, json::object{}));
  REQUIRE(out);
  CHECK(header(*out, "Access-Control-Allow-Origin") == page);
}

TEST_CASE("a preflight from a listed origin is 204 with the path's methods, without asking for a key") {
  fixture f;
  f.routes.set_cors_origins({page});
  const auto r = f.send(http::verb::options, "/api/v1/monitors/7", page, "", "POST");
  CHECK(r.status == http::status::no_content);
  CHECK(r.body.view().empty());
  CHECK(header(r, "Access-Control-Allow-Origin") == page);
  CHECK(header(r, "Access-Control-Allow-Methods") == "GET, HEAD, POST");
  CHECK(header(r, "Access-Control-Allow-Headers") == "Authorization, X-Api-Key, Content-Type");
  CHECK(header(r, "Access-Control-Max-Age") == "600");
  CHECK(header(r, "Vary") == "Origin");
  CHECK(f.auth.calls == 0);
}

TEST_CASE("an unlisted origin gets no CORS field, and its preflight what any OPTIONS gets") {
  fixture f;
  f.routes.set_cors_origins({page});
  for (const auto* origin : {"https://evil.example", "https://dash.example.com:8443", "null",
                             "https://dash.example.com, https://evil.example"}) {
    const auto r = f.send(http::verb::get, "/api/v1/monitors/1", origin, "Bearer good");
    CHECK(r.status == http::status::ok);
    CHECK_FALSE(has_cors_fields(r));
    const auto pre = f.send(http::verb::options, "/api/v1/monitors/1", origin, "", "GET");
    CHECK(pre.status == http::status::method_not_allowed);
    CHECK_FALSE(has_cors_fields(pre));
  }
}

TEST_CASE("routes without cors, unknown paths and plain OPTIONS get no CORS field from a listed origin") {
  fixture f;
  f.routes.set_cors_origins({page});
  const auto push = f.send(http::verb::get, "/api/push/1/key", page);
  CHECK(push.status == http::status::ok);
  CHECK_FALSE(has_cors_fields(push));
  const auto push_404 = f.send(http::verb::get, "/api/push/1", page);
  CHECK(push_404.status == http::status::not_found);
  CHECK_FALSE(has_cors_fields(push_404));
  CHECK(f.send(http::verb::options, "/api/push/1/key", page, "", "POST").status ==
        http::status::method_not_allowed);
  CHECK_FALSE(has_cors_fields(f.send(http::verb::get, "/nowhere", page)));
  // OPTIONS without Access-Control-Request-Method is not a preflight.
  const auto options = f.send(http::verb::options, "/api/v1/monitors/1", page);
  CHECK(options.status == http::status::method_not_allowed);
  CHECK(header(options, "Access-Control-Allow-Origin") == page);  // a cors route's 405
}

TEST_CASE("clearing the origins turns CORS off again") {
  fixture f;
  f.routes.set_cors_origins({page});
  CHECK(has_cors_fields(f.send(http::verb::get, "/api/v1/monitors/1", page, "Bearer good")));
  f.routes.set_cors_origins({});
  CHECK_FALSE(has_cors_fields(f.send(http::verb::get, "/api/v1/monitors/1", page, "Bearer good")));
}

TEST_CASE("Origin joins a Vary the answer already has") {
  response r;
  r.add_header("Vary", "Accept-Encoding");
  add_cors_headers(r, page);
  CHECK(header(r, "Vary") == "Accept-Encoding, Origin");
  CHECK(r.headers.size() == 2);
}

TEST_CASE("listed origins are compared whole, letter case aside") {
  const auto origins = normalize_cors_origins({"https://A.example", "http://b.example:8080"});
  CHECK(cors_origin_listed(origins, "https://a.example"));
  CHECK(cors_origin_listed(origins, "HTTP://B.EXAMPLE:8080"));
  CHECK_FALSE(cors_origin_listed(origins, "https://a.example.evil"));
  CHECK_FALSE(cors_origin_listed(origins, "https://a.exampl"));
  CHECK_FALSE(cors_origin_listed(origins, "http://b.example"));
  CHECK_FALSE(cors_origin_listed(origins, ""));
}
