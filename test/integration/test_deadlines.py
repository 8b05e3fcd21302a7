"""Contracts 3 and 4: a missed deadline takes a monitor DOWN on time (not before, within a
second after), the next push recovers it, every transition writes a state_changes and a
check_results row, and periodic checks write a check_results row every `interval`."""

import time
import unittest

from harness import ServerTestCase, make_config, parse_iso, push_monitor, wait_until

STATUSES = {"pending", "up", "down"}


def wait_for_down_row(server, monitor_id, give_up_after):
    """Polls state_changes every 100 ms for an up->down row; returns (row, wall time of the
    start of the first poll that saw it)."""
    end = time.monotonic() + give_up_after
    while True:
        t_before = time.time()
        rows = server.query("SELECT * FROM state_changes WHERE monitor_id = ? AND from_status = "
                            "'up' AND to_status = 'down' ORDER BY id", (monitor_id,))
        if rows:
            return rows[0], t_before
        if time.monotonic() > end:
            raise AssertionError(f"monitor {monitor_id} did not go DOWN within {give_up_after}s")
        time.sleep(0.1)


class DeadlineTest(ServerTestCase):
    def test_a_missed_deadline_marks_the_monitor_down_within_a_second_and_not_before(self):
        s = self.start_server(make_config([push_monitor("Backup", "2s", "1s")]))
        mid = s.monitor_id("Backup")
        body = self.assertPushOk(s.push("Backup"), mid)
        received_at = body["received_at"]
        deadline = parse_iso(body["next_expected_by"])
        self.assertDeadlineIn(body, 3)

        row, seen_at = wait_for_down_row(s, mid, give_up_after=10)
        # The row was absent at every poll before seen_at; a DOWN before the deadline is wrong.
        self.assertGreaterEqual(seen_at, deadline - 0.15,
                                f"DOWN seen {deadline - seen_at:.2f}s before the deadline")
        self.assertLessEqual(seen_at, deadline + 1.0,
                             f"DOWN only seen {seen_at - deadline:.2f}s after the deadline")
        reason = f"No push since {received_at}, expected every 2s + 1s grace"
        self.assertEqual(row["reason"], reason)
        self.assertEqual(row["timestamp"], body["next_expected_by"])
        m = s.monitor_row(mid)
        self.assertEqual(m["status"], "down")
        self.assertEqual(m["status_reason"], reason)
        downs = [c for c in s.check_results(mid) if c["status"] == "down"]
        self.assertGreaterEqual(len(downs), 1)
        self.assertEqual(downs[0]["error_message"], reason)
        self.assertEqual(downs[0]["timestamp"], body["next_expected_by"])

    def test_pushes_before_each_deadline_keep_the_monitor_up(self):
        s = self.start_server(make_config([push_monitor("Backup", "2s", "1s")]))
        mid = s.monitor_id("Backup")
        end = time.monotonic() + 4.5
        while time.monotonic() < end:
            self.assertPushOk(s.push("Backup"), mid)
            time.sleep(1)
            self.assertEqual(s.status_of("Backup"), "up")
        self.assertEqual([(c["from_status"], c["to_status"]) for c in s.state_changes(mid)],
                         [("pending", "up")])

    def test_a_push_after_down_recovers_the_monitor(self):
        s = self.start_server(make_config([push_monitor("Backup", "1s", "1s")]))
        mid = s.monitor_id("Backup")
        self.assertPushOk(s.push("Backup"), mid)
        wait_for_down_row(s, mid, give_up_after=10)
        again = self.assertPushOk(s.push("Backup", method="POST", body={"message": "back"}), mid)
        self.assertEqual(s.status_of("Backup"), "up")
        changes = s.state_changes(mid)
        self.assertEqual(
            [(c["from_status"], c["to_status"]) for c in changes],
            [("pending", "up"), ("up", "down"), ("down", "up")])
        self.assertEqual(changes[-1]["timestamp"], again["received_at"])
        row = s.monitor_row(mid)
        self.assertEqual(row["last_push_at"], again["received_at"])
        self.assertEqual(row["next_expected_at"], again["next_expected_by"])


class StatesTest(ServerTestCase):
    def test_a_new_monitor_is_pending_until_its_first_push(self):
        s = self.start_server(make_config([push_monitor("New", "1s", "0s")]))
        mid = s.monitor_id("New")
        row = s.monitor_row(mid)
        self.assertEqual(row["status"], "pending")
        self.assertIsNone(row["last_push_at"])
        self.assertEqual(s.state_changes(mid), [])
        # a pending monitor has no deadline: it stays pending however long nobody pushes
        time.sleep(2.2)
        self.assertEqual(s.status_of("New"), "pending")
        self.assertEqual(s.state_changes(mid), [])
        self.assertPushOk(s.push("New"), mid)
        self.assertEqual(s.status_of("New"), "up")

    def test_each_transition_pending_up_down_up_writes_a_state_change_and_a_check_result(self):
        s = self.start_server(make_config([push_monitor("Cycle", "1s", "1s", interval=3600)]))
        mid = s.monitor_id("Cycle")
        up1 = self.assertPushOk(s.push("Cycle"), mid)
        wait_until(lambda: s.status_of("Cycle") == "down", 10, 0.1, "DOWN")
        up2 = self.assertPushOk(s.push("Cycle"), mid)
        # a failure report is a transition too
        down2 = self.assertPushOk(s.push("Cycle", method="POST",
                                         body={"status": "error", "message": "exit code 3"}), mid)
        changes = [(c["timestamp"], c["from_status"], c["to_status"], c["reason"])
                   for c in s.state_changes(mid)]
        missed = f"No push since {up1['received_at']}, expected every 1s + 1s grace"
        self.assertEqual(changes, [
            (up1["received_at"], "pending", "up", ""),
            (up1["next_expected_by"], "up", "down", missed),
            (up2["received_at"], "down", "up", ""),
            (down2["received_at"], "up", "down", "exit code 3"),
        ])
        # interval 1h: no periodic check ran, so check_results holds exactly the transitions
        checks = [(c["timestamp"], c["status"], c["error_message"]) for c in s.check_results(mid)]
        self.assertEqual(checks, [
            (up1["received_at"], "up", None),
            (up1["next_expected_by"], "down", missed),
            (up2["received_at"], "up", None),
            (down2["received_at"], "down", "exit code 3"),
        ])
        self.assertEqual(s.status_of("Cycle"), "down")

    def test_status_values_in_the_database_are_lowercase(self):
        s = self.start_server(make_config([push_monitor("A", "1s", "0s", interval=1),
                                           push_monitor("B", "60s", interval=1),
                                           push_monitor("C", "60s", interval=1)]))
        self.assertPushOk(s.push("A"))
        self.assertPushOk(s.push("B"))
        wait_until(lambda: s.status_of("A") == "down", 5, 0.1, "A DOWN")
        wait_until(lambda: len(s.query("SELECT 1 FROM check_results WHERE status='pending'")),
                   5, 0.1, "a pending check result")
        statuses = {r[0] for r in s.query("SELECT status FROM monitors")}
        statuses |= {r[0] for r in s.query("SELECT status FROM check_results")}
        statuses |= {r[0] for r in s.query("SELECT from_status FROM state_changes")}
        statuses |= {r[0] for r in s.query("SELECT to_status FROM state_changes")}
        self.assertEqual(statuses, STATUSES)
        push_statuses = {r[0] for r in s.query("SELECT status FROM push_history")}
        self.assertEqual(push_statuses, {"success"})

    def test_periodic_checks_write_a_check_result_about_every_interval(self):
        s = self.start_server(make_config([push_monitor("Every second", "60s", interval=1),
                                           push_monitor("Hourly checks", "60s", interval=3600)]))
        fast, slow = s.monitor_id("Every second"), s.monitor_id("Hourly checks")
        self.assertPushOk(s.push("Every second"))
        self.assertPushOk(s.push("Hourly checks"))
        start_rows = len(s.check_results(fast))
        t0 = time.monotonic()
        time.sleep(4)
        rows = s.check_results(fast)[start_rows:]
        elapsed = time.monotonic() - t0
        self.assertGreaterEqual(len(rows), int(elapsed) - 2, [dict(r) for r in rows])
        self.assertLessEqual(len(rows), int(elapsed) + 2, [dict(r) for r in rows])
        self.assertTrue(all(r["status"] == "up" for r in rows), [dict(r) for r in rows])
        stamps = [parse_iso(r["timestamp"]) for r in rows]
        gaps = [b - a for a, b in zip(stamps, stamps[1:])]
        self.assertTrue(all(0 <= g <= 2 for g in gaps), gaps)
        # the monitor with a 1h interval got only its transition row
        self.assertEqual([(c["status"]) for c in s.check_results(slow)], ["up"])

    def test_a_pending_monitors_periodic_check_records_pending(self):
        s = self.start_server(make_config([push_monitor("Waiting", "60s", interval=1)]))
        mid = s.monitor_id("Waiting")
        rows = wait_until(lambda: s.check_results(mid), 5, 0.1, "a periodic check row")
        self.assertEqual(rows[0]["status"], "pending")
        self.assertEqual(s.status_of("Waiting"), "pending")


if __name__ == "__main__":
    unittest.main()
