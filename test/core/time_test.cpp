// ISO-8601 UTC text for instants: what the API answers and the database stores.
#include <catch2/catch.hpp>

#include "core/time.hpp"

using namespace uptime::core;

TEST_CASE("instants are written as ISO-8601 UTC with Z and whole seconds") {
  const auto t = utc_time{std::chrono::sys_days{std::chrono::year{2025} / 1 / 15}} +
                 std::chrono::hours{10} + std::chrono::minutes{30} + std::chrono::milliseconds{999};
  CHECK(format_iso(t) == "2025-01-15T10:30:00Z");
}

TEST_CASE("the date part, cached per thread, follows every change of day, back and forth") {
  // format_iso_text keeps the last day it wrote: a new day, an earlier one, the same day
  // again and midnight must each come out whole.
  for (auto text : {"2025-01-15T23:59:59Z", "2025-01-16T00:00:00Z", "2025-01-15T10:30:00Z",
                    "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2000-01-01T00:00:01Z",
                    "2024-02-29T12:00:00Z", "2025-01-15T23:59:59Z"})
    CHECK(std::string(format_iso_text(*parse_iso(text)).view()) == text);
}

TEST_CASE("ISO text parses back, with fractions, offsets and SQLite's format") {
  CHECK(format_iso(*parse_iso("2024-02-29T23:59:59Z")) == "2024-02-29T23:59:59Z");
  CHECK(parse_iso("2025-01-15T10:30:00.250Z")->time_since_epoch().count() % 1000 == 250);
  CHECK(parse_iso("2025-01-15 10:30:00") == parse_iso("2025-01-15T10:30:00Z"));
  CHECK(parse_iso("2025-01-15T10:30:00+00:00") == parse_iso("2025-01-15T10:30:00Z"));
}

TEST_CASE("malformed instants are refused") {
  for (auto s : {"", "2025-01-15", "2025-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                 "2025-01-15T25:00:00Z", "2025-01-15T10:30:00+02:00", "2025-01-15T10:30:00.Z",
                 "2025-01-15T10:30:00Zjunk"})
    CHECK_FALSE(parse_iso(s));
}

TEST_CASE("instants kept to the millisecond are written with three decimals and read back") {
  const auto t = *parse_iso("2025-01-15T10:30:00.250Z");
  CHECK(format_iso_ms(t) == "2025-01-15T10:30:00.250Z");
  CHECK(parse_iso(format_iso_ms(t)) == t);
  CHECK(format_iso_ms(*parse_iso("2025-01-15T10:30:00Z")) == "2025-01-15T10:30:00.000Z");
}
