// The badge endpoints through the route table with a fake source: each format's exact answer
// and headers, HEAD, and one indistinguishable 404 for every unknown, malformed or hostile key
// (which never reaches the source).
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/badges.hpp"

using namespace uptime;
using namespace uptime::api;
using http_api::response;

namespace {

// Answers from a map, and records every key it was asked about.
struct map_source final : badge_source {
  std::map<std::string, badge_subject, std::less<>> subjects;
  std::vector<std::string> asked;
  std::optional<badge_subject> find_badge(std::string_view key) override {
    asked.emplace_back(key);
    const auto it = subjects.find(key);
    if (it == subjects.end()) return std::nullopt;
    return it->second;
  }
};

struct endpoint {
  map_source source;
  http_api::route_table routes;
  endpoint() {
    source.subjects["17-7ca7efbe2c0ac2474e5235d4"] = {"Nightly Backup", "up", 0.9995};
    source.subjects["18-0123456789abcdef01234567"] = {"Report", "down", std::nullopt};
    source.subjects["19-0123456789abcdef01234567"] = {"Import", "paused", 0.5};
    source.subjects["g-ae4a6fce7cf15aee689ccd27"] = {"Backups", "pending", 0.9};
    add_badge_routes(routes, source);
  }

  response send(std::string target, http::verb method = http::verb::get) {
    http_api::request req;
    req.method = method;
    req.method_string = std::string(http::to_string(method));
    req.target = std::move(target);
    std::optional<response> out;
    routes.dispatch(req, [&](response r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  }
};

std::string header(const response& r, std::string_view name) {
  const auto* f = r.find_header(name);
  return f ? f->value : "";
}

void check_not_found(const response& r) {
  CHECK(r.status == http::status::not_found);
  CHECK(r.content_type == http_api::json_content_type);
  CHECK(r.cache_control == "no-store");
  CHECK(r.body.view() == R"({"error":"Badge not found"})");
}

}  // namespace

TEST_CASE("a .svg badge shows the name and status in its colour, cacheable for a minute") {
  endpoint e;
  const auto r = e.send("/badge/17-7ca7efbe2c0ac2474e5235d4.svg");
  CHECK(r.status == http::status::ok);
  CHECK(r.content_type == "image/svg+xml; charset=utf-8");
  CHECK(r.cache_control == "max-age=60");
  CHECK(header(r, "Content-Security-Policy") == "default-src 'none'");
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
  const auto body = r.body.view();
  CHECK(body.starts_with("<svg "));
  CHECK(body.find("<title>Nightly Backup: up</title>") != std::string_view::npos);
  CHECK(body.find(R"(fill="#4c1")") != std::string_view::npos);
  CHECK(e.source.asked == std::vector<std::string>{"17-7ca7efbe2c0ac2474e5235d4"});

  const auto down = std::string(e.send("/badge/18-0123456789abcdef01234567.svg").body.view());
  CHECK(down.find("<title>Report: down</title>") != std::string::npos);
  CHECK(down.find(R"(fill="#e05d44")") != std::string::npos);
  const auto paused = std::string(e.send("/badge/19-0123456789abcdef01234567.svg").body.view());
  CHECK(paused.find(R"(fill="#007ec6")") != std::string::npos);
  const auto group = std::string(e.send("/badge/g-ae4a6fce7cf15aee689ccd27.svg").body.view());
  CHECK(group.find("<title>Backups: pending</title>") != std::string::npos);
  CHECK(group.find(R"(fill="#9f9f9f")") != std::string::npos);
}

TEST_CASE("a .json badge is the name and the status") {
  endpoint e;
  const auto r = e.send("/badge/17-7ca7efbe2c0ac2474e5235d4.json");
  CHECK(r.status == http::status::ok);
  CHECK(r.content_type == "application/json");
  CHECK(r.cache_control == "max-age=60");
  CHECK(r.body.view() == R"({"name":"Nightly Backup","status":"up"})");
}

TEST_CASE("a .shields badge is shields.io's endpoint format with a named colour") {
  endpoint e;
  auto r = e.send("/badge/18-0123456789abcdef01234567.shields");
  CHECK(r.status == http::status::ok);
  CHECK(r.content_type == "application/json");
  CHECK(r.cache_control == "max-age=60");
  CHECK(r.body.view() == R"({"schemaVersion":1,"label":"Report","message":"down","color":"red"})");
  CHECK(e.send("/badge/17-7ca7efbe2c0ac2474e5235d4.shields").body.view() ==
        R"({"schemaVersion":1,"label":"Nightly Backup","message":"up","color":"brightgreen"})");
  CHECK(e.send("/badge/19-0123456789abcdef01234567.shields").body.view() ==
        R"({"schemaVersion":1,"label":"Import","message":"paused","color":"blue"})");
  CHECK(e.send("/badge/g-ae4a6fce7cf15aee689ccd27.shields").body.view() ==
        R"({"schemaVersion":1,"label":"Backups","message":"pending","color":"lightgrey"})");
}

TEST_CASE("the 30-day uptime badge shows the percentage in its threshold colour, or no data") {
  endpoint e;
  auto r = e.send("/badge/17-7ca7efbe2c0ac2474e5235d4/uptime-30d.svg");
  CHECK(r.status == http::status::ok);
  CHECK(r.content_type == "image/svg+xml; charset=utf-8");
  CHECK(r.cache_control == "max-age=60");
  CHECK(r.body.view().find("<title>Nightly Backup: 99.95%</title>") != std::string_view::npos);
  CHECK(r.body.view().find(R"(fill="#4c1")") != std::string_view::npos);

  r = e.send("/badge/18-0123456789abcdef01234567/uptime-30d.svg");
  CHECK(r.body.view().find("<title>Report: no data</title>") != std::string_view::npos);
  CHECK(r.body.view().find(R"(fill="#9f9f9f")") != std::string_view::npos);

  r = e.send("/badge/g-ae4a6fce7cf15aee689ccd27/uptime-30d.svg");
  CHECK(r.body.view().find("<title>Backups: 90%</title>") != std::string_view::npos);
  CHECK(r.body.view().find(R"(fill="#fe7d37")") != std::string_view::npos);
}

TEST_CASE("HEAD answers as GET does and other methods are refused") {
  endpoint e;
  for (std::string target :
       {"/badge/17-7ca7efbe2c0ac2474e5235d4.svg", "/badge/17-7ca7efbe2c0ac2474e5235d4.json",
        "/badge/17-7ca7efbe2c0ac2474e5235d4/uptime-30d.svg"}) {
    const auto get = e.send(target);
    const auto head = e.send(target, http::verb::head);
    CHECK(head.status == http::status::ok);
    CHECK(head.content_type == get.content_type);
    CHECK(head.cache_control == get.cache_control);
    CHECK(head.body.size() == get.body.size());
    const auto post = e.send(target, http::verb::post);
    CHECK(post.status == http::status::method_not_allowed);
    CHECK(header(post, "Allow") == "GET, HEAD");
  }
}

TEST_CASE("unknown keys, extensions and paths under /badge all get the same 404") {
  endpoint e;
  for (std::string target :
       {"/badge/17-0000000000000000000000000.svg", "/badge/17-7ca7efbe2c0ac2474e5235d4.png",
        "/badge/17-7ca7efbe2c0ac2474e5235d4", "/badge/17-7ca7efbe2c0ac2474e5235d4.",
        "/badge/17-7ca7efbe2c0ac2474e5235d4.svg.json", "/badge/.svg", "/badge", "/badge/",
        "/badge/17-7ca7efbe2c0ac2474e5235d4/uptime-7d.svg",
        "/badge/17-7ca7efbe2c0ac2474e5235d4/uptime-30d.svg/x",
        "/badge/17-7ca7efbe2c0ac2474e5235d4.svg/uptime-30d.svg", "/badge/x/y/z"}) {
    INFO(target);
    check_not_found(e.send(target));
  }
}

TEST_CASE("hostile keys get the same 404 and never reach the source") {
  endpoint e;
  const std::string digits = "7ca7efbe2c0ac2474e5235d4";
  const std::vector<std::string> targets = {"/badge/" + std::string(100000, '1') + ".svg",
                                            "/badge/" + std::string(65, 'a') + "/uptime-30d.svg",
                                            "/badge/17-" + digits + "%00.svg",
                                            "/badge/17%00-" + digits + ".json",
                                            "/badge/..%2F..%2Fetc%2Fpasswd.svg",
                                            "/badge/..%2F17-" + digits + ".svg",
                                            "/badge/../17-" + digits + ".svg",
                                            "/badge/17-" + digits + "%2F.svg",
                                            "/badge/17-7CA7EFBE2C0AC2474E5235D4.svg",
                                            "/badge/%3Cscript%3E.svg",
                                            "/badge/17-" + digits + "%20.shields",
                                            "/badge/17-" + digits + "%25.json",
                                            "/badge/%E2%80%A6/uptime-30d.svg"};
  for (const auto& target : targets) {
    INFO(target.substr(0, 80));
    const auto r = e.send(target);
    if (r.status == http::status::bad_request) continue;  // the route table's own refusal
    check_not_found(r);
  }
  CHECK(e.source.asked.empty());
}

TEST_CASE("a name that needs escaping comes back intact in JSON") {
  endpoint e;
  const std::string name = "\"quoted\" \\ </script> \n\xC3\xA9";
  e.source.subjects["20-0123456789abcdef01234567"] = {name, "up", 1.0};
  const auto r = e.send("/badge/20-0123456789abcdef01234567.json");
  const auto parsed = json::parse(r.body.view());
  CHECK(parsed.at("name").as_string() == name);
  const auto shields =
      json::parse(e.send("/badge/20-0123456789abcdef01234567.shields").body.view());
  CHECK(shields.at("label").as_string() == name);
  CHECK(shields.at("schemaVersion").as_int64() == 1);
}

TEST_CASE("plausible badge keys are short runs of lowercase letters, digits and dashes") {
  CHECK(plausible_badge_key("17-7ca7efbe2c0ac2474e5235d4"));
  CHECK(plausible_badge_key("g-ae4a6fce7cf15aee689ccd27"));
  CHECK(plausible_badge_key(std::string(64, 'a')));
  CHECK_FALSE(plausible_badge_key(std::string(65, 'a')));
  CHECK_FALSE(plausible_badge_key(""));
  CHECK_FALSE(plausible_badge_key(std::string("17\0x", 4)));
  CHECK_FALSE(plausible_badge_key("../x"));
  CHECK_FALSE(plausible_badge_key("A"));
  CHECK_FALSE(plausible_badge_key("a.b"));
}
