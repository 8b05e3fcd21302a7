"""A full disk under a steady stream of pushes: the database lives on a small tmpfs that a
filler file fills to the last byte while pushes keep coming, then the filler is deleted.

What a user is promised: a push is answered 200 only once it is stored, and otherwise 500
{"error":"Internal server error"}; the server neither crashes nor spins (one log line when
writes start failing, one when they work again; no retry storm while someone fixes the disk);
/health says 503 meanwhile; once space is back it works again without a restart; the database
is intact, and the history and push_count hold exactly the acknowledged pushes.

Needs root (mount -t tmpfs); skipped otherwise.
"""

from __future__ import annotations

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, push_monitor  # noqa: E402
from faults import OutageScenario, Pusher, Tmpfs, push_until  # noqa: E402

NAMES = ["Alpha", "Beta", "Gamma"]
PAD = 1000             # bytes of padding per push, so that the database keeps growing
RECOVERY_LIMIT = 10.0  # seconds from space freed to a push answered 200


class FullDiskTest(OutageScenario, ServerTestCase):
    def setUp(self):
        self.fs = Tmpfs(self, "8m")
        self.addCleanup(self.fs.unmount)  # runs after the server's cleanup has killed it

    def start_on_tmpfs(self, monitors, **database):
        database["path"] = os.path.join(self.fs.dir, "uptime.db")
        s = self.start_server(make_config(monitors, database=database), start=False)
        s.db_path = database["path"]  # where the test reads it
        s.start()
        return s

    def fill_until_pushes_fail(self, pusher: Pusher) -> int:
        """Fills the file system while `pusher` pushes; returns the index of its first 500."""
        mark = len(pusher.snapshot())
        self.fs.fill()
        first = pusher.wait_for_status(500, 15.0, after=mark)
        return pusher.snapshot().index(first)

    def test_a_full_disk_fails_pushes_with_500_and_recovers_without_restart(self):
        """Promises: while the disk is full every push answers 200 (stored) or 500 with
        {"error":"Internal server error"}, never anything else; the server stays up; /health
        answers 503; the log gains a handful of lines (one "Database writes are failing", one
        "Database writes succeed again"), not one per push or retry; the idle server uses
        < 10 % of a core; after the filler is deleted a push answers 200 within 10 s without a
        restart; PRAGMA integrity_check is ok; every push answered 200 is in push_history and
        none answered 500 is; push_count equals the number of pushes answered 200."""
        s = self.start_on_tmpfs([push_monitor(n, "1h") for n in NAMES],
                                push_history_per_monitor=1000000)
        # The log the database appends to may still have room it reuses: the outage begins
        # when a commit needs a new page, which the padded pushes soon make it need.
        self.outage_scenario(s, NAMES, self.fs.fill, self.fs.empty, pad=PAD, what="full disk")

    def test_an_outage_does_not_wipe_the_push_history(self):
        """Promise: the history keeps the newest N *acknowledged* pushes per monitor. 50 pushes
        answered 200, then ~200 answered 500 while the disk is full, then one answered 200:
        all 51 stay in push_history (N = 100) after the sweep has run, and push_count is 51.
        (Failed pushes that take sequence numbers push the good ones out of the newest 100.)"""
        s = self.start_on_tmpfs([push_monitor("Kept", "1h"), push_monitor("Ballast", "1h")])
        mid = s.monitor_id("Kept")
        acked = 0
        for i in range(50):
            self.assertPushOk(s.push("Kept", method="POST", body={"message": f"good {i}"}), mid)
            acked += 1

        # Big pushes to another monitor make the database grow until a commit finds no room.
        ballast = self.run_pusher(Pusher(s, ["Ballast"], None, 60000, tag="ballast"))
        self.fill_until_pushes_fail(ballast)
        ballast.stop()
        failed = 0
        for i in range(200):
            # (padded: a small push may still find room in a page freed by a checkpoint)
            r = s.push("Kept", method="POST", body={"message": f"failed {i}", "pad": "x" * 60000})
            if r.status == 200:
                acked += 1
            else:
                self.assertJsonError(r, 500, "Internal server error")
                failed += 1
        self.assertGreaterEqual(failed, 150, "the full disk did not make the pushes fail")

        self.fs.empty()
        _, probes = push_until(s, "Kept", 200, RECOVERY_LIMIT + 20, tag="good again")
        acked += 1
        time.sleep(3.0)  # the sweep runs ~10 times a second
        rows = s.push_history(mid)
        self.assertEqual(len(rows), acked, f"{acked} acknowledged pushes, {len(rows)} rows kept; "
                         f"messages kept: {[r['message'] for r in rows][:5]}…")
        self.assertEqual(rows[-1]["message"], probes[-1].message)
        s.stop()
        count = s.query_one("SELECT push_count FROM push_monitors WHERE monitor_id = ?", (mid,))[0]
        self.assertEqual(count, acked)
        self.assertEqual(s.query_one("PRAGMA integrity_check")[0], "ok")


if __name__ == "__main__":
    unittest.main()
