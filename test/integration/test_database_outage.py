"""A database outage (another process holds the write lock past busy_timeout) costs only the
pushes answered 500 meanwhile: they are not counted and do not push older acknowledged pushes
out of the history; the log says once that writes fail and once that they work again, however
many pushes fail; and a state change decided during the outage is written, with its one alert,
when it ends."""

import concurrent.futures
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, push_monitor, wait_until  # noqa: E402
from sinks import HttpSink, monitor  # noqa: E402


class DatabaseOutageTest(ServerTestCase):
    def test_failed_pushes_neither_count_nor_push_acknowledged_ones_out_of_the_history(self):
        server = self.start_server(make_config(
            [push_monitor("Backup", "1h")], database={"busy_timeout": "1s"}))
        mid = server.monitor_id("Backup")
        conn = server.connection()
        for i in range(50):
            self.assertPushOk(server.push("Backup", method="POST", body={"message": f"good {i}"},
                                          conn=conn))
        release = self.hold_write_lock(server)

        def failing_push(i):
            return server.push("Backup", method="POST", body={"message": f"lost {i}"}).status

        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(failing_push, range(200)))
        self.assertEqual(set(statuses), {500})
        release()
        wait_until(lambda: server.push("Backup", method="POST",
                                       body={"message": "after"}).status == 200,
                   10, message="a push answered 200 after the lock is released")
        # The history sweep runs ten times a second; give it time to do its worst.
        server.wait_written_behind(mid)
        time.sleep(1.5)
        messages = [r["message"] for r in server.push_history(mid)]
        self.assertEqual(len(messages), 51, messages[:3])
        self.assertEqual(messages[0], "good 0")
        self.assertEqual(messages[-1], "after")
        self.assertEqual([r["seq"] for r in server.push_history(mid)], list(range(1, 52)))
        self.assertEqual(server.stop(), 0)
        self.assertEqual(server.query_one(
            "SELECT push_count FROM push_monitors WHERE monitor_id=?", (mid,))[0], 51)

    def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(self):
        server = self.start_server(make_config(
            [push_monitor(f"Job {i}", "1h") for i in range(20)],
            database={"busy_timeout": "1s"}))
        for i in range(20):
            self.assertPushOk(server.push(f"Job {i}"))
        time.sleep(1.2)  # the log is flushed every second
        before = len(server.log_text().splitlines())
        release = self.hold_write_lock(server)
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(lambda i: server.push(f"Job {i % 20}").status, range(100)))
        self.assertEqual(set(statuses), {500})
        time.sleep(3)  # idle in the outage: background writes fail too, and retry
        release()
        server.wait_for_log("Database writes succeed again", timeout=15)
        time.sleep(1.2)
        log = server.log_text().splitlines()[before:]
        self.assertEqual(sum("Database writes are failing" in line for line in log), 1, log)
        self.assertEqual(sum("Database writes succeed again" in line for line in log), 1, log)
        self.assertLess(len(log), 12, "\n".join(log))
        self.assertEqual(server.stop(), 0)

    def test_a_deadline_missed_during_the_outage_is_written_with_one_alert_when_it_ends(self):
        sink = HttpSink().start()
        self.addCleanup(sink.stop)
        server = self.start_server(make_config(
            [monitor("Fast", ["hook"], expected_interval="2s")],
            notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}},
            database={"busy_timeout": "1s"}))
        mid = server.monitor_id("Fast")
        self.assertPushOk(server.push("Fast"))
        release = self.hold_write_lock(server)
        server.wait_for_log(r"is DOWN", timeout=10)
        time.sleep(2.5)  # several retry attempts fail
        self.assertEqual(sink.requests("/hook"), [])  # not written, so not sent yet
        release()
        sink.wait_for(1, "/hook", timeout=40)
        wait_until(lambda: server.query_one(
            "SELECT status FROM monitors WHERE id=?", (mid,))[0] == "down", 10,
            message="the DOWN status written")
        time.sleep(1)
        downs = [r for r in sink.requests("/hook") if r.json().get("event") == "down"]
        self.assertEqual(len(downs), 1, sink.requests("/hook"))
        changes = server.state_changes(mid)
        self.assertEqual([c["to_status"] for c in changes].count("down"), 1)


if __name__ == "__main__":
    unittest.main()
