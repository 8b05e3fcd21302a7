"""Contracts 8 and 9: SIGTERM exits 0; ids, keys and push times survive a restart; DOWN
stays DOWN and pending stays pending; time the server was not running does not count against
a job (deadlines move later by the outage)."""

import signal
import subprocess
import time
import unittest

from harness import ServerTestCase, make_config, parse_iso, push_monitor, wait_until


class RestartTest(ServerTestCase):
    def test_sigterm_exits_0_and_ids_keys_and_last_push_survive_a_restart(self):
        s = self.start_server(make_config([push_monitor("One", "1h"), push_monitor("Two", "1h"),
                                           push_monitor("Three", "1h")]))
        before = {n: (s.monitor_id(n), s.push_path(n)) for n in ("One", "Two", "Three")}
        self.assertEqual(len({mid for mid, _ in before.values()}), 3)
        pushed = {n: self.assertPushOk(s.push(n)) for n in ("One", "Two")}
        rows_before = {n: s.monitor_row(before[n][0]) for n in before}
        self.assertEqual(s.stop(), 0)
        s.start()
        after = {n: (s.monitor_id(n), s.push_path(n)) for n in before}
        self.assertEqual(after, before)  # same ids and keys (only the port changes here)
        for n in before:
            row = s.monitor_row(before[n][0])
            self.assertEqual(row["last_push_at"], rows_before[n]["last_push_at"])
            self.assertEqual(row["secret_key"], rows_before[n]["secret_key"])
            self.assertEqual(row["status"], rows_before[n]["status"])
        for n, body in pushed.items():
            self.assertEqual(s.monitor_row(before[n][0])["last_push_at"], body["received_at"])
        for n in before:
            self.assertPushOk(s.push(n), before[n][0])
        self.assertEqual(s.stop(), 0)

    def test_sigterm_writes_every_monitors_push_state_so_a_restart_replays_nothing(self):
        """Push state is written behind, a few chunks of snapshots at a time: a clean stop
        writes the rest at once, and moves the replay mark to the last push."""
        names = [f"Job {i:03d}" for i in range(400)]  # several chunks of snapshots
        s = self.start_server(make_config([push_monitor(n, "1h") for n in names]))
        conn = s.connection()
        self.addCleanup(conn.close)
        for round_ in (1, 2):
            for n in names:
                self.assertPushOk(s.push(n, method="POST", body={"message": f"{n} #{round_}"},
                                         conn=conn))
        conn.close()
        self.assertEqual(s.stop(), 0)
        rows = s.query("SELECT m.name, p.push_count, p.last_message FROM monitors m "
                       "JOIN push_monitors p ON p.monitor_id = m.id")
        self.assertEqual({r["name"]: (r["push_count"], r["last_message"]) for r in rows},
                         {n: (2, f"{n} #2") for n in names})
        mark = s.query_one("SELECT value FROM server_meta WHERE key = 'state_flushed_through'")[0]
        self.assertEqual(int(mark), s.query_one("SELECT max(id) FROM push_history")[0])

    def test_sigterm_exit_code_is_0_with_requests_and_idle_connections_open(self):
        s = self.start_server(make_config([push_monitor("One", "1h")]))
        idle = s.connection()
        self.addCleanup(idle.close)
        self.assertPushOk(s.push("One", conn=idle))  # keep-alive connection left open
        raw = s.raw_socket()
        self.addCleanup(raw.close)
        raw.sendall(b"GET /api/push/1/x HTTP/1.1\r\nHost: a\r\n")  # a half-sent request
        t0 = time.monotonic()
        self.assertEqual(s.stop(), 0)
        self.assertLess(time.monotonic() - t0, 12)

    def test_sigterm_during_startup_exits_0(self):
        """SIGTERM as soon as the database is open (the signal handlers are installed by then)
        but before the monitors are loaded and the listener started: still a clean exit."""
        cfg = make_config([push_monitor(f"Job {i}", "1h") for i in range(300)])
        results = []
        for attempt in range(5):
            s = self.start_server(cfg, start=False)  # a fresh folder and database each time
            s.start(wait=False)
            proc = s.proc
            wait_until(lambda: "(WAL, synchronous=" in s.log_text() or proc.poll() is not None,
                       10, 0.0005, "the database to be opened")
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(15)
            except subprocess.TimeoutExpired:
                rc = "no exit within 15 s"
            results.append(rc)
            if rc != 0:
                tail = s.log_text()[-1500:]
                self.fail(f"attempt {attempt + 1}: SIGTERM during startup gave exit status "
                          f"{rc} (results so far {results}); log:\n{tail}")

    def test_a_down_monitor_stays_down_without_a_new_state_change_after_restart(self):
        s = self.start_server(make_config([push_monitor("Failed", "1h"),
                                           push_monitor("Missed", "1s", "0s")]))
        fid, mid = s.monitor_id("Failed"), s.monitor_id("Missed")
        self.assertPushOk(s.push("Failed", method="POST",
                                 body={"status": "failure", "message": "it broke"}))
        self.assertPushOk(s.push("Missed"))
        wait_until(lambda: s.status_of("Missed") == "down", 5, 0.1, "Missed DOWN")
        changes_before = {i: s.state_changes(i) for i in (fid, mid)}
        rows_before = {i: s.monitor_row(i) for i in (fid, mid)}
        s.restart()
        time.sleep(1.5)  # let timers and the first checks run
        for i in (fid, mid):
            row = s.monitor_row(i)
            self.assertEqual(row["status"], "down")
            self.assertEqual(row["status_reason"], rows_before[i]["status_reason"])
            self.assertEqual(row["status_since"], rows_before[i]["status_since"])
            self.assertEqual([dict(c) for c in s.state_changes(i)],
                             [dict(c) for c in changes_before[i]])
        self.assertIn('name="Failed" group="" status=down', s.run_log())
        self.assertIn('name="Missed" group="" status=down', s.run_log())
        # and a push still recovers it
        self.assertPushOk(s.push("Failed"), fid)
        self.assertEqual(s.state_changes(fid)[-1]["to_status"], "up")

    def test_a_pending_monitor_stays_pending_after_restart(self):
        s = self.start_server(make_config([push_monitor("Never pushed", "1s", "0s")]))
        mid = s.monitor_id("Never pushed")
        s.restart()
        time.sleep(1.5)
        row = s.monitor_row(mid)
        self.assertEqual(row["status"], "pending")
        self.assertIsNone(row["last_push_at"])
        self.assertEqual(s.state_changes(mid), [])
        self.assertIn('name="Never pushed" group="" status=pending', s.run_log())

    def test_an_up_monitor_is_still_up_after_restart_and_goes_down_at_its_deadline(self):
        s = self.start_server(make_config([push_monitor("Up", "1h")]))
        mid = s.monitor_id("Up")
        body = self.assertPushOk(s.push("Up"), mid)
        s.restart()
        self.assertIn('name="Up" group="" status=up', s.run_log())
        row = s.monitor_row(mid)
        self.assertEqual(row["status"], "up")
        # a restart of well under a second moves a 1 h deadline by at most a few seconds
        shift = parse_iso(row["next_expected_at"]) - parse_iso(body["next_expected_by"])
        self.assertGreaterEqual(shift, 0)
        self.assertLessEqual(shift, 3)


class OutageTest(ServerTestCase):
    def test_deadlines_move_later_by_the_length_of_an_outage(self):
        s = self.start_server(make_config([push_monitor("Job", "4s", "0s")]))
        mid = s.monitor_id("Job")
        body = self.assertPushOk(s.push("Job"), mid)
        original = parse_iso(body["next_expected_by"])
        s.stop()
        stopped = time.time()
        time.sleep(3)
        started = time.time()
        s.start()
        outage = started - stopped
        row = wait_until(lambda: (lambda r: r if r["next_expected_at"] != body["next_expected_by"]
                                  else None)(s.monitor_row(mid)), 5, 0.05,
                         "next_expected_at to move")
        shifted = parse_iso(row["next_expected_at"])
        self.assertAlmostEqual(shifted - original, outage, delta=2.5,
                               msg=f"deadline moved {shifted - original}s for a {outage:.1f}s "
                                   "outage")
        self.assertEqual(row["last_push_at"], body["received_at"])
        # not DOWN at the original deadline ...
        while time.time() < min(original + 1, shifted - 0.3):
            self.assertEqual(s.status_of("Job"), "up", "DOWN at the original deadline")
            time.sleep(0.1)
        # ... but DOWN around the shifted one
        wait_until(lambda: s.status_of("Job") == "down", shifted + 2 - time.time(), 0.1,
                   "DOWN at the shifted deadline")
        self.assertGreaterEqual(time.time(), shifted - 0.2)
        change = s.state_changes(mid)[-1]
        self.assertEqual((change["from_status"], change["to_status"]), ("up", "down"))
        self.assertEqual(change["timestamp"], row["next_expected_at"])

    def test_a_deadline_that_fell_during_the_outage_is_moved_not_missed(self):
        s = self.start_server(make_config([push_monitor("Job", "2s", "0s")]))
        mid = s.monitor_id("Job")
        body = self.assertPushOk(s.push("Job"), mid)
        original = parse_iso(body["next_expected_by"])
        s.stop()
        stopped = time.time()
        wait_until(lambda: time.time() > original + 1.5, 10, 0.05, "the deadline to pass")
        s.start()
        outage = time.time() - stopped
        row = wait_until(lambda: (lambda r: r if r["next_expected_at"] != body["next_expected_by"]
                                  else None)(s.monitor_row(mid)), 5, 0.05,
                         "next_expected_at to move")
        shifted = parse_iso(row["next_expected_at"])
        self.assertAlmostEqual(shifted - original, outage, delta=2.5)
        self.assertGreater(shifted, time.time() - 0.5)
        self.assertEqual(s.status_of("Job"), "up")
        self.assertIn('name="Job" group="" status=up', s.run_log())
        wait_until(lambda: s.status_of("Job") == "down", shifted + 2 - time.time(), 0.1,
                   "DOWN at the shifted deadline")
        self.assertGreaterEqual(time.time(), shifted - 0.2)

    def test_an_outage_after_a_kill_9_also_moves_deadlines_later(self):
        s = self.start_server(make_config([push_monitor("Job", "4s", "0s")]))
        mid = s.monitor_id("Job")
        body = self.assertPushOk(s.push("Job"), mid)
        original = parse_iso(body["next_expected_by"])
        s.kill9()
        killed = time.time()
        time.sleep(3)
        s.start()
        outage = time.time() - killed
        self.assertIn("was not running", s.run_log())
        row = wait_until(lambda: (lambda r: r if r["next_expected_at"] != body["next_expected_by"]
                                  else None)(s.monitor_row(mid)), 5, 0.05,
                         "next_expected_at to move")
        shifted = parse_iso(row["next_expected_at"])
        # liveness is recorded every 2 s, so after a kill -9 up to ~2 s more may be counted
        self.assertGreaterEqual(shifted - original, outage - 2.5)
        self.assertLessEqual(shifted - original, outage + 2.5)
        self.assertEqual(s.status_of("Job"), "up")


if __name__ == "__main__":
    unittest.main()
