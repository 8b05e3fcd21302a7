"""Cron schedules instead of expected_interval: the deadline after a push is the first
scheduled time after it (in the monitor's time zone) plus grace, a scheduled monitor goes
DOWN at that deadline with a reason naming the schedule, and check-config names bad
expressions, unknown zones and schedule + expected_interval by file:line:col and field."""

import datetime
import os
import re
import shutil
import tempfile
import time
import unittest

from harness import (ConfigFilesTestCase, ServerTestCase, format_iso, make_config, parse_iso, push_monitor, run_cli,
                     to_yaml)

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python 3.9+ has it
    zoneinfo = None

ALL_MINUTES = set(range(60))
ALL_HOURS = set(range(24))


def scheduled(name, schedule, grace_period="0s", timezone=None, **top):
    m = {"name": name, "type": "push", **top}
    m["config"] = {"schedule": schedule, "grace_period": grace_period}
    if timezone is not None:
        m["config"]["timezone"] = timezone
    return m


def zone(name):
    if zoneinfo is None:
        raise unittest.SkipTest("no zoneinfo")
    try:
        return zoneinfo.ZoneInfo(name)
    except zoneinfo.ZoneInfoNotFoundError:
        raise unittest.SkipTest(f"no tz data for {name} in this Python")


def next_run(after, tz, minutes=ALL_MINUTES, hours=ALL_HOURS, days=None, months=None,
             weekdays=None):
    """Reference: the first instant strictly after `after` (POSIX seconds) whose wall-clock
    time in `tz` matches. days/months/weekdays None = '*'; weekdays 0 = Sunday. Cron's day
    rule: with both days and weekdays restricted, either matches. Only for times that are not
    in a DST gap or overlap (the server's rules for those are unit-tested in core)."""
    start = datetime.datetime.fromtimestamp(after, tz).date()
    for i in range(0, 2 * 366):
        d = start + datetime.timedelta(days=i)
        if months is not None and d.month not in months:
            continue
        cron_weekday = (d.weekday() + 1) % 7  # Python: Monday 0; cron: Sunday 0
        dom_ok = days is None or d.day in days
        dow_ok = weekdays is None or cron_weekday in weekdays
        if days is not None and weekdays is not None:
            if not (dom_ok or dow_ok):
                continue
        elif not (dom_ok and dow_ok):
            continue
        for h in sorted(hours):
            for m in sorted(minutes):
                t = datetime.datetime(d.year, d.month, d.day, h, m, tzinfo=tz).timestamp()
                if t > after:
                    return t
    raise AssertionError("no run within two years")


# name -> (schedule, timezone or None, grace seconds, reference keyword arguments)
CASES = {
    "Every minute": ("* * * * *", None, 5, {}),
    "Kolkata": ("30 2 * * *", "Asia/Kolkata", 0, dict(minutes={30}, hours={2})),
    "Berlin": ("0 2 * * *", "Europe/Berlin", 0, dict(minutes={0}, hours={2})),
    "New York noon": ("0 12 * * *", "America/New_York", 90, dict(minutes={0}, hours={12})),
    "Hourly": ("@hourly", None, 600, dict(minutes={0})),
    "Hourly Kolkata": ("@hourly", "Asia/Kolkata", 0, dict(minutes={0})),
    "Daily Kathmandu": ("@daily", "Asia/Kathmandu", 0, dict(minutes={0}, hours={0})),
    "Daily": ("@daily", None, 0, dict(minutes={0}, hours={0})),
    "Midnight": ("@midnight", None, 0, dict(minutes={0}, hours={0})),
    "Weekly": ("@weekly", None, 0, dict(minutes={0}, hours={0}, weekdays={0})),
    "Monthly": ("@monthly", None, 0, dict(minutes={0}, hours={0}, days={1})),
    "Yearly": ("@yearly", None, 0, dict(minutes={0}, hours={0}, days={1}, months={1})),
    "Annually": ("@ANNUALLY", None, 0, dict(minutes={0}, hours={0}, days={1}, months={1})),
    "Quarter hours": ("*/15 * * * *", None, 0, dict(minutes={0, 15, 30, 45})),
    "Weekdays": ("0 9 * * mon-fri", None, 0, dict(minutes={0}, hours={9},
                                                 weekdays={1, 2, 3, 4, 5})),
    "Month names": ("0 0 1 JAN,jul *", None, 0, dict(minutes={0}, hours={0}, days={1},
                                                    months={1, 7})),
    "Lists and ranges": ("5,35 8-18/2 * * *", None, 0, dict(minutes={5, 35},
                                                            hours={8, 10, 12, 14, 16, 18})),
    "Sunday as 7": ("0 6 * * 7", None, 0, dict(minutes={0}, hours={6}, weekdays={0})),
    "Day or weekday": ("0 0 13 * fri", None, 0, dict(minutes={0}, hours={0}, days={13},
                                                    weekdays={5})),
    "Friday to Sunday": ("0 23 * * fri-sun", "UTC", 0, dict(minutes={0}, hours={23},
                                                           weekdays={5, 6, 0})),
}


class ScheduleDeadlineTest(ServerTestCase):
    def setUp(self):
        monitors = [scheduled(name, expr, f"{grace}s", tz)
                    for name, (expr, tz, grace, _) in CASES.items()]
        monitors.append(push_monitor("Interval", "1h", "0s"))
        self.server = self.start_server(make_config(monitors))

    def check_case(self, name):
        s = self.server
        expr, tz, grace, ref = CASES[name]
        tzinfo = zone(tz or "UTC")
        mid = s.monitor_id(name)
        r = s.push(name)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {"success", "monitor_id", "received_at", "next_expected_by"})
        received = parse_iso(r.json["received_at"])
        expected = next_run(received, tzinfo, **ref) + grace
        self.assertEqual(r.json["next_expected_by"], format_iso(expected),
                         f"{name}: {expr!r} in {tz or 'UTC'} after {r.json['received_at']}")
        row = s.monitor_row(mid)
        self.assertEqual(row["next_expected_at"], r.json["next_expected_by"])
        self.assertEqual(row["last_push_at"], r.json["received_at"])
        self.assertEqual(row["status"], "up")
        return r.json

    def test_every_minute_is_due_at_the_next_whole_minute_plus_grace(self):
        body = self.check_case("Every minute")
        received = parse_iso(body["received_at"])
        # the first whole minute strictly after the push (UTC), plus 5 s grace
        self.assertEqual(parse_iso(body["next_expected_by"]), (received // 60 + 1) * 60 + 5)
        # a second push moves it along the same way
        time.sleep(1.05)
        body = self.check_case("Every minute")
        self.assertEqual(parse_iso(body["next_expected_by"]),
                         (parse_iso(body["received_at"]) // 60 + 1) * 60 + 5)

    def test_a_schedule_in_a_non_utc_zone_uses_that_zones_wall_clock(self):
        body = self.check_case("Kolkata")
        received = parse_iso(body["received_at"])
        # 02:30 in Kolkata (UTC+05:30, no DST) is 21:00Z of the day before
        due = received - received % 86400 + 21 * 3600
        if due <= received:
            due += 86400
        self.assertEqual(body["next_expected_by"], format_iso(due))
        self.assertTrue(body["next_expected_by"].endswith("T21:00:00Z"), body)
        for name in ("Berlin", "New York noon", "Hourly Kolkata", "Daily Kathmandu"):
            with self.subTest(name=name):
                self.check_case(name)
        # @hourly in a half-hour zone is due at half past, UTC
        self.assertTrue(self.check_case("Hourly Kolkata")["next_expected_by"].endswith(":30:00Z"))
        # @daily in Kathmandu (UTC+05:45) is due at 18:15Z
        self.assertTrue(self.check_case("Daily Kathmandu")["next_expected_by"]
                        .endswith("T18:15:00Z"))

    def test_hourly_is_due_at_the_next_whole_hour_plus_grace(self):
        body = self.check_case("Hourly")
        received = parse_iso(body["received_at"])
        self.assertEqual(parse_iso(body["next_expected_by"]), (received // 3600 + 1) * 3600 + 600)

    def test_macros_names_ranges_lists_and_steps(self):
        for name in ("Daily", "Midnight", "Weekly", "Monthly", "Yearly", "Annually",
                     "Quarter hours", "Weekdays", "Month names", "Lists and ranges",
                     "Sunday as 7", "Day or weekday", "Friday to Sunday"):
            with self.subTest(name=name):
                self.check_case(name)

    def test_a_schedule_replaces_the_interval_and_a_reload_re_arms_from_the_last_push(self):
        s = self.server
        mid = s.monitor_id("Interval")
        r = s.push("Interval")
        self.assertEqual(r.status, 200, r)
        received = parse_iso(r.json["received_at"])
        self.assertDeadlineIn(r.json, 3600)
        # the same monitor switched to "@hourly" with 2 m grace
        monitors = [scheduled(name, expr, f"{grace}s", tz)
                    for name, (expr, tz, grace, _) in CASES.items()]
        monitors.append(scheduled("Interval", "@hourly", "2m"))
        s.write_config(make_config(monitors))
        s.reload("ok")
        due = format_iso((received // 3600 + 1) * 3600 + 120)
        self.assertEqual(s.monitor_row(mid)["next_expected_at"], due)
        self.assertEqual(s.monitor_row(mid)["last_push_at"], r.json["received_at"])
        r2 = s.push("Interval")
        self.assertEqual(r2.json["next_expected_by"],
                         format_iso((parse_iso(r2.json["received_at"]) // 3600 + 1) * 3600 + 120))

    def test_deadlines_survive_a_restart(self):
        s = self.server
        before = {name: self.check_case(name) for name in ("Kolkata", "Weekly", "Every minute")}
        s.restart()
        for name, body in before.items():
            with self.subTest(name=name):
                row = s.monitor_row(s.monitor_id(name))
                self.assertEqual(row["last_push_at"], body["received_at"])
                # moved later by the short outage at most
                shift = parse_iso(row["next_expected_at"]) - parse_iso(body["next_expected_by"])
                self.assertGreaterEqual(shift, 0)
                self.assertLessEqual(shift, 5)


class ScheduleDownTest(ServerTestCase):
    def test_a_scheduled_monitor_goes_down_at_the_next_scheduled_time_plus_grace(self):
        """Runs once and waits for the next whole minute (at most ~62 s)."""
        s = self.start_server(make_config([scheduled("Minutely", "* * * * *", "1s"),
                                           scheduled("Not pushed", "* * * * *", "1s")]))
        mid = s.monitor_id("Minutely")
        r = s.push("Minutely")
        self.assertEqual(r.status, 200, r)
        received_at = r.json["received_at"]
        received = parse_iso(received_at)
        scheduled_at = (received // 60 + 1) * 60
        deadline = scheduled_at + 1
        self.assertEqual(r.json["next_expected_by"], format_iso(deadline))
        self.assertLessEqual(deadline - time.time(), 62)

        end = time.monotonic() + (deadline - time.time()) + 5
        while True:
            t_before = time.time()
            rows = s.query("SELECT * FROM state_changes WHERE monitor_id = ? AND "
                           "to_status = 'down' ORDER BY id", (mid,))
            if rows:
                break
            if time.monotonic() > end:
                self.fail(f"not DOWN within 4 s after the deadline {format_iso(deadline)}")
            time.sleep(0.1)
        row = rows[0]
        self.assertGreaterEqual(t_before, deadline - 0.15,
                                f"DOWN seen {deadline - t_before:.2f}s before the deadline")
        self.assertLessEqual(t_before, deadline + 1.0,
                             f"DOWN only seen {t_before - deadline:.2f}s after the deadline")
        reason = (f"No push since {received_at}, expected by {format_iso(scheduled_at)} "
                  f"(* * * * *) + 1s grace")
        self.assertEqual((row["from_status"], row["reason"]), ("up", reason))
        self.assertEqual(row["timestamp"], format_iso(deadline))
        m = s.monitor_row(mid)
        self.assertEqual((m["status"], m["status_reason"]), ("down", reason))
        downs = [c for c in s.check_results(mid) if c["status"] == "down"]
        self.assertTrue(downs)
        self.assertEqual(downs[0]["error_message"], reason)
        # a monitor that never pushed has no deadline: it stays pending
        self.assertEqual(s.status_of("Not pushed"), "pending")
        # the next push brings it back, due at the following minute
        r = s.push("Minutely")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(s.status_of("Minutely"), "up")
        self.assertEqual(r.json["next_expected_by"],
                         format_iso((parse_iso(r.json["received_at"]) // 60 + 1) * 60 + 1))


BAD = (
    "server:\n"                                  # 1
    "  host: 127.0.0.1\n"                        # 2
    "monitors:\n"                                # 3
    "  - name: Bad cron\n"                       # 4
    "    type: push\n"                           # 5
    "    config:\n"                              # 6
    "      schedule: \"61 * * * *\"\n"           # 7: value at column 17
    "  - name: Bad zone\n"                       # 8
    "    type: push\n"                           # 9
    "    config:\n"                              # 10
    "      schedule: \"0 2 * * *\"\n"            # 11
    "      timezone: Mars/Olympus\n"             # 12: value at column 17
    "  - name: Both\n"                           # 13
    "    type: push\n"                           # 14
    "    config:\n"                              # 15
    "      schedule: \"@daily\"\n"               # 16: value at column 17
    "      expected_interval: 1h\n"              # 17
    "  - name: Good\n"                           # 18
    "    type: push\n"                           # 19
    "    config:\n"                              # 20
    "      schedule: \"0 2 * * *\"\n"            # 21
    "      timezone: Europe/Berlin\n"            # 22
)

# Expressions check-config must refuse (each in its own monitor).
BAD_EXPRESSIONS = [
    "* * * *",            # 4 fields
    "* * * * * *",        # 6 fields (seconds or year)
    "0 24 * * *",         # hour out of range
    "0 0 0 * *",          # day 0
    "0 0 32 * *",         # day 32
    "0 0 * 13 *",         # month 13
    "0 0 * * 8",          # weekday 8
    "*/0 * * * *",        # step 0
    "*/60 * * * *",       # step above the field's maximum
    "50-10 * * * *",      # reversed range
    "0 0 * foo *",        # unknown month name
    "0 0 * * funday",     # unknown weekday name
    "a b c d e",
    "@reboot",
    "@fortnightly",
    "0 0 ? * *",          # Quartz
    "0 0 L * *",
    "0 0 30 2 *",         # never runs
    "",
]


class ScheduleConfigTest(ConfigFilesTestCase):
    dir_prefix = "uptime-sched-"

    def test_check_config_names_a_bad_cron_an_unknown_zone_and_schedule_with_interval(self):
        path = self.write("bad.yaml", BAD)
        r = run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        out = r.stdout + r.stderr
        lines = [l for l in out.splitlines() if l.startswith(path + ":")]
        self.assertEqual(len(lines), 3, out)
        p = re.escape(path)
        self.assertRegex(lines[0], "^" + p + r":7:17: monitors\[0\]\.config\.schedule: .*61")
        self.assertRegex(lines[1], "^" + p + r":12:17: monitors\[1\]\.config\.timezone: .*Mars/Olympus")
        self.assertRegex(lines[2], "^" + p + r":16:17: monitors\[2\]\.config\.schedule: \S")
        self.assertIn("expected_interval", lines[2])
        self.assertNotIn("monitors[3]", out)
        # serve refuses the same file and names the errors
        r = run_cli("serve", "--config", path, timeout=15)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("monitors[1].config.timezone", r.stdout + r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "data", "uptime.db")))

    def test_check_config_refuses_every_bad_expression_with_its_monitor_and_line(self):
        monitors = [{"name": f"M{i}", "type": "push", "config": {"schedule": expr}}
                    for i, expr in enumerate(BAD_EXPRESSIONS)]
        monitors.append({"name": "Fine", "type": "push", "config": {"schedule": "@hourly"}})
        text = to_yaml(make_config(monitors))
        path = self.write("crons.yaml", text)
        schedule_lines = [n + 1 for n, l in enumerate(text.splitlines())
                          if l.lstrip().startswith("schedule:")]
        r = run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        out = r.stdout + r.stderr
        lines = [l for l in out.splitlines() if l.startswith(path + ":")]
        for i, expr in enumerate(BAD_EXPRESSIONS):
            with self.subTest(expr=expr):
                mine = [l for l in lines if f": monitors[{i}].config.schedule: " in l]
                self.assertEqual(len(mine), 1, out)
                self.assertRegex(mine[0], "^" + re.escape(path)
                                 + rf":{schedule_lines[i]}:\d+: monitors\[{i}\]\.config\.schedule: \S")
        self.assertEqual(len(lines), len(BAD_EXPRESSIONS), out)
        self.assertNotIn(f"monitors[{len(BAD_EXPRESSIONS)}]", out)

    def test_a_timezone_without_a_schedule_is_an_error(self):
        path = self.write("tz.yaml", to_yaml(make_config([
            {"name": "Zone alone", "type": "push",
             "config": {"expected_interval": "1h", "timezone": "Europe/Berlin"}}])))
        r = run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stdout + r.stderr,
                         "(^|\n)" + re.escape(path) + r":\d+:\d+: monitors\[0\]\.config\.timezone: \S")

    def test_check_config_accepts_good_schedules_and_zones(self):
        monitors = [scheduled(name, expr, f"{grace}s", tz)
                    for name, (expr, tz, grace, _) in CASES.items()]
        path = self.write("good.yaml", to_yaml(make_config(monitors)))
        r = run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_a_reload_with_a_bad_schedule_is_refused_whole(self):
        s = self.start_server(make_config([scheduled("Nightly", "0 2 * * *", "1h",
                                                     "Europe/Berlin")]))
        mid = s.monitor_id("Nightly")
        r = s.push("Nightly")
        self.assertEqual(r.status, 200, r)
        s.write_config(make_config([scheduled("Nightly", "0 2 * * *", "1h", "Europe/Atlantis")]))
        text = s.reload("refused")
        self.assertIn("monitors[0].config.timezone", text)
        self.assertEqual(s.monitor_row(mid)["next_expected_at"], r.json["next_expected_by"])
        r2 = s.push("Nightly")
        self.assertEqual(r2.status, 200, r2)
        tz = zone("Europe/Berlin")
        self.assertEqual(r2.json["next_expected_by"],
                         format_iso(next_run(parse_iso(r2.json["received_at"]), tz,
                                             minutes={0}, hours={2}) + 3600))


if __name__ == "__main__":
    unittest.main()
