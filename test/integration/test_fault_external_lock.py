"""Another process holds the database's write lock for 10 s (`BEGIN EXCLUSIVE` from Python's
sqlite3, as a backup script or a curious operator with the sqlite3 shell might) while pushes
keep coming and a monitor's deadline passes.

test_database_failure.py covers a short lock (3 s, one push); this holds it for longer than
database.busy_timeout several times over, under a stream of pushes, and checks what was
decided meanwhile.

Python standard library only; no root needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, parse_iso, push_monitor, wait_until  # noqa: E402
from faults import Pusher, count_lines, odd_answers, push_until  # noqa: E402
from sinks import HttpSink, json_event, monitor  # noqa: E402

HOLD = 10.0            # seconds the lock is held
BUSY_TIMEOUT = 2.0     # database.busy_timeout
PUSH_WINDOW = 5.0      # seconds of pushes at the start of the lock
DEADLINE = 3           # seconds: the expected_interval of the monitor whose deadline passes
IDLE_CPU_LIMIT = 0.10  # share of one core the server may use while it waits for the lock
LOG_LINES_LIMIT = 6    # lines the log may gain over the lock (the DOWN line included)

HOLDER = r"""
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("INSERT OR REPLACE INTO server_meta(key, value) VALUES('test_lock', 'held')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
c.close()
print("released", flush=True)
"""


class ExternalLockTest(ServerTestCase):
    def hold_lock(self, db_path: str, seconds: float) -> subprocess.Popen:
        """Starts a process that holds the write lock for `seconds`; returns once it holds it."""
        p = subprocess.Popen([sys.executable, "-c", HOLDER, db_path, str(seconds)],
                             stdout=subprocess.PIPE, text=True)
        def finish():
            if p.poll() is None:
                p.kill()
            p.wait()
            p.stdout.close()
        self.addCleanup(finish)
        line = p.stdout.readline().strip()
        self.assertEqual(line, "locked", "the lock holder did not get the lock")
        return p

    def test_a_lock_held_10s_delays_or_fails_pushes_and_everything_recovers(self):
        """Promises, with another process holding the write lock for 10 s (busy_timeout 2 s):
        every push is answered 200 or 500 {"error":"Internal server error"}, none waits longer
        than about two busy_timeouts; no retry storm (idle CPU < 10 % of a core while waiting,
        a handful of log lines); after the release pushes answer 200, /health 200, integrity
        ok; a monitor whose deadline passed during the lock is DOWN afterwards, with one
        up->down state change timed at its deadline (not at the release) and exactly one DOWN
        alert delivered; every push answered 200 is in the history and push_count counts only
        those."""
        sink = HttpSink().start()
        self.addCleanup(sink.stop)
        s = self.start_server(make_config(
            [monitor("Deadline", ["hook"], expected_interval=f"{DEADLINE}s"),
             push_monitor("Steady", "1h")],
            database={"busy_timeout": f"{int(BUSY_TIMEOUT)}s",
                      "push_history_per_monitor": 1000000},
            notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}}))
        deadline_id, steady_id = s.monitor_id("Deadline"), s.monitor_id("Steady")
        answer = self.assertPushOk(s.push("Deadline"), deadline_id)
        deadline_at = parse_iso(answer["next_expected_by"])
        self.assertPushOk(s.push("Steady"), steady_id)
        time.sleep(1.2)  # the log is flushed every second: their UP lines come before the mark

        log_mark = len(s.log_text())
        holder = self.hold_lock(s.db_path, HOLD)
        locked_at = time.monotonic()
        pushers = [Pusher(s, ["Steady"], 10.0, tag=f"lock{i}").start() for i in range(2)]
        for p in pushers:
            self.addCleanup(p.stop)
        # /health waits for the lock as a push does: ask early enough for it to give up first
        health = []
        checker = threading.Thread(target=lambda: health.append(
            s.request("GET", "/health", timeout=HOLD + 5)), daemon=True)
        checker.start()
        time.sleep(PUSH_WINDOW)
        for p in pushers:  # (a push in flight may wait for the lock a while yet)
            p.stop(wait=False)
        # still locked: the server has nothing to do but wait
        cpu_mark, idle_from = s.cpu_seconds(), time.monotonic()
        time.sleep(max(1.0, locked_at + HOLD - 1.0 - time.monotonic()))
        idle_cpu = (s.cpu_seconds() - cpu_mark) / (time.monotonic() - idle_from)
        self.assertIsNone(holder.poll(), "the lock was released too early for this test")
        for p in pushers:
            p.stop()
        checker.join(HOLD + 10)
        health_locked = health[0] if health else None
        holder.wait(HOLD + 10)
        lock_log = s.log_text()[log_mark:]
        self.assertTrue(s.running, "the server died while the database was locked")

        took, probes = push_until(s, "Steady", 200, 15.0)
        wait_until(lambda: s.status_of("Deadline") == "down", 15, 0.1,
                   "the DOWN decided during the lock to be written")
        sink.wait_for(1, "/hook", timeout=15, where=lambda r: json_event(r) == "down")
        time.sleep(2.0)  # a second DOWN alert would come now
        health_after = s.request("GET", "/health")

        results = [r for p in pushers for r in p.snapshot()] + probes
        sys.stderr.write(
            f"\n[lock {HOLD:.0f}s: {len(results)} pushes, {sum(r.status == 500 for r in results)} "
            f"answered 500, slowest answer {max(r.took for r in results):.1f}s; idle CPU "
            f"{idle_cpu * 100:.1f} % of a core; log +{count_lines(lock_log)} lines; first 200 "
            f"{took:.1f}s after the release]\n")

        with self.subTest("every answer is 200 or 500 Internal server error, within bounds"):
            odd = odd_answers(results)
            self.assertEqual(odd[:10], [], f"{len(odd)} pushes answered otherwise")
            slow = [r for r in results if r.took > 2 * BUSY_TIMEOUT + 2.0]
            self.assertEqual(slow[:5], [], f"{len(slow)} pushes waited longer than ~2 busy_timeouts")
        with self.subTest("/health is not ok while locked, ok after"):
            self.assertIsNotNone(health_locked, "no answer from /health")
            self.assertNotEqual(health_locked.status, 200, health_locked)
            self.assertEqual(health_after.status, 200, health_after)
        with self.subTest("no retry storm: little CPU while waiting for the lock"):
            self.assertLess(idle_cpu, IDLE_CPU_LIMIT, f"{idle_cpu * 100:.0f} % of a core")
        with self.subTest("no retry storm: the log gains a handful of lines"):
            self.assertLessEqual(count_lines(lock_log), LOG_LINES_LIMIT,
                                 f"the log grew by {count_lines(lock_log)} lines; its end:\n"
                                 + lock_log[-1500:])
        with self.subTest("pushes answer 200 soon after the release"):
            self.assertLess(took, BUSY_TIMEOUT + 3.0, f"first 200 {took:.1f}s after the release")
        with self.subTest("the DOWN decided during the lock is written once, at its deadline"):
            changes = s.state_changes(deadline_id)
            self.assertEqual([(c["from_status"], c["to_status"]) for c in changes],
                             [("pending", "up"), ("up", "down")])
            down_at = parse_iso(changes[-1]["timestamp"])
            self.assertLessEqual(abs(down_at - deadline_at), 2.0,
                                 f"DOWN recorded at {changes[-1]['timestamp']}, deadline was "
                                 f"{answer['next_expected_by']}")
        with self.subTest("exactly one DOWN alert is delivered"):
            downs = [r for r in sink.requests("/hook") if json_event(r) == "down"]
            self.assertEqual(len(downs), 1, downs)
            self.assertEqual(downs[0].json()["monitor"]["name"], "Deadline")

        s.stop()
        self.assertEqual(s.query_one("PRAGMA integrity_check")[0], "ok")
        acked = {r.message for r in results if r.status == 200}
        failed = {r.message for r in results if r.status != 200}
        stored = {row["message"] for row in s.push_history(steady_id)}
        with self.subTest("every acknowledged push is in the history, no failed one"):
            self.assertEqual(sorted(acked - stored)[:10], [], "acknowledged pushes lost")
            self.assertEqual(sorted(failed & stored)[:10], [], "pushes answered 500 were stored")
        with self.subTest("push_count counts the acknowledged pushes only"):
            count = s.query_one("SELECT push_count FROM push_monitors WHERE monitor_id = ?",
                                (steady_id,))[0]
            self.assertEqual(count, 1 + len(acked))  # the push before the lock, and these


if __name__ == "__main__":
    unittest.main()
