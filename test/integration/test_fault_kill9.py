"""kill -9 under load, three times in a row on the same database: several threads push to
several monitors over keep-alive connections, the server is killed in mid-stream, started
again, loaded again, killed again.

test_crash_durability.py kills once, with one monitor; this checks the promise per monitor and
across repeated crashes, where what one crash left half-done (state written behind, a
history sweep, a WAL not yet checkpointed) meets the next.

Python standard library only; no root needed.
"""

from __future__ import annotations

import collections
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, push_monitor  # noqa: E402
from faults import Pusher  # noqa: E402

NAMES = ["Alpha", "Beta", "Gamma"]
THREADS = 6
ROUNDS = 3
LOAD_SECONDS = 1.5  # of pushes before each kill


class KillNineUnderLoadTest(ServerTestCase):
    def test_three_kill_9s_under_load_lose_no_acknowledged_push_of_any_monitor(self):
        """Promise: a push answered 200 is committed. After each of three kill -9s in the
        middle of concurrent pushes to three monitors, and a restart, every monitor's
        push_history holds every push it acknowledged in any round (stored >= acknowledged,
        message by message), its push_count is at least the number acknowledged, its
        sequence numbers are unique, and the database passes integrity_check."""
        s = self.start_server(make_config([push_monitor(n, "1h") for n in NAMES],
                                          database={"push_history_per_monitor": 1000000}))
        ids = {n: s.monitor_id(n) for n in NAMES}
        acked: dict[str, set] = collections.defaultdict(set)
        for round_ in range(1, ROUNDS + 1):
            # Each thread starts at a different monitor, so all three see concurrent pushes.
            pushers = [Pusher(s, NAMES[t % len(NAMES):] + NAMES[:t % len(NAMES)], None,
                              tag=f"r{round_}t{t}").start() for t in range(THREADS)]
            for p in pushers:
                self.addCleanup(p.stop)
            time.sleep(LOAD_SECONDS)
            s.kill9()
            killed_at = time.monotonic()
            for p in pushers:
                p.stop()
                for r in p.snapshot():
                    if r.status == 200:
                        acked[r.name].add(r.message)
                    # every push until the kill was answered, and answered 200
                    self.assertTrue(r.status == 200 or r.at >= killed_at - 0.5, r)
            total = sum(len(p.snapshot()) for p in pushers)
            sys.stderr.write(f"\n[round {round_}: killed after {total} pushes; acknowledged so "
                             f"far: {', '.join(f'{n} {len(acked[n])}' for n in NAMES)}]")

            self.assertEqual(s.query_one("PRAGMA integrity_check")[0], "ok")
            s.start()
            for name in NAMES:
                with self.subTest(round=round_, monitor=name):
                    history = s.push_history(ids[name])
                    stored = {row["message"] for row in history}
                    lost = acked[name] - stored
                    self.assertEqual(sorted(lost)[:10], [], f"{len(lost)} of {len(acked[name])} "
                                     f"acknowledged pushes to {name} are not in push_history")
                    seqs = [row["seq"] for row in history]
                    self.assertEqual(len(seqs), len(set(seqs)), "a sequence number is used twice")
                    count = s.monitor_row(ids[name])["push_count"]
                    self.assertGreaterEqual(count, len(acked[name]))
        sys.stderr.write("\n")
        for name in NAMES:
            self.assertPushOk(s.push(name), ids[name])
        s.stop()
        self.assertEqual(s.query_one("PRAGMA integrity_check")[0], "ok")


if __name__ == "__main__":
    unittest.main()
