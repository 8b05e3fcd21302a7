// Text from outside made valid UTF-8 (for the database, JSON and alerts) and escaped for the log.
#include <catch2/catch.hpp>

#include "core/text.hpp"

using namespace uptime::core;

TEST_CASE("valid UTF-8 is recognised and left alone") {
  for (std::string_view ok : {"", "disk full", "Festplatte voll: Schreibfehler in \xC3\xBC" "berall",
                              "\xE2\x82\xAC 5", "\xF0\x9F\x92\xBE backup", "\xEF\xBF\xBD"}) {
    CHECK(is_valid_utf8(ok));
    CHECK(to_valid_utf8(ok) == ok);
  }
}

TEST_CASE("ill-formed UTF-8 is recognised: stray, overlong, surrogate, past U+10FFFF, cut short") {
  for (std::string_view bad : {"disk \xFF\xFE full", "\x80", "\xC0\xAF", "\xE0\x80\xAF",
                               "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                               "M\xC3", "\xE2\x82"})
    CHECK_FALSE(is_valid_utf8(bad));
}

TEST_CASE("each ill-formed sequence becomes one U+FFFD per maximal subpart") {
  CHECK(to_valid_utf8("disk \xFF\xFE full") == "disk \xEF\xBF\xBD\xEF\xBF\xBD full");
  // A German message cut mid-character by `tail -c`: "Schreibfehler f\xC3" + end.
  CHECK(to_valid_utf8("Schreibfehler f\xC3") == "Schreibfehler f\xEF\xBF\xBD");
  // The first two bytes of a three-byte sequence are one maximal subpart.
  CHECK(to_valid_utf8("\xE2\x82!") == "\xEF\xBF\xBD!");
  // A surrogate's lead byte does not start a subpart with the byte after it.
  CHECK(to_valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  std::string s = "ok \xC0";
  make_valid_utf8(s);
  CHECK(s == "ok \xEF\xBF\xBD");
  CHECK(is_valid_utf8(s));
}

TEST_CASE("a client's text cannot start a log line of its own") {
  const std::string forged =
      "oops\n[2026-12-03 10:00:00.000] [info] Push monitor initialized: id=1 url=http://attacker.example/";
  const log_text t(forged);
  CHECK(t.view().find('\n') == std::string_view::npos);
  CHECK(t.view().substr(0, 6) == "oops\\n");
  CHECK(log_text("a\rb\tc\x1b[31md\x7F").view() == "a\\rb\\tc\\x1b[31md\\x7f");
  CHECK(log_text("back\\slash").view() == "back\\\\slash");
  // NEL (U+0085), a C1 control some log readers break lines at.
  CHECK(log_text("a\xC2\x85" "b").view() == "a\\xc2\\x85b");
  CHECK(log_text("bad \xFF").view() == "bad \\xff");
}

TEST_CASE("text with nothing to escape is logged as it is, without a copy") {
  const std::string plain = "No push since 2026-12-03T10:00:00Z, \xE2\x82\xAC and \xC3\xBC are fine";
  const log_text t(plain);
  CHECK(t.view() == plain);
  CHECK(t.view().data() == plain.data());
}
