// Unit tests for the config loader under input no one would write on purpose: nesting
// thousands of levels deep, quotes never closed, NUL bytes, UTF-16, bytes that are not UTF-8,
// huge numbers, aliases that refer to themselves or multiply. Whatever the bytes, the loader
// returns errors naming a place in the file; it never throws, hangs or crashes.
#include <catch2/catch.hpp>

#include <string>

#include "config/config.hpp"
#include "load_support.hpp"

namespace cfg = uptime::config;
using namespace config_test;

namespace {

std::string repeated(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("100,000 nested opening brackets are refused at the 65th with the nesting limit, at once") {
  CHECK(errors(repeated("[", 100'000)) == "config.yaml:1:65: nested too deeply (limit 64 levels)\n");
  CHECK(errors(repeated("{a: ", 100'000)) == "config.yaml:1:257: nested too deeply (limit 64 levels)\n");
  CHECK(errors("monitors: " + repeated("[", 100'000) + repeated("]", 100'000) + "\n") ==
        "config.yaml:1:75: nested too deeply (limit 64 levels)\n");
}

TEST_CASE("deep block nesting is refused at the limit too, before yaml-cpp recurses further") {
  CHECK(errors(repeated("- ", 100'000) + "a\n") == "config.yaml:1:129: nested too deeply (limit 64 levels)\n");
  std::string mappings;
  for (int i = 0; i < 3000; ++i) mappings += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  CHECK(errors(mappings) == "config.yaml:65:65: nested too deeply (limit 64 levels)\n");
  CHECK(errors(repeated("? ", 100'000) + "a\n").find("nested too deeply (limit 64 levels)") != std::string::npos);
}

TEST_CASE("nesting up to the limit is accepted as YAML; the schema then judges it") {
  const std::string deep = "server:\n  port: 1\nx: " + repeated("[", 63) + repeated("]", 63) + "\n";
  CHECK(errors(deep) == "config.yaml:3:1: x: unknown key; expected one of server, database, default_interval, "
                        "notify_retry_hours, notifications, monitors, api_keys, metrics, maintenance\n");
}

TEST_CASE("brackets in quoted text, comments, block scalars and plain text are not nesting") {
  const std::string brackets = repeated("[", 100);
  const auto r = load("monitors:\n"
                      "  - name: \"" + brackets + "\"\n"
                      "    group: '" + brackets + " it''s'\n"
                      "  # " + brackets + "\n"
                      "  - name: a" + brackets + "\n"
                      "  - name: |-\n"
                      "      b" + brackets + "\n"
                      "    group: x\n"
                      "  - {name: \"{" + brackets + "\", group: 'b'}\n");
  std::string all;
  for (const auto& e : r.errors) all += e + "\n";
  INFO(all);
  REQUIRE(r.value);
  CHECK(r.value->monitors.size() == 4);
  CHECK(r.value->monitors[1].name == "a" + brackets);
}

TEST_CASE("a quoted value never closed at the end of the file is an error at its opening quote") {
  CHECK(errors("monitors:\n  - name: a\n    config:\n      grace_period: \"5m\n") ==
        "config.yaml:4:21: YAML syntax error: the quoted text that starts here is never closed (a \" is missing)\n");
  CHECK(errors("monitors:\n  - name: 'a\n\n") ==
        "config.yaml:2:11: YAML syntax error: the quoted text that starts here is never closed (a ' is missing)\n");
  CHECK(errors("monitors:\n  - name: !!str \"a\n  - name: b\n") ==
        "config.yaml:2:11: YAML syntax error: the quoted text that starts here is never closed (a \" is missing)\n");
  // Still what yaml-cpp says when the end comes on the quote's own line.
  CHECK(errors("monitors:\n  - name: \"a") == "config.yaml:2:13: YAML syntax error: illegal EOF in scalar\n");
}

TEST_CASE("closed quotes with escapes, doubled quotes and line breaks still load") {
  const auto r = load("monitors:\n"
                      "  - name: \"a \\\" b\"\n"
                      "  - name: 'it''s'\n"
                      "  - name: \"two\n    lines\"\n"
                      "  - name: \"ends with \\\\\"\n"
                      "\r\n");
  std::string all;
  for (const auto& e : r.errors) all += e + "\n";
  INFO(all);
  REQUIRE(r.value);
  REQUIRE(r.value->monitors.size() == 4);
  CHECK(r.value->monitors[0].name == "a \" b");
  CHECK(r.value->monitors[1].name == "it's");
  CHECK(r.value->monitors[2].name == "two lines");
  CHECK(r.value->monitors[3].name == "ends with \\");
}

TEST_CASE("a NUL byte anywhere, or UTF-16 text, is refused with its position") {
  using namespace std::string_literals;
  CHECK(errors("monitors:\n  - name: a\0b\n"s) ==
        "config.yaml:2:12: the file contains a NUL byte; a config must be UTF-8 text\n");
  CHECK(errors("# \0\n"s) == "config.yaml:1:3: the file contains a NUL byte; a config must be UTF-8 text\n");
  CHECK(errors("\xFF\xFEm\0o\0"s) ==
        "config.yaml:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8\n");
}

TEST_CASE("a value that is not UTF-8 is an error naming the field, with the bad byte escaped") {
  CHECK(errors("monitors:\n  - name: ok\n    group: \"caf\xE9\"\n") ==
        "config.yaml:3:12: monitors[0].group: must be UTF-8 text; byte 4 is 0xe9, which is not (save the file as "
        "UTF-8)\n");
  CHECK(errors("monitors:\n  - name: \"\xC0\xAF\"\n").find("monitors[0].name: must be UTF-8 text; byte 1 is 0xc0") !=
        std::string::npos);
  // An unknown key that is not UTF-8 is named with the byte escaped.
  CHECK(errors("server:\n  \xFFport: 1\n").starts_with("config.yaml:2:3: server.\\xffport: unknown key"));
}

TEST_CASE("huge numbers and sizes are range errors, not overflows") {
  CHECK(errors("server:\n  port: 99999999999999999999999999\n") ==
        "config.yaml:2:9: server.port: must be a whole number from 0 to 65535, got 99999999999999999999999999\n");
  CHECK(errors("server:\n  max_body_bytes: 99999999999999999999999999GiB\n")
            .starts_with("config.yaml:2:19: server.max_body_bytes: must be a size from 1 to 1GiB"));
  CHECK_FALSE(errors("default_interval: 9999999999999999999999d\n").empty());
}

TEST_CASE("aliases that refer to themselves or multiply are read once per use, not expanded") {
  CHECK(errors("monitors: &a [*a]\n") ==
        "config.yaml:1:11: monitors[0]: must be a mapping (key: value lines), got a list\n");
  std::string laughs = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    laughs += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) laughs += std::string(j ? ", " : "") + "*a" + std::to_string(i - 1);
    laughs += "]\n";
  }
  const std::string e = errors(laughs);
  CHECK(e.find("config.yaml:1:1: x0: unknown key") != std::string::npos);
  CHECK(e.find("config.yaml:10:1: x9: unknown key") != std::string::npos);
}

TEST_CASE("no input makes the loader throw: every byte value, truncations and odd documents") {
  const std::string sample =
      "server: {host: \"::1\", port: 8080}\nmonitors:\n  - name: 'a'\n    config: {grace_period: 5m}\n"
      "  - &m {name: b, notifications: [x]}\n  - *m\n";
  for (std::size_t cut = 0; cut <= sample.size(); ++cut) CHECK_NOTHROW(load(sample.substr(0, cut)));
  for (int b = 0; b < 256; ++b) {
    std::string mutated = sample;
    for (std::size_t at : {std::size_t{0}, std::size_t{9}, std::size_t{20}, std::size_t{50}}) {
      mutated[at] = static_cast<char>(b);
      CHECK_NOTHROW(load(mutated));
    }
  }
  for (std::string_view odd : {"%YAML 1.2\n---\n", "--- |\n  x\n", "? [a]\n: b\n", "!!binary aGVsbG8=\n",
                               "&a a: *a\n", "[*undefined]\n", "{a: 1, a: 2}\n", "\"\\u0000\"\n",
                               "'\xF4\x90\x80\x80'\n", ":\n", "- -\n", "...\n...\n"}) {
    CHECK_NOTHROW(load(odd));
  }
}
