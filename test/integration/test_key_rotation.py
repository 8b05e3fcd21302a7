"""Contract 6: a key changed with `UPDATE push_monitors SET secret_key=…` from outside the
server takes effect within 2 s without a restart, and the old key stops working."""

import shutil
import subprocess
import time
import unittest

from harness import ServerTestCase, make_config, push_monitor

ROTATION_LIMIT = 2.0  # seconds, from the contract


class KeyRotationTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config([push_monitor("Backup", "60s"),
                                                     push_monitor("Other", "60s")]))

    def rotate_key(self, monitor_id, new_key):
        """What a user does with sqlite3: set the key in another connection, committed."""
        c = self.server.db()
        with c:
            c.execute("UPDATE push_monitors SET secret_key = ? WHERE monitor_id = ?",
                      (new_key, monitor_id))
        c.close()

    def wait_for_new_key(self, name, new_key, committed_at):
        s = self.server
        while True:
            r = s.push(name, key=new_key)
            if r.status == 200:
                return time.monotonic() - committed_at
            self.assertJsonError(r, 403, "Invalid secret key")
            if time.monotonic() - committed_at > ROTATION_LIMIT + 3:
                self.fail(f"the new key still answers 403 after {ROTATION_LIMIT + 3}s")
            time.sleep(0.05)

    def test_a_key_changed_with_sql_works_within_2s_and_the_old_key_gets_403(self):
        s = self.server
        mid = s.monitor_id("Backup")
        old_key = s.secret_key("Backup")
        self.assertPushOk(s.push("Backup"), mid)
        new_key = "newkey-" + "R" * 36
        self.rotate_key(mid, new_key)
        committed = time.monotonic()
        took = self.wait_for_new_key("Backup", new_key, committed)
        self.assertLessEqual(took, ROTATION_LIMIT, f"the new key took {took:.2f}s to work")
        self.assertJsonError(s.push("Backup", key=old_key), 403, "Invalid secret key")
        self.assertPushOk(s.push("Backup", key=new_key), mid)
        # the other monitor's key is untouched
        self.assertPushOk(s.push("Other"))
        self.assertEqual(len(s.push_history(mid)), 3)

    def test_a_key_changed_with_the_sqlite3_command_line_tool_takes_effect(self):
        if shutil.which("sqlite3") is None:
            self.skipTest("the sqlite3 command line tool is not installed")
        s = self.server
        mid = s.monitor_id("Other")
        old_key = s.secret_key("Other")
        new_key = "cli-rotated-key-0123456789"
        subprocess.run(["sqlite3", s.db_path,
                        f"UPDATE push_monitors SET secret_key='{new_key}' WHERE monitor_id={mid};"],
                       check=True, timeout=30, capture_output=True)
        committed = time.monotonic()
        took = self.wait_for_new_key("Other", new_key, committed)
        self.assertLessEqual(took, ROTATION_LIMIT, f"the new key took {took:.2f}s to work")
        self.assertJsonError(s.push("Other", key=old_key), 403, "Invalid secret key")

    def test_a_rotated_key_is_kept_across_a_restart_and_shown_in_the_startup_log(self):
        s = self.server
        mid = s.monitor_id("Backup")
        old_key = s.secret_key("Backup")
        new_key = "rotated-before-restart-1234567890"
        self.rotate_key(mid, new_key)
        self.wait_for_new_key("Backup", new_key, time.monotonic())
        s.restart()
        self.assertEqual(s.monitor_id("Backup"), mid)
        self.assertEqual(s.secret_key("Backup"), new_key)
        self.assertPushOk(s.push("Backup"), mid)
        self.assertJsonError(s.push("Backup", key=old_key), 403, "Invalid secret key")

    def test_the_key_change_log_line_does_not_carry_either_key(self):
        s = self.server
        mid = s.monitor_id("Backup")
        old_key = s.secret_key("Backup")
        new_key = "log-check-new-key-abcdefghijklmnop"
        self.rotate_key(mid, new_key)
        self.wait_for_new_key("Backup", new_key, time.monotonic())
        log = s.log_text()
        self.assertNotIn(new_key, log)
        lines_with_old = [l for l in log.splitlines() if old_key in l]
        self.assertEqual(len(lines_with_old), 1, lines_with_old)
        self.assertIn("Push monitor initialized", lines_with_old[0])


if __name__ == "__main__":
    unittest.main()
