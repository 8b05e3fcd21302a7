"""The management API (/api/v1) against the real binary: both key scopes and every refusal,
the monitor list with its filters and pages, one monitor with its rules, groups, status, a
monitor's pushes, changes and alerts, pause and resume (across a restart), rotate-key, and the
answers to bad input."""

import time
import unittest

from harness import ServerTestCase, make_config, parse_iso, push_monitor

READ_KEY = "read-key-0123456789abcdef"
WRITE_KEY = "write-key-0123456789abcdef"

MONITOR_FIELDS = {"id", "name", "group", "type", "enabled", "status", "paused", "in_maintenance",
                  "last_push_at", "next_expected_by", "last_message", "push_count",
                  "last_duration_seconds", "uptime_ratio", "badge_url"}


def api_config(monitors, **top):
    return make_config(monitors, api_keys=[
        {"name": "grafana", "key": READ_KEY, "scope": "read"},
        {"name": "ops", "key": WRITE_KEY, "scope": "write"}], **top)


class ApiTestCase(ServerTestCase):
    def get(self, path, key=READ_KEY, **kw):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return self.server.request("GET", path, headers=headers, **kw)

    def post(self, path, key=WRITE_KEY, body=None):
        headers = {"X-Api-Key": key} if key else {}
        return self.server.request("POST", path, body=body, headers=headers)

    def ok(self, r):
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"), r)
        return r.json


class KeysTest(ApiTestCase):
    def setUp(self):
        self.server = self.start_server(api_config([push_monitor("Backup")]))

    def test_no_key_is_401_with_a_bearer_challenge(self):
        r = self.get("/api/v1/monitors", key=None)
        self.assertJsonError(r, 401, "API key required")
        self.assertEqual(r.headers.get("WWW-Authenticate"), "Bearer")

    def test_an_unknown_key_is_401(self):
        self.assertJsonError(self.get("/api/v1/monitors", key="x" * 24), 401, "API key required")

    def test_a_read_key_reads_but_may_not_write_and_never_sees_push_urls(self):
        body = self.ok(self.get("/api/v1/monitors"))
        self.assertEqual(len(body["monitors"]), 1)
        self.assertNotIn("push_url", body["monitors"][0])
        secret = self.server.secret_key("Backup")
        self.assertNotIn(secret, self.get("/api/v1/monitors").raw.decode())
        mid = self.server.monitor_id("Backup")
        self.assertNotIn(secret, self.get(f"/api/v1/monitors/{mid}").raw.decode())
        self.assertJsonError(self.post(f"/api/v1/monitors/{mid}/pause", key=READ_KEY), 403,
                             "This API key is read-only")

    def test_a_write_key_sees_push_urls_and_both_header_forms_work(self):
        mid = self.server.monitor_id("Backup")
        m = self.ok(self.server.request("GET", f"/api/v1/monitors/{mid}",
                                        headers={"X-Api-Key": WRITE_KEY}))
        self.assertTrue(m["push_url"].endswith(self.server.push_path("Backup")), m)

    def test_twenty_failed_attempts_block_the_address_for_a_minute(self):
        for _ in range(20):
            self.assertEqual(self.get("/api/v1/status", key="wrong-key-wrong-key").status, 401)
        r = self.get("/api/v1/status")  # even the right key, from this address
        self.assertJsonError(r, 429, "Too many failed attempts")
        self.assertGreater(int(r.headers["Retry-After"]), 0)
        # pushes are not API requests: they still work
        self.assertEqual(self.server.push("Backup").status, 200)

    def test_keys_are_never_logged(self):
        self.get("/api/v1/monitors")
        self.get("/api/v1/monitors", key="some-wrong-key-123456")
        log = self.server.log_text()
        self.assertNotIn(READ_KEY, log)
        self.assertNotIn(WRITE_KEY, log)
        self.assertNotIn("some-wrong-key-123456", log)


class ReadTest(ApiTestCase):
    def setUp(self):
        monitors = [push_monitor(f"job-{i:02}", "60s", group="nightly" if i % 2 else "hourly")
                    for i in range(1, 8)]
        self.server = self.start_server(api_config(monitors))
        self.ids = sorted(self.server.monitor_id(f"job-{i:02}") for i in range(1, 8))

    def test_a_monitor_object_has_every_field_and_times_in_utc(self):
        s = self.server
        s.push("job-01", body={"status": "ok", "message": "42 files"})
        m = self.ok(self.get(f"/api/v1/monitors/{s.monitor_id('job-01')}"))
        self.assertEqual(set(m) - {"rules"}, MONITOR_FIELDS)
        self.assertEqual(m["status"], "up")
        self.assertIs(m["paused"], False)
        self.assertIs(m["in_maintenance"], False)
        self.assertEqual(m["push_count"], 1)
        self.assertEqual(m["last_message"], "42 files")
        self.assertTrue(m["last_push_at"].endswith("Z"))
        self.assertTrue(m["next_expected_by"].endswith("Z"))
        self.assertEqual(set(m["uptime_ratio"]), {"24h", "7d", "30d"})
        self.assertEqual(m["uptime_ratio"]["24h"], 1)
        self.assertIn("/badge/", m["badge_url"])
        self.assertEqual(m["rules"]["expected_interval_seconds"], 60)
        self.assertEqual(m["rules"]["grace_period_seconds"], 0)
        self.assertIsNone(m["rules"]["schedule"])

    def test_the_list_is_in_id_order_and_pages_with_next_after(self):
        page = self.ok(self.get("/api/v1/monitors?limit=3"))
        self.assertEqual([m["id"] for m in page["monitors"]], self.ids[:3])
        self.assertEqual(page["next_after"], self.ids[2])
        page = self.ok(self.get(f"/api/v1/monitors?limit=3&after={page['next_after']}"))
        self.assertEqual([m["id"] for m in page["monitors"]], self.ids[3:6])
        page = self.ok(self.get(f"/api/v1/monitors?limit=3&after={page['next_after']}"))
        self.assertEqual([m["id"] for m in page["monitors"]], self.ids[6:])
        self.assertIsNone(page["next_after"])
        page = self.ok(self.get("/api/v1/monitors?limit=7"))
        self.assertEqual(len(page["monitors"]), 7)
        self.assertIsNone(page["next_after"])

    def test_filters_by_status_and_group(self):
        self.server.push("job-03")
        up = self.ok(self.get("/api/v1/monitors?status=up"))["monitors"]
        self.assertEqual([m["name"] for m in up], ["job-03"])
        nightly = self.ok(self.get("/api/v1/monitors?group=nightly"))["monitors"]
        self.assertEqual({m["name"] for m in nightly}, {"job-01", "job-03", "job-05", "job-07"})
        both = self.ok(self.get("/api/v1/monitors?group=hourly&status=pending"))["monitors"]
        self.assertEqual(len(both), 3)

    def test_bad_parameters_are_400_with_a_json_error(self):
        for q in ("limit=0", "limit=10001", "limit=x", "after=x", "after=-1", "status=sideways"):
            with self.subTest(q=q):
                self.assertJsonError(self.get(f"/api/v1/monitors?{q}"), 400)

    def test_unknown_monitors_and_paths(self):
        self.assertJsonError(self.get("/api/v1/monitors/999999"), 404, "Monitor not found")
        self.assertJsonError(self.get("/api/v1/monitors/abc"), 404, "Monitor not found")
        self.assertJsonError(self.get("/api/v1/nothing-here"), 404)
        r = self.server.request("DELETE", f"/api/v1/monitors/{self.ids[0]}",
                                headers={"Authorization": f"Bearer {WRITE_KEY}"})
        self.assertJsonError(r, 405)

    def test_groups_and_status_count_monitors_by_status(self):
        self.server.push("job-01")
        groups = {g["name"]: g for g in self.ok(self.get("/api/v1/groups"))["groups"]}
        self.assertEqual(set(groups), {"nightly", "hourly"})
        self.assertEqual(groups["nightly"]["counts"], {"up": 1, "down": 0, "pending": 3, "paused": 0})
        self.assertEqual(groups["nightly"]["status"], "up")
        self.assertIn("/badge/", groups["nightly"]["badge_url"])
        status = self.ok(self.get("/api/v1/status"))
        self.assertEqual(status["monitors"], {"up": 1, "down": 0, "pending": 6, "paused": 0})
        self.assertIn("version", status)
        parse_iso(status["started_at"])


class HistoryTest(ApiTestCase):
    def setUp(self):
        self.server = self.start_server(api_config([push_monitor("Backup", "60s")]))
        self.mid = self.server.monitor_id("Backup")

    def test_pushes_newest_first_with_every_field_and_pages_with_before(self):
        s = self.server
        for i in range(5):
            s.push("Backup", body={"message": f"run {i}"}, headers={"User-Agent": "cron/1"})
        pushes = self.ok(self.get(f"/api/v1/monitors/{self.mid}/pushes?limit=3"))["pushes"]
        self.assertEqual([p["message"] for p in pushes], ["run 4", "run 3", "run 2"])
        self.assertEqual(set(pushes[0]), {"id", "received_at", "method", "source_address", "user_agent",
                                          "signal", "exit_code", "run_id", "duration_seconds",
                                          "message", "body"})
        self.assertEqual(pushes[0]["user_agent"], "cron/1")
        self.assertEqual(pushes[0]["source_address"], "127.0.0.1")
        older = self.ok(self.get(f"/api/v1/monitors/{self.mid}/pushes?before={pushes[-1]['id']}"))
        self.assertEqual([p["message"] for p in older["pushes"]], ["run 1", "run 0"])

    def test_changes_and_alerts_newest_first(self):
        s = self.server
        s.push("Backup")
        s.push("Backup", body={"status": "fail", "message": "disk full"})
        changes = self.ok(self.get(f"/api/v1/monitors/{self.mid}/changes"))["changes"]
        self.assertEqual([(c["from"], c["to"]) for c in changes], [("up", "down"), ("pending", "up")])
        self.assertEqual(changes[0]["reason"], "disk full")
        alerts = self.ok(self.get(f"/api/v1/monitors/{self.mid}/alerts"))["alerts"]
        self.assertEqual(alerts, [])  # no channels configured
        self.assertJsonError(self.get(f"/api/v1/monitors/{self.mid}/changes?limit=0"), 400)
        self.assertJsonError(self.get("/api/v1/monitors/424242/pushes"), 404, "Monitor not found")


class ActionsTest(ApiTestCase):
    def setUp(self):
        self.server = self.start_server(api_config([
            push_monitor("Backup", "2s"),
            dict(push_monitor("Migration", "2s"), config={"expected_interval": "2s",
                                                          "grace_period": "0s",
                                                          "manual_resume": True})]))

    def test_a_paused_monitor_never_goes_down_and_a_push_resumes_it(self):
        s = self.server
        mid = s.monitor_id("Backup")
        s.push("Backup")
        m = self.ok(self.post(f"/api/v1/monitors/{mid}/pause"))
        self.assertEqual(m["status"], "paused")
        self.assertIs(m["paused"], True)
        self.assertIsNone(m["next_expected_by"])
        time.sleep(3.5)  # well past the 2 s deadline
        self.assertEqual(s.status_of("Backup"), "paused")
        self.assertEqual(self.ok(self.post(f"/api/v1/monitors/{mid}/pause"))["status"], "paused")
        self.assertEqual(s.push("Backup").status, 200)
        m = self.ok(self.get(f"/api/v1/monitors/{mid}"))
        self.assertEqual(m["status"], "up")
        changes = [(c["from"], c["to"]) for c in self.ok(self.get(f"/api/v1/monitors/{mid}/changes"))["changes"]]
        self.assertEqual(changes[:2], [("paused", "up"), ("up", "paused")])

    def test_manual_resume_keeps_it_paused_until_the_api_resumes_it(self):
        s = self.server
        mid = s.monitor_id("Migration")
        s.push("Migration")
        self.ok(self.post(f"/api/v1/monitors/{mid}/pause"))
        self.assertEqual(s.push("Migration").status, 200)
        m = self.ok(self.get(f"/api/v1/monitors/{mid}"))
        self.assertEqual(m["status"], "paused")
        self.assertEqual(m["push_count"], 2)
        m = self.ok(self.post(f"/api/v1/monitors/{mid}/resume"))
        self.assertEqual(m["status"], "up")
        deadline = parse_iso(m["next_expected_by"])
        self.assertGreater(deadline, time.time() + 0.5)  # counted from the resume
        self.assertJsonError(self.post(f"/api/v1/monitors/{mid}/resume"), 409, "Monitor is not paused")

    def test_pause_survives_a_reload_and_a_restart(self):
        s = self.server
        mid = s.monitor_id("Backup")
        s.push("Backup")
        time.sleep(1.1)  # UP for a whole second: the database keeps changes to the second
        self.ok(self.post(f"/api/v1/monitors/{mid}/pause"))
        s.reload()
        self.assertEqual(self.ok(self.get(f"/api/v1/monitors/{mid}"))["status"], "paused")
        s.restart()
        time.sleep(3)
        m = self.ok(self.get(f"/api/v1/monitors/{mid}"))
        self.assertEqual(m["status"], "paused")
        # the uptime before the pause is read back from the recorded changes
        self.assertEqual(m["uptime_ratio"]["24h"], 1)
        m = self.ok(self.post(f"/api/v1/monitors/{mid}/resume"))
        self.assertEqual(m["status"], "up")

    def test_rotate_key_gives_a_new_push_url_and_the_old_key_gets_403(self):
        s = self.server
        mid = s.monitor_id("Backup")
        old_key = s.secret_key("Backup")
        r = self.ok(self.post(f"/api/v1/monitors/{mid}/rotate-key"))
        self.assertEqual(set(r), {"id", "push_url"})
        self.assertEqual(r["id"], mid)
        new_key = r["push_url"].rsplit("/", 1)[1]
        self.assertNotEqual(new_key, old_key)
        self.assertJsonError(s.push("Backup", key=old_key), 403, "Invalid secret key")
        self.assertEqual(s.push("Backup", key=new_key).status, 200)
        s.restart()
        self.assertEqual(s.push("Backup", key=new_key).status, 200)
        self.assertNotIn(new_key, s.log_text().split("Push monitor initialized")[0])

    def test_a_body_on_an_action_is_400_and_unknown_monitors_404(self):
        mid = self.server.monitor_id("Backup")
        self.assertJsonError(self.post(f"/api/v1/monitors/{mid}/pause", body={"minutes": 5}), 400)
        self.assertEqual(self.server.status_of("Backup"), "pending")
        self.assertJsonError(self.post("/api/v1/monitors/99999/pause"), 404, "Monitor not found")
        self.assertJsonError(self.post("/api/v1/monitors/99999/rotate-key"), 404, "Monitor not found")


class CorsTest(ApiTestCase):
    def test_cors_is_off_unless_origins_are_listed(self):
        self.server = self.start_server(api_config([push_monitor("Backup")]))
        r = self.server.request("GET", "/api/v1/status",
                                headers={"Authorization": f"Bearer {READ_KEY}", "Origin": "https://x.example"})
        self.assertEqual(r.status, 200)
        self.assertNotIn("Access-Control-Allow-Origin", r.headers)

    def test_a_listed_origin_is_echoed_and_a_preflight_needs_no_key(self):
        self.server = self.start_server(api_config([push_monitor("Backup")],
                                                   server={"cors_origins": ["https://dash.example"]}))
        r = self.server.request("OPTIONS", "/api/v1/monitors",
                                headers={"Origin": "https://dash.example",
                                         "Access-Control-Request-Method": "GET",
                                         "Access-Control-Request-Headers": "authorization"})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), "https://dash.example")
        allowed = r.headers.get("Access-Control-Allow-Headers", "").lower()
        self.assertIn("authorization", allowed)
        self.assertIn("x-api-key", allowed)
        r = self.server.request("GET", "/api/v1/status",
                                headers={"Authorization": f"Bearer {READ_KEY}", "Origin": "https://dash.example"})
        self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), "https://dash.example")
        r = self.server.request("GET", "/api/v1/status",
                                headers={"Authorization": f"Bearer {READ_KEY}", "Origin": "https://evil.example"})
        self.assertNotIn("Access-Control-Allow-Origin", r.headers)


if __name__ == "__main__":
    unittest.main()
