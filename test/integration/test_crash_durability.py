"""Contract 10: a push is acknowledged only after it is committed, so a kill -9 in the middle
of a burst loses nothing that got a 200."""

import http.client
import sys
import threading
import time
import unittest

from harness import ServerTestCase, make_config, push_monitor, run_cli, wait_until

THREADS = 8
PUSHES_PER_THREAD = 200
KILL_AFTER = 0.5  # seconds into the burst


class CrashDurabilityTest(ServerTestCase):
    def burst(self, s, path, stop_server):
        """THREADS threads push PUSHES_PER_THREAD times each over keep-alive connections, with
        a unique message per push; stop_server() is called ~KILL_AFTER s into the burst (or
        once half the pushes are acknowledged). Returns (acknowledged messages, problems)."""
        acked: list[list[str]] = [[] for _ in range(THREADS)]
        unexpected: list[str] = []
        go = threading.Event()

        def worker(t):
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
            go.wait()
            try:
                for i in range(PUSHES_PER_THREAD):
                    message = f"t{t}-i{i}"
                    try:
                        conn.request("POST", path, body=('{"message":"%s"}' % message).encode(),
                                     headers={"Content-Type": "application/json"})
                        r = conn.getresponse()
                        r.read()
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        if s.running:
                            time.sleep(0.05)  # the server may be on its way down
                            if s.running:
                                unexpected.append(f"{message}: connection error while running")
                                return
                        return
                    if r.status == 200:
                        acked[t].append(message)
                    else:
                        unexpected.append(f"{message}: HTTP {r.status}")
                    if r.getheader("Connection", "").lower() == "close":
                        return  # the server is shutting down
            finally:
                conn.close()

        threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
        for th in threads:
            th.start()
        t0 = time.monotonic()
        go.set()
        total = THREADS * PUSHES_PER_THREAD
        # ~0.5 s into the burst, or earlier once half are acknowledged, so that the stop lands
        # in the middle of the burst even on a fast machine.
        wait_until(lambda: time.monotonic() - t0 >= KILL_AFTER
                   or sum(map(len, acked)) >= 0.5 * total, 10, 0.005, "the burst")
        stop_server()
        stopped_after = time.monotonic() - t0
        for th in threads:
            th.join(20)
            self.assertFalse(th.is_alive(), "a pushing thread hung")
        acknowledged = [m for per in acked for m in per]
        sys.stderr.write(f"\n[server stopped {stopped_after:.2f}s into the burst: "
                         f"{len(acknowledged)} of {total} pushes acknowledged]\n")
        return acknowledged, unexpected

    def test_kill_9_during_a_burst_loses_no_acknowledged_push(self):
        s = self.start_server(make_config([push_monitor("Burst", "1h")],
                                          database={"push_history_per_monitor": 100000}))
        mid = s.monitor_id("Burst")
        acknowledged, unexpected = self.burst(s, s.push_path("Burst"), s.kill9)
        self.assertEqual(unexpected, [])
        self.assertGreater(len(acknowledged), 0)

        stored = {r["message"] for r in s.query(
            "SELECT message FROM push_history WHERE monitor_id = ?", (mid,))}
        lost = [m for m in acknowledged if m not in stored]
        self.assertEqual(lost, [], f"{len(lost)} acknowledged pushes are not in push_history")

        # the database is consistent and the server starts again on it
        self.assertEqual(s.query_one("PRAGMA integrity_check")[0], "ok")
        s.start()
        count = s.monitor_row(mid)["push_count"]
        self.assertGreaterEqual(count, len(acknowledged))
        self.assertPushOk(s.push("Burst", method="POST", body={"message": "after restart"}), mid)
        rows = s.query("SELECT seq, message FROM push_history WHERE monitor_id = ? "
                       "ORDER BY seq DESC LIMIT 1", (mid,))
        self.assertEqual((rows[0]["seq"], rows[0]["message"]), (count + 1, "after restart"))
        # every stored seq is unique and nothing acknowledged was overwritten by the restart
        history = s.push_history(mid)
        seqs = [r["seq"] for r in history]
        self.assertEqual(len(seqs), len(set(seqs)))
        stored = {r["message"] for r in history}
        self.assertEqual([m for m in acknowledged if m not in stored], [])

    def test_sigterm_during_a_burst_exits_0_and_loses_no_acknowledged_push(self):
        s = self.start_server(make_config([push_monitor("Burst", "1h")],
                                          database={"push_history_per_monitor": 100000}))
        mid = s.monitor_id("Burst")
        exit_codes = []
        acknowledged, unexpected = self.burst(s, s.push_path("Burst"),
                                              lambda: exit_codes.append(s.stop()))
        self.assertEqual(exit_codes, [0])
        self.assertEqual(unexpected, [])
        stored = {r["message"] for r in s.push_history(mid)}
        lost = [m for m in acknowledged if m not in stored]
        self.assertEqual(lost, [], f"{len(lost)} acknowledged pushes are not in push_history")
        self.assertEqual(s.query_one("PRAGMA integrity_check")[0], "ok")

    def test_pushes_not_yet_written_behind_are_replayed_after_kill_9(self):
        # push_monitors is written a moment after the pushes; a kill -9 inside that moment must
        # not lose what they did to the monitor (last push, deadline, count, message).
        s = self.start_server(make_config([push_monitor("Nightly", "1h")]))
        mid = s.monitor_id("Nightly")
        bodies = [self.assertPushOk(s.push("Nightly", method="POST", body={"message": f"run {i}"}), mid)
                  for i in range(1, 4)]
        s.kill9()
        listing = run_cli("monitors", "--config", s.config_path)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        line = next(l for l in listing.stdout.splitlines() if "Nightly" in l)
        self.assertIn(bodies[-1]["received_at"], line)
        self.assertIn(bodies[-1]["next_expected_by"], line)

        s.start()
        row = s.monitor_row(mid)
        self.assertEqual(row["push_count"], 3)
        self.assertEqual(row["last_push_at"], bodies[-1]["received_at"])
        # (moved later by the time the server was down: that time does not count against the job)
        self.assertGreaterEqual(row["next_expected_at"], bodies[-1]["next_expected_by"])
        self.assertEqual(s.query_one("SELECT last_message FROM push_monitors WHERE monitor_id = ?",
                                     (mid,))[0], "run 3")
        self.assertPushOk(s.push("Nightly"), mid)
        self.assertEqual([r["seq"] for r in s.push_history(mid)], [1, 2, 3, 4])


if __name__ == "__main__":
    unittest.main()
