// Fuzz target for cron schedules (core/cron.hpp): the input is an expression. Text either
// parses or gives a message; a parsed schedule has a value in every field and parses again to
// itself from its own text. For a parsed schedule, next_run_after from a few fixed instants
// (around Europe/Berlin's DST nights, a leap day, the year 2099) in UTC and in Europe/Berlin:
// - the next run is strictly after the given instant;
// - it matches the schedule in local time, or is the end of a DST gap one of whose skipped
//   local minutes matches (cron.hpp: a skipped time runs at the transition);
// - in UTC, no minute between the instant and the next run matches (checked when that span is
//   at most a day, to keep the target fast).
#include <date/tz.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/cron.hpp"
#include "support.hpp"

namespace {

using namespace uptime::core;
using uptime::fuzz::require;
using std::chrono::minutes;

const date::time_zone* utc_zone = nullptr;
const date::time_zone* dst_zone = nullptr;

utc_time at(date::sys_days day, int h, int m, int s = 0) {
  return utc_time{day} + std::chrono::hours{h} + minutes{m} + std::chrono::seconds{s};
}

// The schedule's rule for one local minute (cron.hpp: the day rule of Vixie cron / cronie).
bool matches(const cron_schedule& s, date::local_time<minutes> local) {
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const auto minute_of_day = (local - day).count();
  const bool dom = s.days_of_month[unsigned(ymd.day())];
  const bool dow = s.days_of_week[date::weekday{day}.c_encoding()];
  const bool day_ok = !s.day_of_month_starred && !s.day_of_week_starred ? dom || dow : dom && dow;
  return day_ok && s.months[unsigned(ymd.month())] && s.hours[std::size_t(minute_of_day / 60)] &&
         s.minutes[std::size_t(minute_of_day % 60)];
}

void check_next_run(const cron_schedule& s, const date::time_zone& tz, utc_time after) {
  const auto next = next_run_after(s, tz, after);
  if (!next) return;  // nothing within the horizon ("0 0 30 2 *"); see cron.hpp
  require(*next > after, "the next run is after the given instant", s.text);
  const auto next_s = date::floor<std::chrono::seconds>(*next);
  const auto local = date::floor<minutes>(tz.to_local(next_s));
  if (!matches(s, local)) {
    // Only the end of a spring-forward gap may not match, and then a skipped minute must.
    const auto info = tz.get_info(next_s);
    require(info.begin == next_s, "a next run that does not match is a DST transition", s.text);
    const auto before = tz.get_info(next_s - std::chrono::seconds{1});
    require(info.offset > before.offset, "a next run that does not match ends a DST gap", s.text);
    const auto gap_start = date::local_time<minutes>{
        date::floor<minutes>(next_s.time_since_epoch() + before.offset)};
    bool skipped_match = false;
    for (auto m = gap_start; m < local && !skipped_match; m += minutes{1}) skipped_match = matches(s, m);
    require(skipped_match, "a run at a DST gap's end stands for a skipped time that matches", s.text);
  }
  if (&tz == utc_zone && *next - after <= std::chrono::hours{24}) {
    // Every whole minute after `after` and before the next run does not match.
    for (auto m = date::floor<minutes>(after) + minutes{1}; m < *next; m += minutes{1})
      require(!matches(s, date::local_time<minutes>{m.time_since_epoch()}),
              "no minute before the next run matches", s.text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  utc_zone = find_zone("UTC");
  dst_zone = find_zone("Europe/Berlin");
  if (!utc_zone || !dst_zone) {
    std::fprintf(stderr, "cron_fuzz: the tz database has no UTC or Europe/Berlin (install tzdata)\n");
    std::exit(1);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_cron(text);
  if (const auto* message = std::get_if<std::string>(&parsed)) {
    require(!message->empty(), "a refused schedule has a message", text);
    return 0;
  }
  const auto& s = std::get<cron_schedule>(parsed);
  require(s.minutes.any() && s.hours.any() && s.days_of_month.any() && s.months.any() &&
              s.days_of_week.any(),
          "a parsed schedule has a value in every field", text);
  require(!s.days_of_month[0] && !s.months[0], "day and month 0 are never set", text);
  const auto again = parse_cron(s.text);
  require(std::holds_alternative<cron_schedule>(again) && std::get<cron_schedule>(again) == s,
          "a schedule's own text parses to the same schedule", s.text);

  using namespace date::literals;
  static const std::array<utc_time, 5> instants{
      at(date::sys_days{2025_y / 1 / 15}, 10, 30, 0),
      at(date::sys_days{2025_y / 3 / 30}, 0, 59, 30),  // Berlin skips 02:00-03:00 at 01:00Z
      at(date::sys_days{2025_y / 10 / 26}, 0, 15, 0),  // Berlin repeats 02:00-03:00 (first pass)
      at(date::sys_days{2024_y / 2 / 28}, 23, 59, 59) + std::chrono::milliseconds{999},
      at(date::sys_days{2099_y / 12 / 31}, 23, 59, 0),
  };
  for (const auto after : instants) {
    check_next_run(s, *utc_zone, after);
    check_next_run(s, *dst_zone, after);
  }
  return 0;
}
