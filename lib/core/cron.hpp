// Cron schedules for push monitors whose jobs run at wall-clock times ("0 2 * * *" in
// Europe/Berlin): parsing the 5-field expression, and the first scheduled instant after a
// given one, DST nights included. Pure rules: no clock reads, no I/O, no logging — except
// find_zone, which reads the system tz database and is for config loading only. It does not
// decide deadlines (the caller adds grace) and does not run anything.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/time.hpp"

namespace date {
class time_zone;  // <date/tz.h> (Howard Hinnant's tz library); only cron.cpp needs the definition
}

namespace uptime::core {

// A parsed schedule. Value type; compare with == to tell whether a reload changed it.
// Syntax (Vixie cron / cronie): "minute hour day month weekday", fields separated by spaces
// or tabs; each field a comma list of items `*`, `N`, `N-M`, each optionally `/step`
// (`N/step` means N through the field's maximum). Months may be jan..dec and weekdays
// sun..sat (3 letters, any case), also as range ends; weekday 0 and 7 are both Sunday, and a
// range ending on Sunday may be written fri-sun. Macros: @hourly, @daily = @midnight,
// @weekly, @monthly, @yearly = @annually (any case). Not supported, refused with a message:
// @reboot, seconds or year fields, Quartz's ? L W #, reversed ranges (50-10), steps of 0 or
// above the field's maximum (*/60 for minutes would only ever mean minute 0).
struct cron_schedule {
  std::bitset<60> minutes;        // bit m: minute m
  std::bitset<24> hours;          // bit h: hour h
  std::bitset<32> days_of_month;  // bit d: day d, 1-31 (bit 0 unused)
  std::bitset<13> months;         // bit m: month m, 1-12 (bit 0 unused)
  std::bitset<7> days_of_week;    // bit w: 0 = Sunday .. 6 = Saturday (7 is stored as 0)
  // Whether the day / weekday field starts with '*' ("*", "*/2", "*,5"). Cron's day rule:
  // when neither does, a day matches if EITHER field matches ("0 0 13 * fri" is every 13th
  // and every Friday); otherwise both must (the restricted one decides). This is what
  // Vixie cron and cronie do, so a push monitor expects exactly the days the job runs.
  bool day_of_month_starred = true;
  bool day_of_week_starred = true;
  std::string text;  // the expression as written, trimmed, for messages and listings

  bool operator==(const cron_schedule&) const = default;
};

// Either the schedule or a message a user reads, naming the field and what to write instead:
// "minute field \"61\" is out of range 0-59", "unknown month name \"foo\"",
// "expected 5 fields (minute hour day month weekday), got 4". The config loader prefixes
// file:line:col and the setting.
using cron_parse = std::variant<cron_schedule, std::string>;
// The zone's IANA name ("Europe/Berlin"), for listings.
std::string_view zone_name(const date::time_zone& tz);

cron_parse parse_cron(std::string_view expr);

// The first scheduled instant strictly after `after`, with the schedule read as wall-clock
// time in zone `tz`. nullopt if nothing matches within the next 8 years ("0 0 30 2 *"; the
// horizon is 8, not 5, because Feb 29 is 8 years apart across 2100).
//
// DST, following what cron daemons actually run, and never expecting a run that does not
// happen (an expected run that never comes would be a false DOWN):
// - A local time that does not exist (spring forward; Berlin 2025-03-30 02:00 -> 03:00)
//   is scheduled at the transition instant (03:00 local = 01:00Z), once however many of the
//   skipped minutes match: "30 2 * * *" and "*/15 * * * *" both fire once at 01:00Z there.
//   Schedules outside the gap ("30 3 * * *") are not shifted.
// - A local time that occurs twice (fall back; Berlin 2025-10-26 03:00 -> 02:00) is
//   scheduled at its FIRST occurrence only. That holds for every schedule, wildcard ones
//   too: "*/15 * * * *" fires at 02:00..02:45 of the first pass, not again during the
//   second pass, then at 03:00. (Vixie cron / cronie run wildcard jobs in both passes; a job
//   that does so only pushes more often than expected, which is harmless, whereas expecting
//   pushes it does not send would raise false alarms for fixed-time jobs.)
// Equivalently: an instant is scheduled iff some matching local time lies after every local
// time already reached and at or before the instant's own local time.
//
// Cost: skips by month, then day, then hour, then minute, converting to UTC only for the
// candidate found: usually a handful of steps, about a thousand cheap ones in the worst
// case (a schedule that never matches, like "0 0 31 4,6,9,11 *", walks 8 years of days). Safe to call on every push and from any thread.
// Limit: the system zone files list DST transitions up to 2037 only (the date library does
// not read the rule that continues them), so times after 2037 use the last offset listed.
std::optional<utc_time> next_run_after(const cron_schedule& s, const date::time_zone& tz,
                                       utc_time after);

// The IANA zone named `name` ("Europe/Berlin", "UTC"), or nullptr if the system tz database
// (/usr/share/zoneinfo) has no such zone or cannot be read; never throws. This reads files:
// call it when loading the config and keep the pointer (zones live for the whole process),
// never on the push path. It also loads the zone's transitions now, so that next_run_after
// never touches the disk later.
const date::time_zone* find_zone(std::string_view name);

}  // namespace uptime::core
