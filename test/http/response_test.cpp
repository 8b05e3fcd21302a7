// The response type and its bytes on the wire: JSON by default (with Cache-Control no-store,
// as every API answer), any other content type, extra header fields in order, and a body that
// is owned text or a view of static bytes.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "http/response.hpp"
#include "http/serialize.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {
std::string wire(const response& res) {
  std::string out;
  serialize(res, out);
  return out;
}

// Program-lifetime bytes, as an embedded asset would be.
constexpr std::string_view page = "<!doctype html><title>status</title>";
}  // namespace

TEST_CASE("an answer is serialized with its status line, every field and its body") {
  auto res = raw_json_response(http::status::not_found, R"({"error":"Not found"})");
  res.keep_alive = false;
  CHECK(wire(res) ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        "Content-Length: 21\r\nConnection: close\r\n\r\n{\"error\":\"Not found\"}");

  auto old = raw_json_response(http::status::ok, "{}");
  old.version = 10;
  CHECK(wire(old) ==
        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n{}");
  old.version = 11;
  old.head = true;
  CHECK(wire(old) ==
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        "Content-Length: 2\r\n\r\n");
}

TEST_CASE("a response nobody configured is JSON that is not cached") {
  response res;
  CHECK(res.content_type == "application/json");
  CHECK(res.cache_control == "no-store");
  CHECK(res.headers.empty());
  CHECK(error_response(http::status::forbidden, "Invalid secret key").body.view() ==
        R"({"error":"Invalid secret key"})");
}

TEST_CASE("a 405 is serialized with its Allow field between Cache-Control and Content-Length") {
  auto res = error_response(http::status::method_not_allowed, "Method not allowed");
  res.add_header("Allow", "GET, HEAD");
  CHECK(wire(res) ==
        "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nCache-Control: "
        "no-store\r\nAllow: GET, HEAD\r\nContent-Length: 30\r\n\r\n"
        "{\"error\":\"Method not allowed\"}");
}

TEST_CASE("any content type, its own caching and extra fields are sent in order") {
  response res;
  res.content_type = "text/html; charset=utf-8";
  res.cache_control = "no-cache";
  res.add_header("ETag", "\"abc\"");
  res.add_header("Vary", "Accept-Encoding");
  res.body = "<p>hi</p>";
  CHECK(wire(res) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-cache\r\n"
        "ETag: \"abc\"\r\nVary: Accept-Encoding\r\nContent-Length: 9\r\n\r\n<p>hi</p>");
  REQUIRE(res.find_header("etag"));
  CHECK(res.find_header("etag")->value == "\"abc\"");
  CHECK_FALSE(res.find_header("Location"));

  res.cache_control = "";
  res.headers.clear();
  CHECK(wire(res).find("Cache-Control") == std::string::npos);
}

TEST_CASE("a static body is sent from its bytes without a copy, and HEAD sends its length only") {
  response res;
  res.content_type = "text/html";
  res.body = response_body::static_bytes(page);
  CHECK(res.body.is_static());
  CHECK(res.body.view().data() == page.data());
  const auto out = wire(res);
  CHECK(out.find("Content-Length: 36\r\n") != std::string::npos);
  CHECK(out.substr(out.size() - page.size()) == page);
  res.head = true;
  const auto head = wire(res);
  CHECK(head.find("Content-Length: 36\r\n") != std::string::npos);
  CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
}

TEST_CASE("a line break in a header value cannot start a field of its own") {
  response res;
  res.add_header("Location", "/x\r\nSet-Cookie: a=b");
  const auto out = wire(res);
  CHECK(out.find("Location: /x  Set-Cookie: a=b\r\n") != std::string::npos);
  CHECK(out.find("\r\nSet-Cookie") == std::string::npos);
}
