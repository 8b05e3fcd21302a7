// The route table: patterns with {param} segments, 404 against 405 with Allow, HEAD on GET
// routes, a route's own 404 message, the 400 for a target that is not a path, and the target
// split into decoded segments and query pairs. (What the push and health routes answer is in
// test/api/.)
#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/route_table.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {

// What a handler saw, copied (the views die with the call).
struct seen {
  std::string route;
  std::vector<std::string> params;
  std::string body;
  query_params query;
};

struct table {
  route_table routes;
  std::optional<seen> last;

  // A route whose handler records the call and answers 200 {"route":"<name>"}.
  void add(std::initializer_list<http::verb> methods, std::string_view pattern, std::string name,
           route_options options = {}) {
    routes.add(methods, pattern,
               [this, name](request& req, const route_match& m, respond_fn respond) {
                 seen s{name, {}, std::move(req.body), std::move(req.query)};
                 for (std::size_t i = 0; i < m.params.size(); ++i) s.params.emplace_back(m.params[i]);
                 last = std::move(s);
                 respond(json_response(http::status::ok, json::object{{"route", name}}));
               },
               std::move(options));
  }

  response send(http::verb method, std::string target, std::string body = "") {
    request req;
    req.method = method;
    req.method_string = std::string(http::to_string(method));
    req.target = std::move(target);
    req.body = std::move(body);
    std::optional<response> out;
    routes.dispatch(req, [&](response r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  }
};

json::value body_of(const response& r) { return json::parse(r.body.view()); }

std::string allow_of(const response& r) {
  const auto* h = r.find_header("Allow");
  return h ? h->value : "";
}

}  // namespace

TEST_CASE("a pattern's {param} segments match any non-empty segment and reach the handler") {
  table t;
  t.add({http::verb::get}, "/api/push/{id}/{key}", "push");
  const auto r = t.send(http::verb::get, "/api/push/5/abc_DEF-1");
  CHECK(r.status == http::status::ok);
  REQUIRE(t.last);
  CHECK(t.last->route == "push");
  CHECK(t.last->params == std::vector<std::string>{"5", "abc_DEF-1"});
  CHECK(t.send(http::verb::get, "/api/push//abc").status == http::status::not_found);
  CHECK(t.send(http::verb::get, "/api/push/5/abc/").status == http::status::not_found);
}

TEST_CASE("a handler reads parameters by name as well as by position") {
  route_table routes;
  std::string id, key, missing = "unset";
  routes.add({http::verb::get}, "/m/{id}/k/{key}",
             [&](request&, const route_match& m, respond_fn respond) {
               id = m.params.get("id");
               key = m.params.get("key");
               missing = m.params.get("nope");
               respond(json_response(http::status::ok, json::object{}));
             });
  request req;
  req.target = "/m/7/k/x";
  routes.dispatch(req, [](response) {});
  CHECK(id == "7");
  CHECK(key == "x");
  CHECK(missing.empty());
}

TEST_CASE("the first route whose path and method match wins; literals only match themselves") {
  table t;
  t.add({http::verb::get}, "/a/fixed", "literal");
  t.add({http::verb::get}, "/a/{x}", "param");
  t.send(http::verb::get, "/a/fixed");
  CHECK(t.last->route == "literal");
  t.send(http::verb::get, "/a/other");
  CHECK(t.last->route == "param");
  CHECK(t.send(http::verb::get, "/A/fixed").status == http::status::not_found);
}

TEST_CASE("a path no route matches is 404 Not found in JSON") {
  table t;
  t.add({http::verb::get}, "/health", "health");
  for (auto target : {"/", "/api", "/healthz", "/health/", "/health/x"}) {
    const auto r = t.send(http::verb::get, target);
    CHECK(r.status == http::status::not_found);
    CHECK(body_of(r) == json::parse(R"({"error":"Not found"})"));
    CHECK(r.content_type == "application/json");
  }
  CHECK_FALSE(t.last);
}

TEST_CASE("a known path with a wrong method is 405 with Allow, and the handler is not called") {
  table t;
  t.add({http::verb::get, http::verb::post, http::verb::head}, "/api/push/{id}/{key}", "push");
  t.add({http::verb::get}, "/health", "health");
  const auto r = t.send(http::verb::delete_, "/api/push/5/abc");
  CHECK(r.status == http::status::method_not_allowed);
  CHECK(allow_of(r) == "GET, POST, HEAD");
  CHECK(body_of(r) == json::parse(R"({"error":"Method not allowed"})"));
  CHECK(allow_of(t.send(http::verb::put, "/health")) == "GET, HEAD");
  CHECK(t.send(http::verb::unknown, "/health").status == http::status::method_not_allowed);
  CHECK_FALSE(t.last);
}

TEST_CASE("several routes on one path answer a wrong method with all their methods") {
  table t;
  t.add({http::verb::get}, "/things/{id}", "read");
  t.add({http::verb::put, http::verb::delete_}, "/things/{id}", "write");
  t.send(http::verb::delete_, "/things/3");
  CHECK(t.last->route == "write");
  const auto r = t.send(http::verb::post, "/things/3");
  CHECK(r.status == http::status::method_not_allowed);
  CHECK(allow_of(r) == "GET, HEAD, PUT, DELETE");
}

TEST_CASE("a GET route serves HEAD, a POST-only route does not") {
  table t;
  t.add({http::verb::get}, "/page", "page");
  t.add({http::verb::post}, "/form", "form");
  CHECK(t.send(http::verb::head, "/page").status == http::status::ok);
  CHECK(t.last->route == "page");
  const auto r = t.send(http::verb::head, "/form");
  CHECK(r.status == http::status::method_not_allowed);
  CHECK(allow_of(r) == "POST");
}

TEST_CASE("a route's own 404 message answers the paths under its literal segments") {
  table t;
  route_options push_404;
  push_404.not_found_message = "Push monitor not found";
  t.add({http::verb::get}, "/api/push/{id}/{key}", "push", push_404);
  t.add({http::verb::get}, "/api/push/{id}/{key}/{signal}", "push", push_404);
  for (auto target : {"/api/push", "/api/push/5", "/api/push/5/", "/api/push//key", "/api/push/5/k/",
                      "/api/push/5/k/start/x"}) {
    const auto r = t.send(http::verb::delete_, target);  // 404 before any method check
    CHECK(r.status == http::status::not_found);
    CHECK(r.body.view() == R"({"error":"Push monitor not found"})");
  }
  CHECK(t.send(http::verb::get, "/api/pushx/1/2").body.view() == R"({"error":"Not found"})");
  CHECK(t.send(http::verb::get, "/api").body.view() == R"({"error":"Not found"})");
  CHECK_FALSE(t.last);
}

TEST_CASE("a target that is not an origin-form path is 400 Malformed request target") {
  table t;
  t.add({http::verb::get}, "/health", "health");
  for (auto target : {"*", "http://example.com/health", "/a b", "/%zz"}) {
    const auto r = t.send(http::verb::get, target);
    CHECK(r.status == http::status::bad_request);
    CHECK(r.body.view() == R"({"error":"Malformed request target"})");
  }
}

TEST_CASE("segments are percent-decoded and the query split into decoded pairs") {
  table t;
  t.add({http::verb::post}, "/api/push/{id}/{key}/{signal}", "push");
  t.send(http::verb::post, "/api/push/%35/a%2Db/start?rid=abc&msg=hello%20world&flag", "text");
  REQUIRE(t.last);
  CHECK(t.last->params == std::vector<std::string>{"5", "a-b", "start"});
  CHECK(t.last->query == query_params{{"rid", "abc"}, {"msg", "hello world"}, {"flag", ""}});
  CHECK(t.last->body == "text");
}

TEST_CASE("a plain target is split in place into views of the target") {
  request req;
  req.target = "/api/push/12345/some-long-secret-key_value";
  REQUIRE(parse_target(req));
  REQUIRE(req.path.size() == 4);
  CHECK(req.path[3] == "some-long-secret-key_value");
  CHECK(req.path[3].data() == req.target.data() + 16);  // no copy
  CHECK(req.decoded_path.empty());
  req.target = "/";
  REQUIRE(parse_target(req));
  CHECK(req.path.empty());
}

TEST_CASE("a bad route pattern is refused when it is added") {
  route_table routes;
  const auto add = [&](std::string_view pattern) {
    routes.add({http::verb::get}, pattern, [](request&, const route_match&, respond_fn) {});
  };
  CHECK_THROWS_AS(add("health"), std::invalid_argument);
  CHECK_THROWS_AS(add("/a/{}"), std::invalid_argument);
  CHECK_THROWS_AS(add("/a/{x"), std::invalid_argument);
  CHECK_THROWS_AS(add("/a/x{y}"), std::invalid_argument);
  CHECK_THROWS_AS(add("/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}"), std::invalid_argument);
  CHECK_NOTHROW(add("/"));
}
