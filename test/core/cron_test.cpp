// Unit tests for core/cron: every piece of cron syntax and every message for what is refused,
// then next_run_after at explicit instants — month ends, leap days, year wrap, the day /
// weekday OR rule, and DST nights in Berlin, New York and two half-hour zones — and finally
// a brute-force model that walks real minutes to check the DST rule around every transition.
#include "core/cron.hpp"

#include <date/tz.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace uptime::core;

namespace {

// The parsed schedule; fails the test with the message if it was refused.
cron_schedule parsed(std::string_view text) {
  auto r = parse_cron(text);
  if (auto* message = std::get_if<std::string>(&r))
    FAIL("\"" << text << "\" was refused: " << *message);
  return std::get<cron_schedule>(r);
}

// The message; fails the test if the text was accepted.
std::string refused(std::string_view text) {
  auto r = parse_cron(text);
  if (std::holds_alternative<cron_schedule>(r)) FAIL("\"" << text << "\" was accepted");
  return std::get<std::string>(r);
}

// The set bits as "0,15,30,45", so a failure shows the whole field.
template <std::size_t N>
std::string bits(const std::bitset<N>& b) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i)
    if (b[i]) {
      if (!out.empty()) out += ',';
      out += std::to_string(i);
    }
  return out;
}

const date::time_zone& zone(const char* name) {
  const date::time_zone* z = find_zone(name);
  if (!z) FAIL("zone " << name << " not found");
  return *z;
}

utc_time at(const char* iso) {
  auto t = parse_iso(iso);
  if (!t) FAIL("bad instant in test: " << iso);
  return *t;
}

// The next run as ISO text, or "none".
std::string next(const char* expr, const char* zone_name, const char* after) {
  const auto t = next_run_after(parsed(expr), zone(zone_name), at(after));
  return t ? format_iso(*t) : "none";
}

// The next `n` runs after `after`, each found from the one before.
std::vector<std::string> runs(const char* expr, const char* zone_name, const char* after,
                              int n) {
  const cron_schedule s = parsed(expr);
  const date::time_zone& tz = zone(zone_name);
  std::vector<std::string> out;
  std::optional<utc_time> t = at(after);
  for (int i = 0; i < n && t; ++i) {
    t = next_run_after(s, tz, *t);
    out.push_back(t ? format_iso(*t) : "none");
  }
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

// ---- syntax ------------------------------------------------------------------------------

TEST_CASE("single values, lists and ranges set exactly the values written", "[cron]") {
  const auto s = parsed("5 2,14 1-3 6 1-5");
  CHECK(bits(s.minutes) == "5");
  CHECK(bits(s.hours) == "2,14");
  CHECK(bits(s.days_of_month) == "1,2,3");
  CHECK(bits(s.months) == "6");
  CHECK(bits(s.days_of_week) == "1,2,3,4,5");
  CHECK(bits(parsed("1,5,7 * * * *").minutes) == "1,5,7");
  CHECK(bits(parsed("0,10-12,50 * * * *").minutes) == "0,10,11,12,50");
  CHECK(bits(parsed("05 07 * * *").hours) == "7");  // leading zeros
}

TEST_CASE("a star is every value of its field", "[cron]") {
  const auto s = parsed("* * * * *");
  CHECK(s.minutes.all());
  CHECK(s.hours.all());
  CHECK(bits(s.days_of_month) == bits(parsed("* * 1-31 * *").days_of_month));
  CHECK(bits(s.months) == "1,2,3,4,5,6,7,8,9,10,11,12");
  CHECK(s.days_of_week.all());
}

TEST_CASE("steps: */n from the field's start, a-b/n within a range, a/n from a to the end", "[cron]") {
  CHECK(bits(parsed("*/15 * * * *").minutes) == "0,15,30,45");
  CHECK(bits(parsed("1-30/5 * * * *").minutes) == "1,6,11,16,21,26");
  CHECK(bits(parsed("5/10 * * * *").minutes) == "5,15,25,35,45,55");
  CHECK(bits(parsed("0 */5 * * *").hours) == "0,5,10,15,20");
  CHECK(bits(parsed("0 0 */10 * *").days_of_month) == "1,11,21,31");
  CHECK(bits(parsed("0 0 * */3 *").months) == "1,4,7,10");
  CHECK(bits(parsed("0 0 * * */2").days_of_week) == "0,2,4,6");
  CHECK(bits(parsed("0,*/20,7 * * * *").minutes) == "0,7,20,40");
  CHECK(bits(parsed("*/59 * * * *").minutes) == "0,59");
  CHECK(bits(parsed("*/1 * * * *").minutes) == bits(parsed("* * * * *").minutes));
}

TEST_CASE("month names jan..dec in any case, also in ranges, lists and stepped ranges", "[cron]") {
  CHECK(bits(parsed("0 0 1 jan *").months) == "1");
  CHECK(bits(parsed("0 0 1 jan,Mar,DEC *").months) == "1,3,12");
  CHECK(bits(parsed("0 0 1 jun-aug *").months) == "6,7,8");
  CHECK(bits(parsed("0 0 1 jan-dec/3 *").months) == "1,4,7,10");
  CHECK(bits(parsed("0 0 1 feb,11 *").months) == "2,11");
  CHECK(bits(parsed("0 0 1 jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec *").months) ==
        "1,2,3,4,5,6,7,8,9,10,11,12");
}

TEST_CASE("weekday names sun..sat in any case, also in ranges and lists", "[cron]") {
  CHECK(bits(parsed("0 0 * * mon-fri").days_of_week) == "1,2,3,4,5");
  CHECK(bits(parsed("0 0 * * SUN").days_of_week) == "0");
  CHECK(bits(parsed("0 0 * * Sat,sun").days_of_week) == "0,6");
  CHECK(bits(parsed("0 0 * * mon-fri/2").days_of_week) == "1,3,5");
  CHECK(bits(parsed("0 0 * * sun,mon,tue,wed,thu,fri,sat").days_of_week) == "0,1,2,3,4,5,6");
}

TEST_CASE("weekday 0 and 7 are both Sunday, and a range may end on Sunday", "[cron]") {
  CHECK(bits(parsed("0 0 * * 0").days_of_week) == "0");
  CHECK(bits(parsed("0 0 * * 7").days_of_week) == "0");
  CHECK(bits(parsed("0 0 * * 5-7").days_of_week) == "0,5,6");
  CHECK(bits(parsed("0 0 * * fri-sun").days_of_week) == "0,5,6");
  CHECK(bits(parsed("0 0 * * 5-0").days_of_week) == "0,5,6");
  CHECK(bits(parsed("0 0 * * 0-7").days_of_week) == "0,1,2,3,4,5,6");
  CHECK(parsed("0 0 * * 7").days_of_week == parsed("0 0 * * sun").days_of_week);
}

TEST_CASE("macros mean their five-field forms and keep their own text", "[cron]") {
  const auto same_fields = [](const char* macro, const char* fields) {
    auto a = parsed(macro);
    auto b = parsed(fields);
    CHECK(a.text == macro);
    a.text = b.text;
    CHECK(a == b);
  };
  same_fields("@hourly", "0 * * * *");
  same_fields("@daily", "0 0 * * *");
  same_fields("@midnight", "0 0 * * *");
  same_fields("@weekly", "0 0 * * 0");
  same_fields("@monthly", "0 0 1 * *");
  same_fields("@yearly", "0 0 1 1 *");
  same_fields("@annually", "0 0 1 1 *");
  same_fields("@Daily", "0 0 * * *");
  CHECK(parsed("  @weekly ").text == "@weekly");
}

TEST_CASE("fields may be separated by several spaces or tabs; the text is kept trimmed", "[cron]") {
  const auto s = parsed("  0\t2   *  * \t*  \n");
  CHECK(s.text == "0\t2   *  * \t*");
  auto plain = parsed("0 2 * * *");
  plain.text = s.text;
  CHECK(s == plain);
}

TEST_CASE("the day and weekday fields remember whether they start with a star", "[cron]") {
  const auto both_star = parsed("0 0 * * *");
  CHECK(both_star.day_of_month_starred);
  CHECK(both_star.day_of_week_starred);
  const auto both_set = parsed("0 0 1 * mon");
  CHECK_FALSE(both_set.day_of_month_starred);
  CHECK_FALSE(both_set.day_of_week_starred);
  const auto stepped = parsed("0 0 */2 * 1");
  CHECK(stepped.day_of_month_starred);
  CHECK_FALSE(stepped.day_of_week_starred);
  CHECK(parsed("0 0 1 * *,5").day_of_week_starred);
}

// ---- errors ------------------------------------------------------------------------------

TEST_CASE("the wrong number of fields is refused with the expected layout", "[cron]") {
  CHECK(refused("0 2 * *") == "expected 5 fields (minute hour day month weekday), got 4");
  CHECK(refused("") == "expected 5 fields (minute hour day month weekday), got 0");
  CHECK(refused(" \t ") == "expected 5 fields (minute hour day month weekday), got 0");
  CHECK(refused("0") == "expected 5 fields (minute hour day month weekday), got 1");
  CHECK(refused("0 0 2 * * *") ==
        "expected 5 fields (minute hour day month weekday), got 6; a seconds or year field is "
        "not supported");
  CHECK(refused("0 0 2 * * * 2025") ==
        "expected 5 fields (minute hour day month weekday), got 7; a seconds or year field is "
        "not supported");
  CHECK(refused("0 0 2 * * * 2025 x") ==
        "expected 5 fields (minute hour day month weekday), got 8");
}

TEST_CASE("values outside a field's range are refused with the range", "[cron]") {
  CHECK(refused("61 * * * *") == "minute field \"61\" is out of range 0-59");
  CHECK(refused("60 * * * *") == "minute field \"60\" is out of range 0-59");
  CHECK(refused("* 24 * * *") == "hour field \"24\" is out of range 0-23");
  CHECK(refused("* * 0 * *") == "day field \"0\" is out of range 1-31");
  CHECK(refused("* * 32 * *") == "day field \"32\" is out of range 1-31");
  CHECK(refused("* * * 0 *") == "month field \"0\" is out of range 1-12");
  CHECK(refused("* * * 13 *") == "month field \"13\" is out of range 1-12");
  CHECK(refused("* * * * 8") == "weekday field \"8\" is out of range 0-7");
  CHECK(refused("1,61 * * * *") == "minute field \"61\" is out of range 0-59");
  CHECK(refused("50-61 * * * *") == "minute field \"61\" is out of range 0-59");
  CHECK(refused("70/5 * * * *") == "minute field \"70\" is out of range 0-59");
  CHECK(refused("99999999999999999999 * * * *") ==
        "minute field \"99999999999999999999\" is out of range 0-59");
}

TEST_CASE("unknown names are refused, and names only work in their own field", "[cron]") {
  CHECK(refused("0 0 * foo *") == "unknown month name \"foo\"");
  CHECK(refused("0 0 * january *") == "unknown month name \"january\"");
  CHECK(refused("0 0 * mon *") == "unknown month name \"mon\"");
  CHECK(refused("0 0 * jan-foo *") == "unknown month name \"foo\"");
  CHECK(refused("0 0 * * funday") == "unknown weekday name \"funday\"");
  CHECK(refused("0 0 * * monday") == "unknown weekday name \"monday\"");
  CHECK(refused("0 0 * * jan") == "unknown weekday name \"jan\"");
  CHECK(refused("0 0 jan * *") == "day field \"jan\" is not a number");
  CHECK(refused("0 mon * * *") == "hour field \"mon\" is not a number");
}

TEST_CASE("text that is not a number is refused, including Quartz extensions", "[cron]") {
  CHECK(refused("x * * * *") == "minute field \"x\" is not a number");
  CHECK(refused("0 0 ? * *") == "day field \"?\" is not a number");
  CHECK(refused("0 0 L * *") == "day field \"L\" is not a number");
  CHECK(refused("0 0 15W * *") == "day field \"15W\" is not a number");
  CHECK(refused("0 0 * 1a *") == "month field \"1a\" is not a number or month name");
  CHECK(refused("0 0 * * 5#3") == "weekday field \"5#3\" is not a number or weekday name");
  CHECK(refused("0 0 * * 5L") == "weekday field \"5L\" is not a number or weekday name");
  CHECK(refused("+5 * * * *") == "minute field \"+5\" is not a number");
}

TEST_CASE("malformed ranges and lists are refused", "[cron]") {
  const auto malformed = [](const char* item) {
    return std::string("minute field \"") + item +
           "\" is not a number, range (1-5), list (1,5) or step (*/15)";
  };
  CHECK(refused("1-2-3 * * * *") == malformed("1-2-3"));
  CHECK(refused("-5 * * * *") == malformed("-5"));
  CHECK(refused("5- * * * *") == malformed("5-"));
  CHECK(refused("** * * * *") == malformed("**"));
  CHECK(refused("*-5 * * * *") == malformed("*-5"));
  CHECK(refused("5-* * * * *") == malformed("5-*"));
  CHECK(refused("/5 * * * *") == malformed("/5"));
  CHECK(refused("1,,2 * * * *") == "minute field \"1,,2\" has an empty list item");
  CHECK(refused("1, * * * *") == "minute field \"1,\" has an empty list item");
  CHECK(refused(",1 * * * *") == "minute field \",1\" has an empty list item");
  CHECK(refused("30-10 * * * *") == "minute field \"30-10\" is a range whose start is after its end");
  CHECK(refused("0 0 * dec-jan *") == "month field \"dec-jan\" is a range whose start is after its end");
  CHECK(refused("0 0 * * sat-mon") == "weekday field \"sat-mon\" is a range whose start is after its end");
}

TEST_CASE("steps must be whole numbers from 1 to the field's maximum", "[cron]") {
  CHECK(refused("*/0 * * * *") == "minute field \"*/0\" has an invalid step \"0\" (expected 1-59)");
  CHECK(refused("*/60 * * * *") == "minute field \"*/60\" has an invalid step \"60\" (expected 1-59)");
  CHECK(refused("*/x * * * *") == "minute field \"*/x\" has an invalid step \"x\" (expected 1-59)");
  CHECK(refused("*/ * * * *") == "minute field \"*/\" has an invalid step \"\" (expected 1-59)");
  CHECK(refused("*/5/2 * * * *") == "minute field \"*/5/2\" has an invalid step \"5/2\" (expected 1-59)");
  CHECK(refused("0 */24 * * *") == "hour field \"*/24\" has an invalid step \"24\" (expected 1-23)");
  CHECK(refused("0 0 * jan/feb *") == "month field \"jan/feb\" has an invalid step \"feb\" (expected 1-12)");
  CHECK(refused("0 0 * * */8") == "weekday field \"*/8\" has an invalid step \"8\" (expected 1-7)");
}

TEST_CASE("unknown macros and @reboot are refused", "[cron]") {
  CHECK(refused("@every 5m") ==
        "unknown schedule macro \"@every 5m\" (use @hourly, @daily, @weekly, @monthly or @yearly)");
  CHECK(refused("@daily 0") ==
        "unknown schedule macro \"@daily 0\" (use @hourly, @daily, @weekly, @monthly or @yearly)");
  CHECK(refused("@") ==
        "unknown schedule macro \"@\" (use @hourly, @daily, @weekly, @monthly or @yearly)");
  CHECK(refused("@reboot") ==
        "\"@reboot\" runs only when the machine starts, so there is no time to expect a push "
        "by; use an interval monitor instead");
}

// ---- zones -------------------------------------------------------------------------------

TEST_CASE("find_zone knows IANA names and says nullptr, without throwing, for anything else", "[cron]") {
  REQUIRE(find_zone("Europe/Berlin"));
  CHECK(find_zone("Europe/Berlin")->name() == "Europe/Berlin");
  CHECK(find_zone("Europe/Berlin") == find_zone("Europe/Berlin"));  // one object per zone
  CHECK(find_zone("America/New_York"));
  CHECK(find_zone("UTC"));
  CHECK(find_zone("Etc/UTC"));
  CHECK_FALSE(find_zone(""));
  CHECK_FALSE(find_zone("Europe/Atlantis"));
  CHECK_FALSE(find_zone("europe/berlin"));  // IANA names are case-sensitive
  CHECK_FALSE(find_zone("../../../etc/passwd"));
  CHECK_FALSE(find_zone("/usr/share/zoneinfo/Europe/Berlin"));
}

// ---- next_run_after: plain calendar ------------------------------------------------------

TEST_CASE("the next run is strictly after `after`, even when `after` is a scheduled instant", "[cron]") {
  CHECK(next("0 2 * * *", "UTC", "2025-01-15T01:59:59.999Z") == "2025-01-15T02:00:00Z");
  CHECK(next("0 2 * * *", "UTC", "2025-01-15T02:00:00Z") == "2025-01-16T02:00:00Z");
  CHECK(next("0 2 * * *", "UTC", "2025-01-15T02:00:00.001Z") == "2025-01-16T02:00:00Z");
  CHECK(next("* * * * *", "UTC", "2025-01-15T10:00:00Z") == "2025-01-15T10:01:00Z");
  CHECK(next("* * * * *", "UTC", "2025-01-15T10:00:59.999Z") == "2025-01-15T10:01:00Z");
  CHECK(runs("*/15 * * * *", "UTC", "2025-01-15T10:07:00Z", 4) ==
        strings{"2025-01-15T10:15:00Z", "2025-01-15T10:30:00Z", "2025-01-15T10:45:00Z",
                "2025-01-15T11:00:00Z"});
}

TEST_CASE("every field narrows the search: hour, day, month and weekday", "[cron]") {
  CHECK(runs("30 9-10 * * *", "UTC", "2025-01-15T09:45:00Z", 3) ==
        strings{"2025-01-15T10:30:00Z", "2025-01-16T09:30:00Z", "2025-01-16T10:30:00Z"});
  CHECK(runs("0 12 15 * *", "UTC", "2025-01-15T12:00:00Z", 2) ==
        strings{"2025-02-15T12:00:00Z", "2025-03-15T12:00:00Z"});
  CHECK(runs("0 0 1 jul *", "UTC", "2025-01-15T00:00:00Z", 2) ==
        strings{"2025-07-01T00:00:00Z", "2026-07-01T00:00:00Z"});
  // 2025-01-15 is a Wednesday.
  CHECK(runs("0 8 * * mon-fri", "UTC", "2025-01-16T09:00:00Z", 3) ==
        strings{"2025-01-17T08:00:00Z", "2025-01-20T08:00:00Z", "2025-01-21T08:00:00Z"});
  CHECK(runs("5/20 */12 * * *", "UTC", "2025-01-15T11:00:00Z", 4) ==
        strings{"2025-01-15T12:05:00Z", "2025-01-15T12:25:00Z", "2025-01-15T12:45:00Z",
                "2025-01-16T00:05:00Z"});
}

TEST_CASE("macros run when their five-field forms do", "[cron]") {
  // 2025-01-15 is a Wednesday.
  CHECK(next("@hourly", "UTC", "2025-01-15T10:00:00Z") == "2025-01-15T11:00:00Z");
  CHECK(next("@daily", "UTC", "2025-01-15T10:00:00Z") == "2025-01-16T00:00:00Z");
  CHECK(next("@midnight", "UTC", "2025-01-15T10:00:00Z") == "2025-01-16T00:00:00Z");
  CHECK(next("@weekly", "UTC", "2025-01-15T10:00:00Z") == "2025-01-19T00:00:00Z");
  CHECK(next("@monthly", "UTC", "2025-01-15T10:00:00Z") == "2025-02-01T00:00:00Z");
  CHECK(next("@yearly", "UTC", "2025-01-15T10:00:00Z") == "2026-01-01T00:00:00Z");
  CHECK(next("@annually", "UTC", "2025-01-01T00:00:00Z") == "2026-01-01T00:00:00Z");
}

TEST_CASE("when day and weekday are both restricted, either one matching is enough", "[cron]") {
  // 2025-01-01 is a Wednesday; the 13th is a Monday.
  CHECK(runs("0 0 13 * 5", "UTC", "2025-01-01T00:00:00Z", 7) ==
        strings{"2025-01-03T00:00:00Z", "2025-01-10T00:00:00Z", "2025-01-13T00:00:00Z",
                "2025-01-17T00:00:00Z", "2025-01-24T00:00:00Z", "2025-01-31T00:00:00Z",
                "2025-02-07T00:00:00Z"});
  // The classic surprise: not "the first Monday" but days 1-7 and every Monday.
  CHECK(runs("0 0 1-7 * mon", "UTC", "2025-01-01T00:00:00Z", 8) ==
        strings{"2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z", "2025-01-04T00:00:00Z",
                "2025-01-05T00:00:00Z", "2025-01-06T00:00:00Z", "2025-01-07T00:00:00Z",
                "2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"});
}

TEST_CASE("when either day field starts with a star, both must match", "[cron]") {
  CHECK(runs("0 0 13 * *", "UTC", "2025-01-01T00:00:00Z", 2) ==
        strings{"2025-01-13T00:00:00Z", "2025-02-13T00:00:00Z"});
  CHECK(runs("0 0 * * fri", "UTC", "2025-01-01T00:00:00Z", 2) ==
        strings{"2025-01-03T00:00:00Z", "2025-01-10T00:00:00Z"});
  // Odd-numbered days that are Mondays (Vixie cron: "*/2" counts as starred).
  CHECK(runs("0 0 */2 * 1", "UTC", "2025-01-01T00:00:00Z", 3) ==
        strings{"2025-01-13T00:00:00Z", "2025-01-27T00:00:00Z", "2025-02-03T00:00:00Z"});
  // "*/1" and "*,5" start with a star too, and every weekday matches: only the 13th.
  CHECK(runs("0 0 13 * */1", "UTC", "2025-01-01T00:00:00Z", 2) ==
        strings{"2025-01-13T00:00:00Z", "2025-02-13T00:00:00Z"});
  CHECK(runs("0 0 13 * *,5", "UTC", "2025-01-01T00:00:00Z", 1) == strings{"2025-01-13T00:00:00Z"});
}

TEST_CASE("the 31st runs only in months that have one, the 30th skips February", "[cron]") {
  CHECK(runs("0 0 31 * *", "UTC", "2025-01-01T00:00:00Z", 8) ==
        strings{"2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z", "2025-05-31T00:00:00Z",
                "2025-07-31T00:00:00Z", "2025-08-31T00:00:00Z", "2025-10-31T00:00:00Z",
                "2025-12-31T00:00:00Z", "2026-01-31T00:00:00Z"});
  CHECK(runs("0 0 30 * *", "UTC", "2025-01-30T00:00:00Z", 2) ==
        strings{"2025-03-30T00:00:00Z", "2025-04-30T00:00:00Z"});
  CHECK(runs("0 0 28-31 2 *", "UTC", "2025-01-01T00:00:00Z", 3) ==
        strings{"2025-02-28T00:00:00Z", "2026-02-28T00:00:00Z", "2027-02-28T00:00:00Z"});
}

TEST_CASE("Feb 29 runs only in leap years, across the skipped leap year 2100 too", "[cron]") {
  CHECK(next("0 0 29 2 *", "UTC", "2025-01-01T00:00:00Z") == "2028-02-29T00:00:00Z");
  CHECK(next("0 0 29 2 *", "UTC", "2028-02-29T00:00:00Z") == "2032-02-29T00:00:00Z");
  CHECK(next("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z") == "2104-02-29T00:00:00Z");
  CHECK(runs("0 0 28-29 2 *", "UTC", "2027-03-01T00:00:00Z", 3) ==
        strings{"2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z"});
  CHECK(runs("0 12 * * *", "UTC", "2028-02-28T13:00:00Z", 2) ==
        strings{"2028-02-29T12:00:00Z", "2028-03-01T12:00:00Z"});
  // With both day fields restricted, Feb 29 or any Monday in February (2025-02-03 is one).
  CHECK(next("0 0 29 2 mon", "UTC", "2025-01-01T00:00:00Z") == "2025-02-03T00:00:00Z");
}

TEST_CASE("a schedule that never happens has no next run", "[cron]") {
  CHECK(next("0 0 30 2 *", "UTC", "2025-01-01T00:00:00Z") == "none");
  CHECK(next("0 0 31 4,6,9,11 *", "UTC", "2025-01-01T00:00:00Z") == "none");
  CHECK(next("0 0 30 2 *", "Europe/Berlin", "2025-01-01T00:00:00Z") == "none");
}

TEST_CASE("the year wraps from December 31 to January 1", "[cron]") {
  CHECK(next("59 23 31 12 *", "UTC", "2025-12-31T23:59:00Z") == "2026-12-31T23:59:00Z");
  CHECK(next("0 0 1 1 *", "UTC", "2025-12-31T23:59:59.999Z") == "2026-01-01T00:00:00Z");
  CHECK(next("*/10 * * * *", "UTC", "2025-12-31T23:55:00Z") == "2026-01-01T00:00:00Z");
  CHECK(next("0 0 * * *", "Europe/Berlin", "2025-12-31T12:00:00Z") == "2025-12-31T23:00:00Z");
  CHECK(next("0 9 * jan *", "UTC", "2025-01-31T10:00:00Z") == "2026-01-01T09:00:00Z");
}

TEST_CASE("instants outside years 1-9999 have no next run", "[cron]") {
  const auto s = parsed("* * * * *");
  CHECK_FALSE(next_run_after(s, zone("UTC"), utc_time{std::chrono::hours{24 * 366 * 10000}}));
  CHECK_FALSE(next_run_after(s, zone("UTC"), utc_time{-std::chrono::hours{24 * 366 * 2000}}));
}

// ---- next_run_after: zones and DST -------------------------------------------------------

TEST_CASE("UTC schedules are UTC times, under either name", "[cron]") {
  CHECK(next("0 2 * * *", "UTC", "2025-03-30T00:00:00Z") == "2025-03-30T02:00:00Z");
  CHECK(next("0 2 * * *", "Etc/UTC", "2025-10-26T00:00:00Z") == "2025-10-26T02:00:00Z");
}

TEST_CASE("Berlin: a local schedule follows CET in winter and CEST in summer", "[cron]") {
  CHECK(next("0 2 * * *", "Europe/Berlin", "2025-01-15T12:00:00Z") == "2025-01-16T01:00:00Z");
  CHECK(next("0 2 * * *", "Europe/Berlin", "2025-07-15T12:00:00Z") == "2025-07-16T00:00:00Z");
}

TEST_CASE("Berlin spring forward: a job in the skipped hour runs once, at 03:00 local", "[cron]") {
  // 2025-03-30 02:00 CET -> 03:00 CEST at 01:00Z.
  CHECK(runs("30 2 * * *", "Europe/Berlin", "2025-03-28T12:00:00Z", 3) ==
        strings{"2025-03-29T01:30:00Z", "2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z"});
  CHECK(next("0 2 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z") == "2025-03-30T01:00:00Z");
  CHECK(next("59 2 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z") == "2025-03-30T01:00:00Z");
  CHECK(next("30 2 * * *", "Europe/Berlin", "2025-03-30T00:59:59.999Z") == "2025-03-30T01:00:00Z");
  CHECK(next("30 2 * * *", "Europe/Berlin", "2025-03-30T01:00:00Z") == "2025-03-31T00:30:00Z");
}

TEST_CASE("Berlin spring forward: jobs outside the skipped hour are not shifted", "[cron]") {
  CHECK(next("30 1 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z") == "2025-03-30T00:30:00Z");
  CHECK(next("0 3 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z") == "2025-03-30T01:00:00Z");
  CHECK(next("30 3 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z") == "2025-03-30T01:30:00Z");
  CHECK(next("0 0 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z") == "2025-03-29T23:00:00Z");
}

TEST_CASE("Berlin spring forward: frequent schedules collapse the skipped hour into one run", "[cron]") {
  CHECK(runs("*/15 * * * *", "Europe/Berlin", "2025-03-30T00:30:00Z", 3) ==
        strings{"2025-03-30T00:45:00Z", "2025-03-30T01:00:00Z", "2025-03-30T01:15:00Z"});
  CHECK(runs("0 * * * *", "Europe/Berlin", "2025-03-29T23:30:00Z", 3) ==
        strings{"2025-03-30T00:00:00Z", "2025-03-30T01:00:00Z", "2025-03-30T02:00:00Z"});
  CHECK(runs("* * * * *", "Europe/Berlin", "2025-03-30T00:58:00Z", 3) ==
        strings{"2025-03-30T00:59:00Z", "2025-03-30T01:00:00Z", "2025-03-30T01:01:00Z"});
}

TEST_CASE("Berlin fall back: a job in the repeated hour runs once, at the first 02:30", "[cron]") {
  // 2025-10-26 03:00 CEST -> 02:00 CET at 01:00Z; 02:00-03:00 local happens twice.
  CHECK(runs("30 2 * * *", "Europe/Berlin", "2025-10-24T12:00:00Z", 3) ==
        strings{"2025-10-25T00:30:00Z", "2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z"});
  // From inside the second pass, and exactly at the second 02:30: the next day.
  CHECK(next("30 2 * * *", "Europe/Berlin", "2025-10-26T01:10:00Z") == "2025-10-27T01:30:00Z");
  CHECK(next("30 2 * * *", "Europe/Berlin", "2025-10-26T01:30:00Z") == "2025-10-27T01:30:00Z");
  CHECK(next("0 2 * * *", "Europe/Berlin", "2025-10-25T12:00:00Z") == "2025-10-26T00:00:00Z");
}

TEST_CASE("Berlin fall back: jobs outside the repeated hour are not shifted", "[cron]") {
  CHECK(next("30 1 * * *", "Europe/Berlin", "2025-10-25T12:00:00Z") == "2025-10-25T23:30:00Z");
  CHECK(next("0 3 * * *", "Europe/Berlin", "2025-10-25T12:00:00Z") == "2025-10-26T02:00:00Z");
  CHECK(next("30 3 * * *", "Europe/Berlin", "2025-10-25T12:00:00Z") == "2025-10-26T02:30:00Z");
}

TEST_CASE("Berlin fall back: frequent schedules do not repeat a local time in the second pass", "[cron]") {
  CHECK(runs("*/15 * * * *", "Europe/Berlin", "2025-10-26T00:20:00Z", 4) ==
        strings{"2025-10-26T00:30:00Z", "2025-10-26T00:45:00Z", "2025-10-26T02:00:00Z",
                "2025-10-26T02:15:00Z"});
  CHECK(runs("0 * * * *", "Europe/Berlin", "2025-10-25T23:30:00Z", 2) ==
        strings{"2025-10-26T00:00:00Z", "2025-10-26T02:00:00Z"});
  CHECK(next("*/15 * * * *", "Europe/Berlin", "2025-10-26T01:20:00Z") == "2025-10-26T02:00:00Z");
  CHECK(runs("* * * * *", "Europe/Berlin", "2025-10-26T00:58:00Z", 3) ==
        strings{"2025-10-26T00:59:00Z", "2025-10-26T02:00:00Z", "2025-10-26T02:01:00Z"});
}

TEST_CASE("New York spring forward: 02:30 runs at 03:00 EDT, other times unchanged", "[cron]") {
  // 2025-03-09 02:00 EST -> 03:00 EDT at 07:00Z.
  CHECK(runs("30 2 * * *", "America/New_York", "2025-03-08T00:00:00Z", 3) ==
        strings{"2025-03-08T07:30:00Z", "2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z"});
  CHECK(next("30 1 * * *", "America/New_York", "2025-03-08T12:00:00Z") == "2025-03-09T06:30:00Z");
  CHECK(next("30 3 * * *", "America/New_York", "2025-03-08T12:00:00Z") == "2025-03-09T07:30:00Z");
  CHECK(runs("0 0 * * *", "America/New_York", "2025-03-08T12:00:00Z", 2) ==
        strings{"2025-03-09T05:00:00Z", "2025-03-10T04:00:00Z"});
  CHECK(runs("*/20 * * * *", "America/New_York", "2025-03-09T06:30:00Z", 3) ==
        strings{"2025-03-09T06:40:00Z", "2025-03-09T07:00:00Z", "2025-03-09T07:20:00Z"});
}

TEST_CASE("New York fall back: 01:30 runs once, at the first (EDT) occurrence", "[cron]") {
  // 2025-11-02 02:00 EDT -> 01:00 EST at 06:00Z; 01:00-02:00 local happens twice.
  CHECK(runs("30 1 * * *", "America/New_York", "2025-11-01T12:00:00Z", 2) ==
        strings{"2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"});
  CHECK(next("30 1 * * *", "America/New_York", "2025-11-02T06:15:00Z") == "2025-11-03T06:30:00Z");
  CHECK(next("30 2 * * *", "America/New_York", "2025-11-01T12:00:00Z") == "2025-11-02T07:30:00Z");
  CHECK(next("30 0 * * *", "America/New_York", "2025-11-01T12:00:00Z") == "2025-11-02T04:30:00Z");
  CHECK(runs("0 * * * *", "America/New_York", "2025-11-02T04:30:00Z", 3) ==
        strings{"2025-11-02T05:00:00Z", "2025-11-02T07:00:00Z", "2025-11-02T08:00:00Z"});
}

TEST_CASE("half-hour zones: Kolkata all year, Adelaide across its DST nights", "[cron]") {
  CHECK(next("0 0 * * *", "Asia/Kolkata", "2025-01-01T00:00:00Z") == "2025-01-01T18:30:00Z");
  CHECK(next("30 9 * * *", "Asia/Kolkata", "2025-07-01T00:00:00Z") == "2025-07-01T04:00:00Z");
  CHECK(runs("0 * * * *", "Asia/Kolkata", "2025-01-01T00:00:00Z", 2) ==
        strings{"2025-01-01T00:30:00Z", "2025-01-01T01:30:00Z"});
  // Adelaide: 2025-10-05 02:00 ACST (+09:30) -> 03:00 ACDT (+10:30) at 2025-10-04T16:30Z.
  CHECK(runs("30 2 * * *", "Australia/Adelaide", "2025-10-03T00:00:00Z", 3) ==
        strings{"2025-10-03T17:00:00Z", "2025-10-04T16:30:00Z", "2025-10-05T16:00:00Z"});
  // 2025-04-06 03:00 ACDT -> 02:00 ACST at 2025-04-05T16:30Z; 02:00-03:00 happens twice.
  CHECK(runs("30 2 * * *", "Australia/Adelaide", "2025-04-04T00:00:00Z", 3) ==
        strings{"2025-04-04T16:00:00Z", "2025-04-05T16:00:00Z", "2025-04-06T17:00:00Z"});
}

TEST_CASE("Lord Howe's half-hour DST shift: 02:15 runs at 02:30, 01:45 only once", "[cron]") {
  // 2025-10-05 02:00 (+10:30) -> 02:30 (+11:00) at 2025-10-04T15:30Z.
  CHECK(runs("15 2 * * *", "Australia/Lord_Howe", "2025-10-03T00:00:00Z", 3) ==
        strings{"2025-10-03T15:45:00Z", "2025-10-04T15:30:00Z", "2025-10-05T15:15:00Z"});
  CHECK(next("45 2 * * *", "Australia/Lord_Howe", "2025-10-04T00:00:00Z") == "2025-10-04T15:45:00Z");
  // 2025-04-06 02:00 (+11:00) -> 01:30 (+10:30) at 2025-04-05T15:00Z.
  CHECK(runs("45 1 * * *", "Australia/Lord_Howe", "2025-04-04T00:00:00Z", 3) ==
        strings{"2025-04-04T14:45:00Z", "2025-04-05T14:45:00Z", "2025-04-06T15:15:00Z"});
}

// ---- next_run_after against a brute-force model ------------------------------------------

namespace {

bool matches(const cron_schedule& s, date::local_time<std::chrono::minutes> t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::minutes> hm{t - day};
  const bool dom = s.days_of_month[unsigned(ymd.day())];
  const bool dow = s.days_of_week[date::weekday{day}.c_encoding()];
  const bool day_ok = !s.day_of_month_starred && !s.day_of_week_starred ? dom || dow : dom && dow;
  return s.months[unsigned(ymd.month())] && day_ok &&
         s.hours[std::size_t(hm.hours().count())] && s.minutes[std::size_t(hm.minutes().count())];
}

// The rule in cron.hpp, stated on real instants and computed the slow way: walk UTC minutes;
// an instant is scheduled iff some matching local minute lies after every local time already
// reached and at or before its own local time. (Every zone used has whole-minute offsets.)
std::vector<std::string> brute_force_runs(const cron_schedule& s, const date::time_zone& tz,
                                          utc_time from, utc_time to) {
  using std::chrono::minutes;
  std::vector<std::string> out;
  auto t = date::floor<minutes>(from) - std::chrono::hours{24};
  auto reached = date::floor<minutes>(tz.to_local(t));
  for (t += minutes{1}; t <= to; t += minutes{1}) {
    const auto local = date::floor<minutes>(tz.to_local(t));
    bool scheduled = false;
    for (auto m = reached + minutes{1}; m <= local && !scheduled; m += minutes{1})
      scheduled = matches(s, m);
    if (local > reached) reached = local;
    if (scheduled && t > from) out.push_back(format_iso(t));
  }
  return out;
}

std::vector<std::string> chained_runs(const cron_schedule& s, const date::time_zone& tz,
                                      utc_time from, utc_time to) {
  std::vector<std::string> out;
  for (auto t = next_run_after(s, tz, from); t && *t <= to; t = next_run_after(s, tz, *t))
    out.push_back(format_iso(*t));
  return out;
}

}  // namespace

TEST_CASE("around every 2025 DST transition, next_run_after agrees with a minute-by-minute walk", "[cron]") {
  struct window {
    const char* zone;
    const char* from;
    const char* to;
  };
  const window windows[] = {
      {"Europe/Berlin", "2025-03-29T12:00:00Z", "2025-03-31T12:00:00Z"},
      {"Europe/Berlin", "2025-10-25T12:00:00Z", "2025-10-27T12:00:00Z"},
      {"America/New_York", "2025-03-08T12:00:00Z", "2025-03-10T12:00:00Z"},
      {"America/New_York", "2025-11-01T12:00:00Z", "2025-11-03T12:00:00Z"},
      {"Australia/Adelaide", "2025-04-04T12:00:00Z", "2025-04-06T12:00:00Z"},
      {"Australia/Adelaide", "2025-10-03T12:00:00Z", "2025-10-05T12:00:00Z"},
      {"Australia/Lord_Howe", "2025-04-04T12:00:00Z", "2025-04-06T12:00:00Z"},
      {"Australia/Lord_Howe", "2025-10-03T12:00:00Z", "2025-10-05T12:00:00Z"},
      {"Asia/Kolkata", "2025-06-01T00:00:00Z", "2025-06-03T00:00:00Z"},
      {"UTC", "2025-12-30T12:00:00Z", "2026-01-01T12:00:00Z"},
  };
  const char* schedules[] = {
      "* * * * *",   "*/15 * * * *", "0 * * * *",  "30 * * * *",      "0 2 * * *",
      "30 2 * * *",  "59 2 * * *",   "15,45 1-3 * * *", "0 3 * * *", "30 1 * * *",
      "0 0 * * *",   "45 23 * * *",  "*/7 2 * * *", "0 2 * * sun",    "0 2 5,26 * sat",
  };
  for (const auto& w : windows) {
    for (const char* expr : schedules) {
      INFO(w.zone << " " << expr << " from " << w.from);
      const auto s = parsed(expr);
      const auto& tz = zone(w.zone);
      CHECK(chained_runs(s, tz, at(w.from), at(w.to)) ==
            brute_force_runs(s, tz, at(w.from), at(w.to)));
    }
  }
}
