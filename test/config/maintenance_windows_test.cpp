// Unit tests for maintenance: in the config: recurring and one-off windows load into settings
// and into the core rule (to_window), and every rule — names, schedule with duration, time
// zone, start before end, the monitors and groups named — reports its exact text and position.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/maintenance.hpp"
#include "core/time.hpp"
#include "load_support.hpp"

namespace cfg = uptime::config;
namespace core = uptime::core;
using namespace config_test;
using namespace std::chrono_literals;

namespace {

// Two monitors in two groups, then `windows` as the maintenance: section (from line 6 on).
std::string with_monitors(std::string_view windows) {
  return std::string(R"(monitors:
  - name: Daily Backup Job
    group: backups
  - name: Web
    group: frontends
maintenance:
)") + std::string(windows);
}

core::utc_time at(const char* iso) { return *core::parse_iso(iso); }

}  // namespace

TEST_CASE("a recurring and a one-off window load with what they cover") {
  const auto c = loaded(with_monitors(R"(  - name: Sunday patching
    schedule: "0 3 * * 0"
    duration: 2h
    timezone: Europe/Berlin
    monitors: [Daily Backup Job]
    groups: [frontends]
  - name: Datacenter move
    start: 2026-12-24T00:00:00Z
    end: 2026-12-24T06:00:00Z
)"));
  REQUIRE(c.maintenance.size() == 2);
  const auto& weekly = c.maintenance[0];
  CHECK(weekly.name == "Sunday patching");
  REQUIRE(weekly.schedule);
  CHECK(weekly.schedule->text == "0 3 * * 0");
  CHECK(weekly.duration == 2h);
  CHECK(weekly.timezone == "Europe/Berlin");
  CHECK(weekly.zone == core::find_zone("Europe/Berlin"));
  CHECK_FALSE(weekly.start);
  CHECK(weekly.monitors == std::vector<std::string>{"Daily Backup Job"});
  CHECK(weekly.groups == std::vector<std::string>{"frontends"});
  CHECK(weekly.line == 7);
  const auto& once = c.maintenance[1];
  CHECK(once.name == "Datacenter move");
  CHECK_FALSE(once.schedule);
  CHECK(once.start == at("2026-12-24T00:00:00Z"));
  CHECK(once.end == at("2026-12-24T06:00:00Z"));
  CHECK(once.monitors.empty());
  CHECK(once.groups.empty());
  CHECK(once.line == 13);
}

TEST_CASE("a schedule without a timezone is read in UTC") {
  const auto c =
      loaded(with_monitors("  - {name: nightly, schedule: \"0 3 * * *\", duration: 30m}\n"));
  REQUIRE(c.maintenance.size() == 1);
  CHECK(c.maintenance[0].timezone == "UTC");
  CHECK(c.maintenance[0].zone == core::find_zone("UTC"));
}

TEST_CASE("to_window gives the core rule the same window") {
  const auto c = loaded(with_monitors(R"(  - name: Sunday patching
    schedule: "0 3 * * 0"
    duration: 2h
    timezone: Europe/Berlin
    groups: [backups]
  - name: Datacenter move
    start: 2026-12-24T00:00:00Z
    end: 2026-12-24T06:00:00Z
)"));
  const core::maintenance_window weekly = cfg::to_window(c.maintenance[0]);
  CHECK(weekly.name == "Sunday patching");
  REQUIRE(weekly.schedule);
  CHECK(*weekly.schedule == *c.maintenance[0].schedule);
  CHECK(weekly.duration == 2h);
  CHECK(core::covers(weekly, "Daily Backup Job", "backups"));
  CHECK_FALSE(core::covers(weekly, "Web", "frontends"));
  // Sunday 2026-01-04 03:00 CET is 02:00Z.
  const auto open = core::occurrence_at(weekly, at("2026-01-04T03:00:00Z"));
  REQUIRE(open);
  CHECK(open->from == at("2026-01-04T02:00:00Z"));
  CHECK(open->to == at("2026-01-04T04:00:00Z"));

  const core::maintenance_window once = cfg::to_window(c.maintenance[1]);
  CHECK_FALSE(once.schedule);
  CHECK(core::covers(once, "Web", "frontends"));
  CHECK(core::next_change(once, at("2026-12-01T00:00:00Z")) == at("2026-12-24T00:00:00Z"));
}

TEST_CASE("a window's monitors and groups must be declared, each listed once") {
  CHECK(errors(with_monitors(R"(  - name: a
    start: 2026-12-24T00:00:00Z
    end: 2026-12-24T06:00:00Z
    monitors: [Daily Backup Job, Nightly Backup, Daily Backup Job]
    groups: [backup, frontends, frontends]
)")) == "config.yaml:10:34: maintenance[0].monitors[1]: unknown monitor \"Nightly Backup\"\n"
        "config.yaml:10:50: maintenance[0].monitors[2]: \"Daily Backup Job\" is listed twice\n"
        "config.yaml:11:14: maintenance[0].groups[0]: unknown group \"backup\"\n"
        "config.yaml:11:33: maintenance[0].groups[2]: \"frontends\" is listed twice\n");
  CHECK(errors("maintenance: [{name: a, schedule: \"@daily\", duration: 1h, monitors: [x]}]\n") ==
        "config.yaml:1:70: maintenance[0].monitors[0]: unknown monitor \"x\"\n");
}

TEST_CASE("a window needs a unique name") {
  CHECK(
      errors(with_monitors(R"(  - schedule: "@daily"
    duration: 1h
  - {name: a, schedule: "@daily", duration: 1h}
  - {name: a, schedule: "@weekly", duration: 1h}
)")) ==
      "config.yaml:7:5: maintenance[0].name: is required\n"
      "config.yaml:10:12: maintenance[2].name: name \"a\" is already used by the window on line 9\n");
}

TEST_CASE("a recurring window's schedule, duration and timezone are checked as a monitor's are") {
  CHECK(
      errors(with_monitors(R"(  - name: a
    schedule: "0 25 * * *"
    duration: 1h
  - name: b
    schedule: "0 3 * * 0"
    duration: 0s
    timezone: Mars/Olympus
  - name: c
    schedule: "0 3 * * 0"
  - name: d
    schedule: "0 0 30 2 *"
    duration: 1h
)")) ==
      "config.yaml:8:15: maintenance[0].schedule: hour field \"25\" is out of range 0-23\n"
      "config.yaml:12:15: maintenance[1].duration: must be a positive duration, got 0s\n"
      "config.yaml:13:15: maintenance[1].timezone: unknown time zone \"Mars/Olympus\"; use an IANA name such as "
      "Europe/Berlin or America/New_York\n"
      "config.yaml:14:5: maintenance[2].duration: is required with a schedule, e.g. duration: 2h\n"
      "config.yaml:17:15: maintenance[3].schedule: \"0 0 30 2 *\" never runs\n");
}

TEST_CASE("a window is either recurring or one-off, and its keys must fit the kind") {
  CHECK(
      errors(with_monitors(R"(  - name: both
    schedule: "@daily"
    duration: 1h
    start: 2026-12-24T00:00:00Z
    end: 2026-12-24T06:00:00Z
  - name: neither
    monitors: [Web]
  - name: stray
    start: 2026-12-24T00:00:00Z
    end: 2026-12-24T06:00:00Z
    duration: 1h
    timezone: UTC
)")) ==
      "config.yaml:10:12: maintenance[0].start: use either schedule (with duration) or start and end, not "
      "both\n"
      "config.yaml:12:5: maintenance[1]: needs a schedule and a duration, or a start and an end\n"
      "config.yaml:17:15: maintenance[2].duration: applies only with a schedule\n"
      "config.yaml:18:15: maintenance[2].timezone: applies only with a schedule\n");
}

TEST_CASE(
    "a one-off window's start and end are UTC instants ending in Z, the end after the start") {
  CHECK(errors(with_monitors(R"(  - name: a
    start: 2026-12-24 00:00:00
    end: 2026-12-24T06:00:00+01:00
  - name: b
    start: 2026-12-24T06:00:00Z
    end: 2026-12-24T06:00:00Z
  - name: c
    start: 2026-12-24T06:00:00Z
  - name: d
    end: tomorrow
)")) == "config.yaml:8:12: maintenance[0].start: must be an ISO-8601 UTC time ending in Z, such as "
        "2026-12-24T00:00:00Z; got \"2026-12-24 00:00:00\"\n"
        "config.yaml:9:10: maintenance[0].end: must be an ISO-8601 UTC time ending in Z, such as "
        "2026-12-24T00:00:00Z; got \"2026-12-24T06:00:00+01:00\"\n"
        "config.yaml:12:10: maintenance[1].end: must be after start (2026-12-24T06:00:00Z)\n"
        "config.yaml:13:5: maintenance[2].end: is required with start\n"
        "config.yaml:15:5: maintenance[3].start: is required with end\n"
        "config.yaml:16:10: maintenance[3].end: must be an ISO-8601 UTC time ending in Z, such as "
        "2026-12-24T00:00:00Z; got \"tomorrow\"\n");
  // Milliseconds are kept.
  const auto c = loaded(with_monitors(
      "  - {name: a, start: \"2026-12-24T00:00:00.250Z\", end: \"2026-12-24T00:00:00.500Z\"}\n"));
  CHECK(c.maintenance[0].end.value() - c.maintenance[0].start.value() == 250ms);
}

TEST_CASE("maintenance must be a list of mappings") {
  CHECK(
      errors("maintenance: {name: a}\n") ==
      "config.yaml:1:14: maintenance: must be a list, e.g. [{name: Sunday patching, schedule: \"0 3 * * 0\", "
      "duration: 2h}], got a mapping\n");
  CHECK(
      errors("maintenance: [nightly]\n") ==
      "config.yaml:1:15: maintenance[0]: must be a mapping (key: value lines), got \"nightly\"\n");
  CHECK(
      errors("maintenance: [{name: a, schedule: \"@daily\", duration: 1h, colour: red}]\n") ==
      "config.yaml:1:59: maintenance[0].colour: unknown key; expected one of name, schedule, duration, "
      "timezone, start, end, monitors, groups\n");
  CHECK(loaded("maintenance:\n").maintenance.empty());
}
