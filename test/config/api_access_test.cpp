// Unit tests for the API's settings in the config: api_keys (hashed at load, never quoted in a
// message), server.cors_origins (normalized as a browser spells an Origin) and metrics — what
// loads, and each error's exact text and position.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/config.hpp"
#include "load_support.hpp"

namespace cfg = uptime::config;
using namespace config_test;

namespace {

std::string hex(const std::array<unsigned char, 32>& bytes) {
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

const auto keys_env = env_of({{"READ_KEY", "read-key-0123456789"},
                              {"WRITE_KEY", "write-key-0123456789"},
                              {"SHORT_KEY", "short-key"}});

}  // namespace

TEST_CASE("api keys load with their name, scope and the SHA-256 of the key, never the key") {
  const auto c = loaded(R"(
api_keys:
  - name: grafana
    key: ${READ_KEY}
    scope: read
  - name: ops
    key: ${WRITE_KEY}
    scope: write
  - name: ci
    key_sha256: 9F9F5111F7B27A781F1F1DDDE5EBC2DD2B796BFC7365C9C28B548E564176929F
    scope: read
)",
                        keys_env);
  REQUIRE(c.api_keys.size() == 3);
  CHECK(c.api_keys[0].name == "grafana");
  CHECK(c.api_keys[0].scope == cfg::api_key_scope::read);
  CHECK(hex(c.api_keys[0].sha256) ==
        "b53f000157d445b76bc304efe3600785c7a941666a211cb963b5c552b07ed807");
  CHECK(c.api_keys[0].line == 2);
  CHECK(c.api_keys[1].name == "ops");
  CHECK(c.api_keys[1].scope == cfg::api_key_scope::write);
  CHECK(hex(c.api_keys[1].sha256) ==
        "9f3302c18e509e90d5cdaab627115e767dc653e9309845ae1edac47203a66734");
  CHECK(hex(c.api_keys[2].sha256) ==
        "9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f");
  CHECK(c.api_keys[2].line == 8);
}

TEST_CASE("without api_keys, cors_origins or metrics the API settings are empty and private") {
  const auto c = loaded("monitors: [{name: a}]\n");
  CHECK(c.api_keys.empty());
  CHECK(c.server.cors_origins.empty());
  CHECK_FALSE(c.metrics_public);
  CHECK(loaded("api_keys: []\n").api_keys.empty());
  CHECK(loaded("api_keys:\n").api_keys.empty());
}

TEST_CASE("a key shorter than 16 characters is refused without quoting it") {
  const std::string e =
      errors("api_keys:\n  - name: a\n    key: ${SHORT_KEY}\n    scope: read\n", keys_env);
  CHECK(e == "config.yaml:3:10: api_keys[0].key: must be at least 16 characters, got 9\n");
  CHECK(e.find("short-key") == std::string::npos);
  // Characters, not bytes: 15 two-byte letters are still too short.
  CHECK(errors("api_keys: [{name: a, key: \"ééééééééééééééé\", scope: read}]\n") ==
        "config.yaml:1:27: api_keys[0].key: must be at least 16 characters, got 15\n");
  // A written key is checked the same way.
  CHECK(errors("api_keys: [{name: a, key: hunter2, scope: read}]\n") ==
        "config.yaml:1:27: api_keys[0].key: must be at least 16 characters, got 7\n");
}

TEST_CASE(
    "a key with spaces, control characters or non-ASCII cannot be sent in a header and is refused") {
  const std::string e =
      errors("api_keys: [{name: a, key: \"correct horse battery staple\", scope: read}]\n");
  CHECK(
      e ==
      "config.yaml:1:27: api_keys[0].key: must be printable ASCII without spaces (it is sent in an HTTP "
      "header); character 8 is not\n");
  CHECK(e.find("horse") == std::string::npos);
  CHECK(
      errors("api_keys: [{name: a, key: \"schlüssel-0123456789\", scope: read}]\n")
          .find(
              "api_keys[0].key: must be printable ASCII without spaces (it is sent in an HTTP header); "
              "character 5 is not") != std::string::npos);
}

TEST_CASE("an unset variable in a key is an error naming the variable") {
  CHECK(errors("api_keys: [{name: a, key: \"${NOPE}\", scope: read}]\n") ==
        "config.yaml:1:27: api_keys[0].key: environment variable NOPE is not set\n");
}

TEST_CASE("key_sha256 must be 64 hex digits, and a wrong one is not quoted either") {
  const std::string short_hash = errors("api_keys: [{name: a, key_sha256: abc123, scope: read}]\n");
  CHECK(
      short_hash ==
      "config.yaml:1:34: api_keys[0].key_sha256: must be 64 hex digits (the SHA-256 of the key, e.g. from: "
      "printf %s \"$KEY\" | sha256sum), got 6 characters\n");
  CHECK(short_hash.find("abc123") == std::string::npos);
  const std::string not_hex = std::string(40, 'a') + "g" + std::string(23, 'b');
  const std::string e = errors("api_keys: [{name: a, key_sha256: " + not_hex + ", scope: read}]\n");
  CHECK(
      e ==
      "config.yaml:1:34: api_keys[0].key_sha256: must be 64 hex digits (the SHA-256 of the key, e.g. from: "
      "printf %s \"$KEY\" | sha256sum); character 41 is not one\n");
  CHECK(e.find(not_hex) == std::string::npos);
}

TEST_CASE("an api key needs a name, a scope, and exactly one of key and key_sha256") {
  CHECK(
      errors(R"(
api_keys:
  - key: read-key-0123456789
  - name: b
    scope: admin
    key: write-key-0123456789
  - name: c
    scope: read
  - name: d
    scope: write
    key: ${READ_KEY}
    key_sha256: 9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f
  - just text
)",
             keys_env) ==
      "config.yaml:2:5: api_keys[0].name: is required\n"
      "config.yaml:2:5: api_keys[0].scope: is required: read or write\n"
      "config.yaml:4:12: api_keys[1].scope: must be read or write, got \"admin\"\n"
      "config.yaml:6:5: api_keys[2].key: is required (or key_sha256), e.g. key: ${UPTIME_API_KEY}\n"
      "config.yaml:11:17: api_keys[3].key_sha256: use either key or key_sha256, not both\n"
      "config.yaml:12:5: api_keys[4]: must be a mapping (key: value lines), got \"just text\"\n");
}

TEST_CASE("api key names are unique") {
  CHECK(
      errors(R"(
api_keys:
  - {name: grafana, key: read-key-0123456789, scope: read}
  - {name: grafana, key: write-key-0123456789, scope: write}
)") ==
      "config.yaml:3:12: api_keys[1].name: name \"grafana\" is already used by the key on line 2\n");
}

TEST_CASE("the same key twice is refused, also when once given as key and once as its key_sha256") {
  const std::string e = errors(R"(
api_keys:
  - {name: a, key: "${READ_KEY}", scope: read}
  - {name: b, key: read-key-0123456789, scope: write}
  - {name: c, key_sha256: b53f000157d445b76bc304efe3600785c7a941666a211cb963b5c552b07ed807, scope: read}
)",
                               keys_env);
  CHECK(
      e ==
      "config.yaml:3:20: api_keys[1].key: is the same key as api_keys[0]; every key must be different\n"
      "config.yaml:4:27: api_keys[2].key_sha256: is the same key as api_keys[0]; every key must be "
      "different\n");
  CHECK(e.find("read-key") == std::string::npos);
}

TEST_CASE("cors origins are normalized to what a browser sends as Origin") {
  const auto c = loaded(R"(
server:
  cors_origins:
    - https://Grafana.Example.com/
    - http://localhost:3000
    - HTTPS://dash.example.com:443
    - http://[::1]:80
    - https://dash.example.com:8443
)");
  CHECK(c.server.cors_origins ==
        std::vector<std::string>{"https://grafana.example.com", "http://localhost:3000",
                                 "https://dash.example.com", "http://[::1]",
                                 "https://dash.example.com:8443"});
}

TEST_CASE(
    "a cors origin with a path, a query, credentials or another scheme is refused, and so is *") {
  CHECK(
      errors("server:\n  cors_origins: [\"*\"]\n") ==
      "config.yaml:2:18: server.cors_origins[0]: \"*\" is not allowed (any web page could then use a key a "
      "browser holds); list the origins that may call the API, e.g. [https://grafana.example.com]\n");
  for (const char* bad : {"https://example.com/app", "https://example.com?x=1",
                          "https://u:p@example.com", "ftp://example.com", "example.com", "https://",
                          "https://example.com:0", "https://example.com/#"}) {
    INFO(bad);
    CHECK(
        errors(std::string("server:\n  cors_origins: [\"") + bad + "\"]\n") ==
        std::string(
            "config.yaml:2:18: server.cors_origins[0]: must be an origin: http:// or https://, a host "
            "and an optional port, without a path, e.g. https://grafana.example.com; got \"") +
            bad + "\"\n");
  }
  CHECK(errors("server:\n  cors_origins: [https://a.example, \"HTTPS://A.example/\"]\n") ==
        "config.yaml:2:37: server.cors_origins[1]: \"https://a.example\" is listed twice\n");
  CHECK(
      errors("server:\n  cors_origins: https://a.example\n") ==
      "config.yaml:2:17: server.cors_origins: must be a list, e.g. [https://grafana.example.com], got "
      "\"https://a.example\"\n");
}

TEST_CASE("metrics public is a boolean, private by default, and metrics takes no other key") {
  CHECK(loaded("metrics: {public: true}\n").metrics_public);
  CHECK_FALSE(loaded("metrics: {public: false}\n").metrics_public);
  CHECK_FALSE(loaded("metrics:\n").metrics_public);
  CHECK(errors("metrics: {public: sometimes}\n") ==
        "config.yaml:1:19: metrics.public: must be true or false, got \"sometimes\"\n");
  CHECK(errors("metrics:\n  publc: true\n") ==
        "config.yaml:2:3: metrics.publc: unknown key (did you mean public?)\n");
  CHECK(errors("metrics: [public]\n") ==
        "config.yaml:1:10: metrics: must be a mapping (key: value lines), got a list\n");
}

TEST_CASE("a push monitor's manual_resume is false unless its config block says true") {
  const auto c = loaded(R"(
monitors:
  - name: a
  - name: b
    config: {manual_resume: true}
)");
  CHECK_FALSE(c.monitors[0].manual_resume);
  CHECK(c.monitors[1].manual_resume);
  CHECK(errors("monitors: [{name: a, config: {manual_resume: 2}}]\n") ==
        "config.yaml:1:46: monitors[0].config.manual_resume: must be true or false, got \"2\"\n");
}
