"""Contract 1: the push endpoint and its answers, /health, wrong paths and methods."""

import time
import unittest

from harness import ServerTestCase, make_config, parse_iso, push_monitor


class PushApiTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config([
            push_monitor("Daily Backup", "2s", "1s", group="backups"),
            push_monitor("Hourly", "1h", "15m"),
            push_monitor("Long", "25h", "7d"),
            push_monitor("Ninety", "90s"),
            push_monitor("Switched Off", "60s", enabled=False),
            push_monitor("Plain seconds", 5, 2),
            {"name": "From interval", "type": "push", "interval": 7},
            {"name": "From default", "type": "push"},
        ], default_interval="2m"))

    # ---- 200 --------------------------------------------------------------------------------

    def test_get_push_answers_200_with_received_at_and_next_expected_by(self):
        s = self.server
        before = time.time()
        r = s.push("Daily Backup")
        after = time.time()
        body = self.assertPushOk(r, s.monitor_id("Daily Backup"))
        received = parse_iso(body["received_at"])
        self.assertGreaterEqual(received, int(before) - 1)
        self.assertLessEqual(received, after)
        # next_expected_by = the push + expected_interval (2s) + grace_period (1s), rounded up
        self.assertDeadlineIn(body, 3)

    def test_post_push_answers_200(self):
        s = self.server
        body = self.assertPushOk(s.push("Daily Backup", method="POST"), s.monitor_id("Daily Backup"))
        self.assertDeadlineIn(body, 3)

    def test_head_push_answers_200_without_a_body_and_counts_as_a_push(self):
        s = self.server
        r = s.push("Daily Backup", method="HEAD")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.raw, b"")
        rows = s.push_history(s.monitor_id("Daily Backup"))
        self.assertEqual([row["method"] for row in rows], ["HEAD"])
        self.assertEqual(s.status_of("Daily Backup"), "up")

    def test_next_expected_by_adds_each_monitors_own_interval_and_grace(self):
        s = self.server
        for name, seconds in [("Hourly", 3600 + 15 * 60), ("Long", 25 * 3600 + 7 * 86400),
                              ("Ninety", 90), ("Daily Backup", 3)]:
            with self.subTest(name=name):
                body = self.assertPushOk(s.push(name), s.monitor_id(name))
                self.assertDeadlineIn(body, seconds)
                row = s.monitor_row(s.monitor_id(name))
                self.assertEqual(row["last_push_at"], body["received_at"])
                self.assertEqual(row["next_expected_at"], body["next_expected_by"])

    def test_expected_interval_falls_back_to_interval_then_to_default_interval(self):
        s = self.server
        for name, seconds in [("Plain seconds", 7), ("From interval", 7), ("From default", 120)]:
            with self.subTest(name=name):
                body = self.assertPushOk(s.push(name), s.monitor_id(name))
                self.assertDeadlineIn(body, seconds)

    def test_head_on_health_answers_200_without_a_body(self):
        r = self.server.request("HEAD", "/health")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.raw, b"")

    def test_health_answers_200_status_ok(self):
        r = self.server.request("GET", "/health")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        self.assertEqual(r.json, {"status": "ok"})

    # ---- 404 --------------------------------------------------------------------------------

    def test_unknown_monitor_id_is_404(self):
        s = self.server
        key = s.secret_key("Daily Backup")
        for path in ["/api/push/999999/" + key, "/api/push/424242/whatever"]:
            with self.subTest(path=path):
                self.assertJsonError(s.request("GET", path), 404, "Push monitor not found")
                self.assertJsonError(s.request("POST", path, body="{}"), 404,
                                     "Push monitor not found")

    def test_non_numeric_monitor_id_is_404(self):
        s = self.server
        mid = s.monitor_id("Daily Backup")
        key = s.secret_key("Daily Backup")
        for ident in ["abc", f"{mid}abc", f"0x{mid}", "0", "-1", f"{mid}.0", "1e0"]:
            with self.subTest(id=ident):
                self.assertJsonError(s.request("GET", f"/api/push/{ident}/{key}"), 404,
                                     "Push monitor not found")

    def test_disabled_monitor_is_404_even_with_its_own_key(self):
        s = self.server
        row = s.query_one(
            "SELECT m.id, m.enabled, p.secret_key FROM monitors m "
            "JOIN push_monitors p ON p.monitor_id = m.id WHERE m.name = 'Switched Off'")
        self.assertIsNotNone(row, "a disabled monitor still gets its row and key")
        self.assertEqual(row["enabled"], 0)
        self.assertNotIn("Switched Off", s.monitors, "no init line for a disabled monitor")
        r = s.request("GET", f"/api/push/{row['id']}/{row['secret_key']}")
        self.assertJsonError(r, 404, "Push monitor not found")
        self.assertEqual(s.push_history(row["id"]), [])

    # ---- 403 --------------------------------------------------------------------------------

    def test_wrong_secret_key_is_403_and_changes_nothing(self):
        s = self.server
        mid = s.monitor_id("Daily Backup")
        key = s.secret_key("Daily Backup")
        for wrong in ["nope", key[:-1], key + "x", key[:-1] + ("A" if key[-1] != "A" else "B"),
                      key.upper() if key.upper() != key else key.lower()]:
            with self.subTest(key=wrong):
                self.assertJsonError(s.push("Daily Backup", key=wrong), 403, "Invalid secret key")
                self.assertJsonError(s.push("Daily Backup", key=wrong, method="POST",
                                            body={"status": "down"}), 403, "Invalid secret key")
        self.assertEqual(s.status_of("Daily Backup"), "pending")
        self.assertEqual(s.push_history(mid), [])
        self.assertEqual(s.state_changes(mid), [])

    # ---- 405 and other paths ----------------------------------------------------------------

    def test_wrong_method_on_a_push_url_is_405_json_and_changes_nothing(self):
        s = self.server
        path = s.push_path("Daily Backup")
        for method in ["DELETE", "PUT", "PATCH", "OPTIONS"]:
            with self.subTest(method=method):
                r = s.request(method, path, body="{}" if method in ("PUT", "PATCH") else None)
                self.assertJsonError(r, 405)
        self.assertEqual(s.push_history(s.monitor_id("Daily Backup")), [])
        self.assertEqual(s.status_of("Daily Backup"), "pending")

    def test_wrong_method_on_health_is_405_json(self):
        for method in ["POST", "DELETE", "PUT"]:
            with self.subTest(method=method):
                self.assertJsonError(self.server.request(method, "/health"), 405)

    def test_other_paths_are_404_json(self):
        s = self.server
        push = s.push_path("Daily Backup")
        for path in ["/", "/api", "/api/push", "/api/push/", push.rsplit("/", 1)[0],
                     push.rsplit("/", 1)[0] + "/", push + "/start/extra", "/nope", "/health/x",
                     "/index.html", "/api/pushes/1/x", "/API/push/1/x"]:
            with self.subTest(path=path):
                self.assertJsonError(s.request("GET", path), 404)

    def test_an_unknown_signal_after_the_key_is_400_json(self):
        # /start, /fail, /log and /<exit code> are signals; anything else there is bad input.
        s = self.server
        push = s.push_path("Daily Backup")
        for suffix in ["/extra", "/256", "/-1"]:
            with self.subTest(suffix=suffix):
                self.assertJsonError(s.request("GET", push + suffix), 400)

    def test_a_push_url_works_again_after_error_answers_on_the_same_connection(self):
        s = self.server
        conn = s.connection()
        self.addCleanup(conn.close)
        self.assertJsonError(s.request("GET", "/nope", conn=conn), 404)
        self.assertJsonError(s.push("Daily Backup", key="bad", conn=conn), 403)
        self.assertJsonError(s.request("DELETE", s.push_path("Daily Backup"), conn=conn), 405)
        self.assertPushOk(s.push("Daily Backup", conn=conn))


class TimeZoneTest(ServerTestCase):
    def test_times_are_utc_whatever_the_servers_time_zone(self):
        s = self.start_server(make_config([push_monitor("Backup", "1h")]),
                              env={"TZ": "Asia/Kathmandu"})  # UTC+05:45
        before = time.time()
        body = self.assertPushOk(s.push("Backup"))
        after = time.time()
        received = parse_iso(body["received_at"])
        self.assertGreaterEqual(received, int(before) - 1)
        self.assertLessEqual(received, after)
        row = s.monitor_row(s.monitor_id("Backup"))
        self.assertEqual(row["last_push_at"], body["received_at"])
        self.assertEqual(s.push_history(s.monitor_id("Backup"))[0]["received_at"],
                         body["received_at"])


if __name__ == "__main__":
    unittest.main()
