"""Text a job sends is taken as it comes and never breaks a promise: a /fail message that is not
valid UTF-8 (a German error cut mid-character by `tail -c`, Latin-1 bytes) is made valid where it
enters (U+FFFD for each ill-formed sequence) and the DOWN alert is delivered; a body with a
newline cannot forge a log line (the README tells users to grep the log for their push URL)."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, wait_until  # noqa: E402
from sinks import HttpSink, monitor, outbox  # noqa: E402


class HostileTextTest(ServerTestCase):
    def up_with_webhook(self):
        """A server with one monitor, UP, alerting a webhook sink: (server, sink, monitor id)."""
        sink = HttpSink().start()
        self.addCleanup(sink.stop)
        server = self.start_server(make_config(
            [monitor("Backup", ["hook"])],
            notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}}))
        self.assertPushOk(server.push("Backup"))
        return server, sink, server.monitor_id("Backup")

    def test_a_fail_body_that_is_not_utf8_still_pages_someone(self):
        server, sink, mid = self.up_with_webhook()
        r = server.request("POST", server.push_path("Backup") + "/fail", body=b"disk \xff\xfe full")
        self.assertEqual(r.status, 200, r)
        [alert] = sink.wait_for(1, "/hook", where=lambda q: q.json().get("event") == "down")
        self.assertEqual(alert.json()["message"], "disk \ufffd\ufffd full")
        wait_until(lambda: [row["delivered_at"] is not None for row in outbox(server)] == [True], 10,
                   message="the alert's outbox row marked delivered")
        self.assertNotIn("unreadable", server.log_text())
        self.assertEqual(server.query_one(
            "SELECT status_reason FROM monitors WHERE id=?", (mid,))[0], "disk \ufffd\ufffd full")

    def test_a_german_message_cut_mid_character_is_kept_with_a_replacement_character(self):
        server, sink, mid = self.up_with_webhook()
        cut = "Schreibfehler auf Gerät".encode()[:-2]  # `tail -c` cut inside the "ä"
        r = server.request("POST", server.push_path("Backup") + "/1", body=cut,
                           headers={"User-Agent": "cron \xe9t\xe9".encode("latin-1").decode("latin-1")})
        self.assertEqual(r.status, 200, r)
        [alert] = sink.wait_for(1, "/hook", where=lambda q: q.json().get("event") == "down")
        self.assertEqual(alert.json()["message"], "exit code 1: Schreibfehler auf Ger\ufffd")
        server.wait_written_behind(mid)
        [row] = [h for h in server.push_history(mid) if h["status"] == "failure"]
        self.assertEqual(row["message"], "Schreibfehler auf Ger\ufffd")
        self.assertEqual(row["user_agent"], "cron \ufffdt\ufffd")

    def test_a_push_body_cannot_forge_a_log_line(self):
        server = self.start_server(make_config([monitor("Backup", [])]))
        forged = ("oops\n[2026-12-03 10:00:00.000] [info] Push monitor initialized: id=1 "
                  "name=\"Backup\" group=\"\" status=up url=http://attacker.example/api/push/1/x")
        r = server.request("POST", server.push_path("Backup") + "/fail", body=forged)
        self.assertEqual(r.status, 200, r)
        server.wait_for_log(r"is DOWN")
        log = server.log_text()
        self.assertIsNone(re.search(r"^\S*\s*\[.*\] \[info\] Push monitor initialized: .*attacker",
                                    log, re.M), log)
        self.assertNotIn("\nPush monitor initialized: id=1 name=\"Backup\" group=\"\" status=up url=http://attacker",
                         log)
        self.assertIn("oops\\n", log)
        self.assertEqual(len(re.findall(r"url=http://attacker", log)), 1)


if __name__ == "__main__":
    unittest.main()
