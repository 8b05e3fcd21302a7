"""The wall clock steps while the server runs (an NTP correction, a VM paused and resumed, an
operator's `date -s`): libfaketime (Debian's `faketime`) is preloaded into the server and
reads its offset from a file the test rewrites ("+0", then "+3600" or "-3600"), re-read on
every call (FAKETIME_NO_CACHE). The monotonic clock is left alone
(FAKETIME_DONT_FAKE_MONOTONIC), as a real step leaves CLOCK_MONOTONIC alone.

What a user is promised: a step is neither a false DOWN nor a missed one. A job's deadline is
measured in real elapsed time since its last push, so a +1 h step does not put monitors pushed
seconds ago DOWN, and a -1 h step does not keep a stopped job's monitor UP for another hour.
The step is logged once, not once per monitor or per second.

Bounds use the test's own time.monotonic(). Skipped when libfaketime is missing or does not
move the server's clock.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, parse_iso, push_monitor  # noqa: E402

STEP_LOG_RE = re.compile(r"(?i)clock.*(step|jump)")
HOUR = 3600


def libfaketime() -> str | None:
    """The multi-threaded preload library if there is one (the server has several threads)."""
    for pattern in ("/usr/lib/*/faketime/libfaketimeMT.so.1", "/usr/lib/*/faketime/libfaketime.so.1",
                    "/usr/lib/faketime/libfaketimeMT.so.1", "/usr/lib/faketime/libfaketime.so.1",
                    "/usr/local/lib/faketime/libfaketimeMT.so.1"):
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


class ClockStepTest(ServerTestCase):
    def setUp(self):
        lib = libfaketime()
        if lib is None:
            self.skipTest("libfaketime is not installed (Debian package faketime)")
        folder = tempfile.mkdtemp(prefix="uptime-faketime-")
        self.addCleanup(shutil.rmtree, folder, True)
        self.offset_file = os.path.join(folder, "offset")
        self.set_offset(0)
        # (an ASan build insists on its runtime coming first among the preloaded libraries)
        asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"]))
        self.env = {"LD_PRELOAD": lib, "FAKETIME_TIMESTAMP_FILE": self.offset_file,
                    "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                    "ASAN_OPTIONS": asan}

    def set_offset(self, seconds: int) -> None:
        tmp = self.offset_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{seconds:+d}\n")
        os.replace(tmp, self.offset_file)

    def start(self, monitors):
        return self.start_server(make_config(monitors + [push_monitor("Probe", "1h")]),
                                 env=self.env)

    def step(self, s, seconds: int) -> None:
        """Steps the server's wall clock to `seconds` from real time; skips the test when the
        server's clock does not follow (its push answer's received_at tells)."""
        self.set_offset(seconds)
        answer = s.push("Probe")
        self.assertEqual(answer.status, 200, answer)
        offset = parse_iso(answer.json["received_at"]) - time.time()
        if abs(offset - seconds) > 5:
            self.skipTest(f"libfaketime does not move the server's clock (asked {seconds:+d} s, "
                          f"the server is {offset:+.0f} s off)")

    def watch(self, s, names, until: float, stop_when_down: str | None = None) -> dict:
        """Polls the monitors' status until the monotonic instant `until` (or until
        `stop_when_down` is DOWN); returns {name: monotonic instant first seen DOWN}."""
        down: dict[str, float] = {}
        while time.monotonic() < until:
            for name in names:
                if name not in down and s.status_of(name) == "down":
                    down[name] = time.monotonic()
            if stop_when_down is not None and stop_when_down in down:
                break
            time.sleep(0.1)
        return down

    def step_lines(self, s, since: int) -> list[str]:
        return [line for line in s.log_text()[since:].splitlines() if STEP_LOG_RE.search(line)]

    def test_a_clock_step_forward_is_not_a_false_down(self):
        """Promises: after a +1 h step 1 s after their pushes, no monitor goes DOWN before its
        job is late in real time: a 30 s monitor and 1 h monitors stay UP for the 13 s after
        the step; a 6 s monitor stays UP for the first 3 s after it and then goes DOWN about
        6 s of real time after its last push (between 4.5 and 10 s), its job having stopped;
        the step is logged once (a line matching /clock.*(step|jump)/i)."""
        steady = ["Half"] + [f"Hourly {i}" for i in range(1, 4)]
        s = self.start([push_monitor("Fast", "6s"), push_monitor("Half", "30s")]
                       + [push_monitor(n, "1h") for n in steady[1:]])
        for name in ["Fast"] + steady:
            self.assertPushOk(s.push(name))
        pushed_at = time.monotonic()
        time.sleep(1.0)
        log_mark = len(s.log_text())
        self.step(s, +HOUR)
        stepped_at = time.monotonic()

        early = self.watch(s, ["Fast"] + steady, stepped_at + 3.0)
        later = self.watch(s, [n for n in ["Fast"] + steady if n not in early], stepped_at + 13.0)
        down = {**later, **early}
        with self.subTest("no DOWN in the 3 s after a +1 h step"):
            self.assertEqual(sorted(early), [], "monitors went DOWN within 3 s of a +1 h step, "
                             f"pushed {stepped_at - pushed_at:.0f} s before it (a false alarm)")
        with self.subTest("the 6 s monitor goes DOWN about 6 s of real time after its push"):
            self.assertIn("Fast", down, "the 6 s monitor did not go DOWN within 14 s of real "
                          "time after its last push")
            # (received_at is whole seconds, so the deadline may come up to 1 s early)
            self.assertGreaterEqual(down["Fast"] - pushed_at, 4.5, "early")
            self.assertLessEqual(down["Fast"] - pushed_at, 10.0, "late")
        with self.subTest("30 s and 1 h monitors pushed 1 s before a +1 h step stay UP 13 s"):
            false_alarms = {n: f"DOWN {t - stepped_at:.1f}s after the step"
                            for n, t in down.items() if n != "Fast"}
            self.assertEqual(false_alarms, {})
        with self.subTest("the step is logged once"):
            lines = self.step_lines(s, log_mark)
            self.assertEqual(len(lines), 1, f"lines about the step: {lines}")

    def test_a_clock_step_backward_does_not_delay_a_down(self):
        """Promises: after a -1 h step 1 s after its last push, a 4 s monitor whose job stopped
        goes DOWN about 4 s of real time after that push (between 2.5 and 8 s), not an hour
        later; it goes DOWN once; the step is logged once."""
        s = self.start([push_monitor("Quick", "4s")])
        mid = s.monitor_id("Quick")
        self.assertPushOk(s.push("Quick"), mid)
        pushed_at = time.monotonic()
        time.sleep(1.0)
        log_mark = len(s.log_text())
        self.step(s, -HOUR)
        stepped_at = time.monotonic()

        down = self.watch(s, ["Quick"], pushed_at + 8.0, stop_when_down="Quick")
        # time to notice the step and flush the log (every second), and to repeat a line
        time.sleep(max(1.0, stepped_at + 5.0 - time.monotonic()))
        with self.subTest("DOWN about 4 s of real time after the last push, not an hour later"):
            self.assertIn("Quick", down, "the 4 s monitor was still UP 8 s of real time after "
                          "its last push (a -1 h step delayed its DOWN)")
            after = down["Quick"] - pushed_at
            # (received_at is whole seconds, so the deadline may come up to 1 s early)
            self.assertGreaterEqual(after, 2.5, f"DOWN {after:.1f}s after the push: early")
            changes = [(c["from_status"], c["to_status"]) for c in s.state_changes(mid)]
            self.assertEqual(changes, [("pending", "up"), ("up", "down")])
        with self.subTest("the step is logged once"):
            lines = self.step_lines(s, log_mark)
            self.assertEqual(len(lines), 1, f"lines about the step: {lines}")


if __name__ == "__main__":
    unittest.main()
