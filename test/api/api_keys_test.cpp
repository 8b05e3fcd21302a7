// API keys: the key table's lookup by hash (only the whole key matches), the limiter of failed
// attempts per address (20 in a sliding minute block the address for a minute; IPv6 by /64;
// memory bounded whatever the number of addresses), and the authenticator's answers behind the
// real route table: 401, 403, 429 with their bodies and fields, both ways of sending a key, and
// a log line that names the address and never the key. Time is a manual clock.
#include <catch2/catch.hpp>

#include <openssl/sha.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "api/api_keys.hpp"
#include "http/route_table.hpp"

using namespace uptime;
using namespace uptime::api;
using namespace uptime::http_api;
using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

namespace {

const std::string read_key = "read-key-0123456789abcdef";
const std::string write_key = "write-key-0123456789abcde";  // the same length as read_key

api_key key(std::string name, std::string_view text, bool write) {
  api_key k{std::move(name), {}, write};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), k.sha256.data());
  return k;
}

key_table two_keys() {
  key_table t;
  t.set({key("grafana", read_key, false), key("ops", write_key, true)});
  return t;
}

const time_point t0 = time_point{} + 1000h;

// Collects what spdlog logs while it lives, then puts the previous logger back.
struct log_capture {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  log_capture() {
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  }
  ~log_capture() { spdlog::set_default_logger(previous); }
};

// A read route and a write route behind api_key_auth, with a manual clock.
struct api_fixture {
  key_table keys = two_keys();
  failed_attempts limiter;
  time_point now = t0;
  api_key_auth read_auth{keys, limiter, false, [this] { return now; }};
  api_key_auth write_auth{keys, limiter, true, [this] { return now; }};
  route_table routes;
  std::optional<identity> seen;

  api_fixture() {
    const auto record = [this](request&, const route_match& m, respond_fn respond) {
      seen = *m.who;
      respond(json_response(http::status::ok, json::object{}));
    };
    route_options read_only, write;
    read_only.auth = &read_auth;
    write.auth = &write_auth;
    routes.add({http::verb::get}, "/api/v1/monitors", record, read_only);
    routes.add({http::verb::post}, "/api/v1/monitors/{id}/pause", record, write);
  }

  response send(std::string authorization, std::string x_api_key = "", std::string from = "192.0.2.1",
                http::verb method = http::verb::get) {
    request req;
    req.method = method;
    req.target = method == http::verb::get ? "/api/v1/monitors" : "/api/v1/monitors/1/pause";
    req.authorization = std::move(authorization);
    req.x_api_key = std::move(x_api_key);
    req.source_address = std::move(from);
    seen.reset();
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

void check_401(const response& r) {
  CHECK(r.status == http::status::unauthorized);
  CHECK(r.body.view() == R"({"error":"API key required"})");
  CHECK(header(r, "WWW-Authenticate") == "Bearer");
}

}  // namespace

TEST_CASE("the key table finds a key by its whole text and nothing else") {
  const auto keys = two_keys();
  REQUIRE(keys.find(read_key));
  CHECK(keys.find(read_key)->name == "grafana");
  REQUIRE(keys.find(write_key));
  CHECK(keys.find(write_key)->name == "ops");
  CHECK(keys.find(write_key)->write);

  std::string same_length = read_key;
  same_length.back() = 'X';
  CHECK_FALSE(keys.find(same_length));
  CHECK_FALSE(keys.find(read_key.substr(0, read_key.size() - 1)));  // a prefix
  CHECK_FALSE(keys.find(read_key + "0"));                              // longer
  CHECK_FALSE(keys.find(""));
  CHECK_FALSE(keys.find(" " + read_key));
}

TEST_CASE("setting the key table replaces every key, and an empty table finds nothing") {
  auto keys = two_keys();
  CHECK_FALSE(keys.empty());
  keys.set({key("new", "a-brand-new-key-0000", true)});
  CHECK_FALSE(keys.find(read_key));
  REQUIRE(keys.find("a-brand-new-key-0000"));
  CHECK(keys.find("a-brand-new-key-0000")->name == "new");
  keys.set({});
  CHECK(keys.empty());
  CHECK_FALSE(keys.find("a-brand-new-key-0000"));
  CHECK_FALSE(keys.find(""));
}

TEST_CASE("a key is accepted as a Bearer token or as X-Api-Key, with its name and scope") {
  api_fixture a;
  CHECK(a.send("Bearer " + read_key).status == http::status::ok);
  REQUIRE(a.seen);
  CHECK(a.seen->subject == "grafana");
  CHECK(a.seen->scope == "read");

  CHECK(a.send("", write_key).status == http::status::ok);
  REQUIRE(a.seen);
  CHECK(a.seen->subject == "ops");
  CHECK(a.seen->scope == "write");

  CHECK(a.send("bearer " + write_key, write_key).status == http::status::ok);  // both, the same
  CHECK(a.seen->scope == "write");
}

TEST_CASE("no key, an unknown key, or two different keys get 401 with a Bearer challenge") {
  api_fixture a;
  check_401(a.send(""));
  check_401(a.send("Basic dXNlcjpwYXNz"));  // another scheme is no key
  check_401(a.send("Bearer not-a-key-at-all-0000"));
  check_401(a.send("", "not-a-key-at-all-0000"));
  check_401(a.send("Bearer " + read_key, write_key));  // which one is meant?
  check_401(a.send("Bearer " + read_key, "not-a-key-at-all-0000"));
  CHECK_FALSE(a.seen);
}

TEST_CASE("a read key on a write route is 403, and a write key works on both") {
  api_fixture a;
  const auto r = a.send("Bearer " + read_key, "", "192.0.2.1", http::verb::post);
  CHECK(r.status == http::status::forbidden);
  CHECK(r.body.view() == R"({"error":"This API key is read-only"})");
  CHECK_FALSE(a.seen);
  CHECK(a.send("", write_key, "192.0.2.1", http::verb::post).status == http::status::ok);
  CHECK(a.seen->scope == "write");
  CHECK(a.send("", write_key).status == http::status::ok);
}

TEST_CASE("20 wrong keys from an address get it 429 with Retry-After for a minute, even with a right key") {
  api_fixture a;
  log_capture log;
  for (int i = 0; i < 20; ++i) {
    check_401(a.send("Bearer wrong-key-number-" + std::to_string(i)));
    a.now += 1s;
  }
  auto r = a.send("Bearer " + read_key);
  CHECK(r.status == http::status::too_many_requests);
  CHECK(r.body.view() == R"({"error":"Too many failed attempts"})");
  CHECK(header(r, "Retry-After") == "59");  // blocked at the 20th, a second ago
  CHECK(a.send("", write_key, "192.0.2.1", http::verb::post).status == http::status::too_many_requests);

  // Another address is not affected, and a key still works from it.
  CHECK(a.send("Bearer " + read_key, "", "192.0.2.2").status == http::status::ok);

  a.now += 30s;
  CHECK(header(a.send("Bearer " + read_key), "Retry-After") == "29");
  a.now += 29s;
  CHECK(a.send("Bearer " + read_key).status == http::status::ok);

  // Logged once, with the address, never a key.
  const auto text = log.out.str();
  CHECK(text.find("192.0.2.1") != std::string::npos);
  CHECK(text.find("wrong-key") == std::string::npos);
  CHECK(text.find(read_key) == std::string::npos);
  CHECK(text.find("192.0.2.1", text.find("192.0.2.1") + 1) == std::string::npos);
}

TEST_CASE("requests without a key, read keys on write routes, and right keys are not failed attempts") {
  api_fixture a;
  for (int i = 0; i < 50; ++i) {
    check_401(a.send(""));
    CHECK(a.send("Bearer " + read_key, "", "192.0.2.1", http::verb::post).status == http::status::forbidden);
  }
  CHECK_FALSE(a.limiter.blocked_for("192.0.2.1", a.now));
  CHECK(a.limiter.tracked() == 0);
}

TEST_CASE("two different keys in one request count as a failed attempt") {
  api_fixture a;
  log_capture log;
  for (int i = 0; i < 20; ++i) check_401(a.send("Bearer " + read_key, write_key));
  CHECK(a.send("Bearer " + read_key).status == http::status::too_many_requests);
}

TEST_CASE("the limiter blocks an address at its 20th failure within a minute, for a minute") {
  failed_attempts f;
  for (int i = 0; i < 19; ++i) f.record_failure("198.51.100.7", t0 + std::chrono::seconds(3 * i));
  CHECK_FALSE(f.blocked_for("198.51.100.7", t0 + 57s));
  f.record_failure("198.51.100.7", t0 + 59s);
  CHECK(f.blocked_for("198.51.100.7", t0 + 59s) == 60s);
  CHECK(f.blocked_for("198.51.100.7", t0 + 59s + 500ms) == 60s);  // rounded up
  CHECK(f.blocked_for("198.51.100.7", t0 + 118s + 1ms) == 1s);
  CHECK_FALSE(f.blocked_for("198.51.100.7", t0 + 119s));
  CHECK_FALSE(f.blocked_for("198.51.100.8", t0 + 60s));

  // Free again, it starts from zero: one more failure does not block it.
  f.record_failure("198.51.100.7", t0 + 119s);
  CHECK_FALSE(f.blocked_for("198.51.100.7", t0 + 119s));
}

TEST_CASE("the limiter's minute slides: failures older than a minute stop counting") {
  failed_attempts f;
  const std::string addr = "203.0.113.9";
  for (int i = 0; i < 10; ++i) f.record_failure(addr, t0);
  for (int i = 0; i < 9; ++i) f.record_failure(addr, t0 + 50s);
  f.record_failure(addr, t0 + 60s);  // 20 failures, but over 60 s: not within a minute
  CHECK_FALSE(f.blocked_for(addr, t0 + 60s));
  f.record_failure(addr, t0 + 61s);
  CHECK_FALSE(f.blocked_for(addr, t0 + 61s));
  for (int i = 0; i < 8; ++i) f.record_failure(addr, t0 + 62s);
  CHECK_FALSE(f.blocked_for(addr, t0 + 62s));  // 19 since t0 + 50 s
  f.record_failure(addr, t0 + 62s);
  CHECK(f.blocked_for(addr, t0 + 62s) == 60s);
}

TEST_CASE("the limiter counts IPv6 addresses by their /64 and IPv4-mapped ones as IPv4") {
  failed_attempts f;
  for (int i = 1; i <= 20; ++i) f.record_failure("2001:db8:1:2::" + std::to_string(i), t0);
  CHECK(f.blocked_for("2001:db8:1:2:ffff:ffff:ffff:ffff", t0));
  CHECK(f.blocked_for("2001:DB8:1:2::abcd", t0));
  CHECK_FALSE(f.blocked_for("2001:db8:1:3::1", t0));
  CHECK(f.tracked() == 1);

  for (int i = 0; i < 10; ++i) f.record_failure("192.0.2.50", t0);
  for (int i = 0; i < 10; ++i) f.record_failure("::ffff:192.0.2.50", t0);
  CHECK(f.blocked_for("192.0.2.50", t0));
  CHECK(f.blocked_for("::ffff:192.0.2.50", t0));
}

TEST_CASE("the limiter tracks at most its capacity of addresses, however many fail") {
  failed_attempts f;  // 4096
  for (int i = 0; i < 100'000; ++i) {
    const auto addr = "10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
                      std::to_string(i & 255);
    f.record_failure(addr, t0 + std::chrono::milliseconds(i / 10));
    REQUIRE(f.tracked() <= 4096);
  }
  CHECK(f.tracked() == 4096);
  // The newest are the ones kept.
  for (int i = 0; i < 19; ++i) f.record_failure("10.1.134.159", t0 + 10s);  // i = 99,999
  CHECK(f.blocked_for("10.1.134.159", t0 + 10s));
}

TEST_CASE("the limiter forgets addresses whose failures are all over a minute old") {
  failed_attempts f(8);
  for (int i = 0; i < 8; ++i) f.record_failure("192.0.2." + std::to_string(i), t0);
  for (int i = 0; i < 20; ++i) f.record_failure("192.0.2.100", t0 + 30s);  // blocked until t0 + 90 s
  CHECK(f.tracked() == 8);
  f.record_failure("192.0.2.200", t0 + 61s);
  CHECK(f.tracked() == 2);  // the block and the new one
  CHECK(f.blocked_for("192.0.2.100", t0 + 61s) == 29s);
  f.record_failure("192.0.2.201", t0 + 121s);
  CHECK(f.tracked() == 1);
}
