"""Contract 5: every push is stored in push_history with its details; only the newest
database.push_history_per_monitor pushes are kept per monitor."""

import time
import unittest

from harness import ServerTestCase, make_config, push_monitor


def history_config(keep):
    return make_config([push_monitor("Kept", "60s"), push_monitor("Other", "60s")],
                       database={"push_history_per_monitor": keep})


class PushHistoryTest(ServerTestCase):
    def push_n(self, s, name, first_seq, last_seq):
        for i in range(first_seq, last_seq + 1):
            self.assertPushOk(s.push(name, method="POST", body={"message": f"push {i}"}))

    def assert_history(self, s, name, seqs):
        # Older pushes are pruned in the background (a sweep every second), so wait for it.
        want = [(i, f"push {i}") for i in seqs]
        got = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            got = [(r["seq"], r["message"]) for r in s.push_history(s.monitor_id(name))]
            if got == want:
                return
            time.sleep(0.1)
        self.assertEqual(got, want)

    def test_only_the_newest_n_pushes_are_kept_per_monitor(self):
        s = self.start_server(history_config(5))
        self.push_n(s, "Kept", 1, 12)
        self.push_n(s, "Other", 1, 3)
        self.assert_history(s, "Kept", range(8, 13))
        self.assert_history(s, "Other", range(1, 4))
        self.assertEqual(s.monitor_row(s.monitor_id("Kept"))["push_count"], 12)

    def test_each_push_records_time_method_source_user_agent_status_message_and_payload(self):
        s = self.start_server(history_config(100))
        mid = s.monitor_id("Kept")
        a = self.assertPushOk(s.push("Kept", headers={"User-Agent": "backup.sh/1.0"}))
        raw = '{"status":"fail","message":"disk full","details":{"free":0}}'
        b = self.assertPushOk(s.push("Kept", method="POST", body=raw,
                                     headers={"User-Agent": "curl/8.0",
                                              "Content-Type": "application/json"}))
        c = self.assertPushOk(s.push("Kept", method="POST", body="plain text"))
        head = s.push("Kept", method="HEAD", headers={"User-Agent": "probe"})
        self.assertEqual(head.status, 200, head)
        rows = s.push_history(mid)
        self.assertEqual(len(rows), 4)
        r1, r2, r3, r4 = rows
        self.assertEqual((r1["seq"], r1["received_at"], r1["method"], r1["source_address"],
                          r1["user_agent"], r1["status"], r1["payload"]),
                         (1, a["received_at"], "GET", "127.0.0.1", "backup.sh/1.0", "success",
                          None))
        self.assertIn(r1["message"], ("", None))
        self.assertEqual((r2["seq"], r2["received_at"], r2["method"], r2["source_address"],
                          r2["user_agent"], r2["status"], r2["message"], r2["payload"]),
                         (2, b["received_at"], "POST", "127.0.0.1", "curl/8.0", "failure",
                          "disk full", raw))
        self.assertEqual((r3["seq"], r3["received_at"], r3["status"], r3["message"],
                          r3["payload"]),
                         (3, c["received_at"], "success", "plain text", "plain text"))
        self.assertEqual((r4["seq"], r4["method"], r4["user_agent"], r4["status"]),
                         (4, "HEAD", "probe", "success"))
        self.assertGreaterEqual(r4["received_at"], c["received_at"])

    def test_history_and_its_limit_continue_across_a_restart(self):
        s = self.start_server(history_config(5))
        self.push_n(s, "Kept", 1, 7)
        s.restart()
        self.assert_history(s, "Kept", range(3, 8))
        self.push_n(s, "Kept", 8, 9)
        self.assert_history(s, "Kept", range(5, 10))

    def test_a_lower_limit_after_a_restart_keeps_exactly_the_newest_pushes(self):
        s = self.start_server(history_config(5))
        self.push_n(s, "Kept", 1, 10)
        self.assert_history(s, "Kept", range(6, 11))
        s.stop()
        s.write_config(history_config(3))
        s.start()
        self.assert_history(s, "Kept", range(8, 11))
        self.push_n(s, "Kept", 11, 11)
        self.assert_history(s, "Kept", range(9, 12))

    def test_a_higher_limit_after_a_restart_keeps_exactly_the_newest_pushes(self):
        s = self.start_server(history_config(5))
        self.push_n(s, "Kept", 1, 12)
        self.assert_history(s, "Kept", range(8, 13))  # the sweep ran under the old limit
        s.stop()
        s.write_config(history_config(8))
        s.start()
        self.assert_history(s, "Kept", range(8, 13))
        self.push_n(s, "Kept", 13, 16)
        self.assert_history(s, "Kept", range(9, 17))
        self.push_n(s, "Kept", 17, 25)
        self.assert_history(s, "Kept", range(18, 26))

    def test_a_lower_limit_applied_by_sighup_keeps_exactly_the_newest_pushes(self):
        s = self.start_server(history_config(5))
        self.push_n(s, "Kept", 1, 5)
        s.write_config(history_config(2))
        s.reload()
        self.push_n(s, "Kept", 6, 6)
        self.assert_history(s, "Kept", range(5, 7))


if __name__ == "__main__":
    unittest.main()
