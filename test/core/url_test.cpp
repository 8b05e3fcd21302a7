// The one URL parser (core/url.hpp): what an http(s) URL's parts are, and what is refused. The
// cases each user of it relies on (base_url, channel URLs, the push host in alerts) are in
// their own tests; these pin the parts.
#include <catch2/catch.hpp>

#include "core/url.hpp"

using namespace uptime::core;

TEST_CASE("an http(s) URL is split into scheme, host, port and path") {
  const auto u = parse_http_url("HTTPS://user:pw@status.example.com:8443/base/x?y=1#z");
  REQUIRE(u);
  CHECK(u->scheme == "HTTPS");
  CHECK(u->host == "status.example.com");
  CHECK(u->port == "8443");
  CHECK(u->path == "/base/x");
  CHECK(u->has_query_or_fragment);
  CHECK(u->host_and_port() == "status.example.com:8443");  // credentials are left out
}

TEST_CASE("a URL without port or path has empty parts; an address literal keeps its brackets") {
  const auto plain = parse_http_url("http://localhost");
  REQUIRE(plain);
  CHECK(plain->port.empty());
  CHECK(plain->path.empty());
  CHECK_FALSE(plain->has_query_or_fragment);
  CHECK(plain->host_and_port() == "localhost");
  const auto v6 = parse_http_url("http://[::1]:5000/");
  REQUIRE(v6);
  CHECK(v6->host == "[::1]");
  CHECK(v6->host_and_port() == "[::1]:5000");
}

TEST_CASE("what is not an http(s) URL with a valid host and port is refused") {
  for (const char* bad : {"", "status.example.com", "ftp://h", "http://", "http://:80", "http://h:",
                          "http://h:0", "http://h:65536", "http://h:8o", "http://[::1", "http://[::1]x",
                          "http://a%zz", "http://a b", "http://h/\x7f", "http://ex\xc3\xa9.com",
                          "http://-h.example"}) {
    INFO(bad);
    CHECK_FALSE(parse_http_url(bad));
  }
}

TEST_CASE("host names are dot-separated labels of letters, digits, - and _, or address literals") {
  for (const char* good : {"localhost", "my_service", "a.example.com", "[192.0.2.1]", "[2001:db8::1]"}) {
    INFO(good);
    CHECK(is_host_name(good));
  }
  for (const char* bad : {"", "a..b", "-a", "a-", "[]", "[smtp.example.com:587]", "a b"}) {
    INFO(bad);
    CHECK_FALSE(is_host_name(bad));
  }
}
