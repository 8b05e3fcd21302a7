// Unit tests for core/duration: the duration syntax users write in the config (every unit,
// combinations, bare seconds), the messages for what is refused, and the human form messages
// show, which must read back as the same duration.
#include "core/duration.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using uptime::core::format_duration;
using uptime::core::parse_duration;

namespace {

// The parsed value; fails the test with the message if it was refused.
std::chrono::seconds parsed(std::string_view text) {
  auto r = parse_duration(text);
  if (auto* message = std::get_if<std::string>(&r)) FAIL("\"" << text << "\" was refused: " << *message);
  return std::get<std::chrono::seconds>(r);
}

// The message; fails the test if the text was accepted.
std::string refused(std::string_view text) {
  auto r = parse_duration(text);
  if (auto* d = std::get_if<std::chrono::seconds>(&r))
    FAIL("\"" << text << "\" was accepted as " << d->count() << "s");
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("every unit is understood: s, m, h, d and w") {
  CHECK(parsed("90s") == 90s);
  CHECK(parsed("15m") == 15min);
  CHECK(parsed("25h") == 25h);
  CHECK(parsed("7d") == 7 * 24h);
  CHECK(parsed("2w") == 14 * 24h);
}

TEST_CASE("units combine from largest to smallest, with or without spaces") {
  CHECK(parsed("1h30m") == 90min);
  CHECK(parsed("1h 30m") == 90min);
  CHECK(parsed("1d 2h 3m 4s") == 24h + 2h + 3min + 4s);
  CHECK(parsed("1w1d") == 8 * 24h);
  CHECK(parsed("  15m  ") == 15min);
}

TEST_CASE("a bare integer is a number of seconds") {
  CHECK(parsed("0") == 0s);
  CHECK(parsed("60") == 60s);
  CHECK(parsed("86400") == 24h);
  CHECK(parsed("0s") == 0s);
}

TEST_CASE("malformed durations are refused with an example of what is expected") {
  CHECK(refused("abc") == "must be a duration like 90s, 15m, 25h or 7d, got \"abc\"");
  CHECK(refused("") == "must be a duration like 90s, 15m, 25h or 7d, got \"\"");
  for (const char* bad :
       {"1.5h", "15M", "1h1h", "1m1h", "1m30", "h", "10 m", "1y", "+5", "5s ago", "1h,30m"}) {
    INFO(bad);
    CHECK(refused(bad).starts_with("must be a duration like"));
  }
}

TEST_CASE("a negative duration is refused as not positive") {
  CHECK(refused("-5") == "must be a positive duration, got -5");
  CHECK(refused("-1h30m") == "must be a positive duration, got -1h30m");
  CHECK(refused("-abc") == "must be a duration like 90s, 15m, 25h or 7d, got \"-abc\"");
}

TEST_CASE("durations beyond about 100 years are refused without overflowing") {
  CHECK(parsed("36500d") == 36500 * 24h);
  CHECK(refused("40000d") == "must be at most 100 years, got \"40000d\"");
  CHECK(refused("99999999999999999999999") == "must be at most 100 years, got \"99999999999999999999999\"");
  CHECK(refused("9223372036854775807w") == "must be at most 100 years, got \"9223372036854775807w\"");
  // Each component is within the limit, the sum is not.
  CHECK(refused("5000w 36000d").starts_with("must be at most 100 years"));
}

TEST_CASE("format_duration gives the shortest exact form, hours below 48h") {
  CHECK(format_duration(0s) == "0s");
  CHECK(format_duration(45s) == "45s");
  CHECK(format_duration(90s) == "1m 30s");
  CHECK(format_duration(1h) == "1h");
  CHECK(format_duration(90min) == "1h 30m");
  CHECK(format_duration(24h) == "24h");
  CHECK(format_duration(25h) == "25h");
  CHECK(format_duration(47h + 59min + 59s) == "47h 59m 59s");
  CHECK(format_duration(48h) == "2d");
  CHECK(format_duration(7 * 24h) == "7d");
  CHECK(format_duration(50h + 1s) == "2d 2h 1s");
  CHECK(format_duration(-90s) == "-1m 30s");
}

TEST_CASE("what format_duration writes parses back to the same duration") {
  for (std::int64_t s : {0LL, 1LL, 59LL, 60LL, 61LL, 3599LL, 3600LL, 3661LL, 86399LL, 86400LL, 90000LL,
                         172799LL, 172800LL, 176461LL, 604800LL, 31536000LL, 3155760000LL}) {
    const std::chrono::seconds d{s};
    INFO(s << "s formats as " << format_duration(d));
    CHECK(parsed(format_duration(d)) == d);
  }
}
