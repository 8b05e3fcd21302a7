"""A database that can no longer be written: `chattr +i` on the database file and its -wal log
while the server runs and pushes keep coming (the write-ahead log is what every commit
appends to, so an immutable -wal makes each commit fail with a disk I/O error, even through
the descriptor the server already holds), then `chattr -i`.

Same promises as a full disk (see faults.OutageScenario): 500s and never a 200 that is lost,
no crash, no retry storm, /health 503, recovery without a restart, integrity, history and
push_count holding exactly what was acknowledged.

Needs root and a file system with the immutable flag (ext4, xfs, btrfs: not tmpfs); the
database is in the test's temporary folder. Skipped otherwise.
"""

from __future__ import annotations

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, push_monitor  # noqa: E402
from faults import OutageScenario, chattr, require_root, require_tool  # noqa: E402

NAMES = ["Alpha", "Beta"]


class ImmutableDatabaseTest(OutageScenario, ServerTestCase):
    def setUp(self):
        require_root(self, "chattr +i")
        require_tool(self, "chattr")

    def test_an_immutable_database_fails_pushes_with_500_and_recovers_without_restart(self):
        """Promises: while the database and its -wal are immutable every push answers 200
        (stored) or 500 {"error":"Internal server error"}; the server stays up; /health answers
        503; the idle server uses < 10 % of a core and the log gains a handful of lines (one
        "Database writes are failing", one "Database writes succeed again"); after chattr -i a
        push answers 200 within 10 s without a restart; integrity_check is ok; every push
        answered 200 is in push_history and none answered 500; push_count equals the pushes
        answered 200."""
        s = self.start_server(make_config([push_monitor(n, "1h") for n in NAMES],
                                          database={"push_history_per_monitor": 1000000}))
        files = [s.db_path, s.db_path + "-wal"]
        probe = os.path.join(os.path.dirname(s.db_path), "chattr-probe")
        open(probe, "w").close()
        r = chattr("+i", probe)
        chattr("-i", probe)
        os.unlink(probe)
        if r.returncode != 0:
            self.skipTest(f"this file system has no immutable flag: {r.stderr.strip()}")
        self.assertTrue(os.path.exists(files[1]), "the database has no -wal file")
        # Registered after the server's cleanup, so it runs first: the folder can be removed.
        self.addCleanup(chattr, "-i", *files)

        def induce():
            r = chattr("+i", *files)
            self.assertEqual(r.returncode, 0, r.stderr)

        def repair():
            r = chattr("-i", *files)
            self.assertEqual(r.returncode, 0, r.stderr)

        self.outage_scenario(s, NAMES, induce, repair, what="immutable database")


if __name__ == "__main__":
    unittest.main()
