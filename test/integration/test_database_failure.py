"""Contract 11: when the database cannot be written (another process holds the write lock for
longer than database.busy_timeout) a push answers 500 {"error":"Internal server error"}; the
server stays up and works again once the lock is released."""

import time
import unittest

from harness import ServerTestCase, make_config, push_monitor, wait_until

HOLD_SECONDS = 3.0


class DatabaseFailureTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config(
            [push_monitor("Backup", "1h"), push_monitor("Other", "1h")],
            database={"busy_timeout": "1s"}))

    def test_a_push_while_the_database_is_locked_answers_500_and_the_server_recovers(self):
        s = self.server
        mid = s.monitor_id("Backup")
        self.assertPushOk(s.push("Backup", method="POST", body={"message": "before"}), mid)
        release = self.hold_write_lock(self.server)
        locked_at = time.monotonic()
        t0 = time.monotonic()
        r = s.push("Backup", method="POST", body={"message": "during the lock"})
        took = time.monotonic() - t0
        self.assertJsonError(r, 500, "Internal server error")
        # busy_timeout 1 s; a batch already waiting for the lock may go first: at most ~2 s
        self.assertLess(took, 3.5, f"the 500 took {took:.1f}s")
        self.assertTrue(s.running)
        # hold the lock ~3 s in all
        time.sleep(max(0.0, HOLD_SECONDS - (time.monotonic() - locked_at)))
        release()

        self.assertPushOk(s.push("Backup", method="POST", body={"message": "after"}), mid)
        health = s.request("GET", "/health")
        self.assertEqual(health.status, 200, health)
        self.assertEqual(health.json, {"status": "ok"})
        messages = [r["message"] for r in s.push_history(mid)]
        self.assertEqual(messages[0], "before")
        self.assertEqual(messages[-1], "after")
        self.assertTrue(s.running)
        self.assertEqual(s.stop(), 0)

    def test_health_is_not_ok_while_the_database_is_locked(self):
        s = self.server
        release = self.hold_write_lock(self.server)
        r = s.request("GET", "/health")
        self.assertNotEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"), r)
        release()
        wait_until(lambda: s.request("GET", "/health").status == 200, 5, 0.1, "/health 200")

    def test_state_changes_decided_while_locked_are_written_once_the_lock_is_released(self):
        s = self.server
        mid = s.monitor_id("Other")
        self.assertPushOk(s.push("Other"), mid)
        release = self.hold_write_lock(self.server)
        r = s.push("Other", method="POST", body={"status": "down", "message": "failed in lock"})
        self.assertJsonError(r, 500, "Internal server error")
        release()
        # The push was not acknowledged, but the monitor's state is not lost either: the
        # server retries until the database takes it.
        wait_until(lambda: s.status_of("Other") == "down", 10, 0.1,
                   "the DOWN decided during the lock to be written")
        changes = [(c["from_status"], c["to_status"], c["reason"]) for c in s.state_changes(mid)]
        self.assertEqual(changes, [("pending", "up", ""), ("up", "down", "failed in lock")])


if __name__ == "__main__":
    unittest.main()
