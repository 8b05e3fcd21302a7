"""Beyond "it ran": start/finish signals on the secret URL, exit codes, run durations, logs,
run ids, Uptime Kuma's ?status=&msg=, and the run rules max_runtime, min_runtime and
failures_before_down, all through the real binary."""

import json
import time
import unittest
import uuid

from harness import ServerTestCase, format_iso, make_config, parse_iso, push_monitor

BASE_KEYS = {"success", "monitor_id", "received_at", "next_expected_by"}
SLACK = 0.01  # duration_seconds is whole milliseconds; the clocks differ by a little


def monitor(name, expected_interval="1h", grace_period="0s", **rules):
    """A push monitor with run rules (schedule, max_runtime, min_runtime,
    failures_before_down, require_payload, enabled) under config: where they belong."""
    top = {k: rules.pop(k) for k in ("enabled",) if k in rules}
    m = push_monitor(name, expected_interval, grace_period, **top)
    m["config"].update(rules)
    return m


def wait_for_transition(server, monitor_id, to_status, give_up_after):
    """Polls state_changes every 50 ms for a row going to `to_status`; returns (row, wall time
    of the start of the first poll that saw it)."""
    end = time.monotonic() + give_up_after
    while True:
        t_before = time.time()
        rows = server.query("SELECT * FROM state_changes WHERE monitor_id = ? AND to_status = ? "
                            "ORDER BY id", (monitor_id, to_status))
        if rows:
            return rows[0], t_before
        if time.monotonic() > end:
            raise AssertionError(
                f"monitor {monitor_id} did not go {to_status} within {give_up_after}s")
        time.sleep(0.05)


class SignalTestCase(ServerTestCase):
    def assertSignalOk(self, r, monitor_id, signal=None, run_id=None, duration=False) -> dict:
        """A 200 push answer: the seed's fields, plus `signal` exactly when given, `run_id`
        exactly when given, `duration_seconds` exactly when `duration` is true."""
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"), r)
        body = r.json
        self.assertIsInstance(body, dict, r)
        keys = set(BASE_KEYS)
        if signal is not None:
            keys.add("signal")
        if run_id is not None:
            keys.add("run_id")
        if duration:
            keys.add("duration_seconds")
        self.assertEqual(set(body), keys, r)
        self.assertIs(body["success"], True)
        self.assertEqual(body["monitor_id"], monitor_id)
        parse_iso(body["received_at"])
        parse_iso(body["next_expected_by"])
        if signal is not None:
            self.assertEqual(body["signal"], signal, r)
        if run_id is not None:
            self.assertEqual(body["run_id"], run_id, r)
        if duration:
            self.assertIsInstance(body["duration_seconds"], (int, float), r)
            self.assertGreaterEqual(body["duration_seconds"], 0, r)
        return body

    def assertDurationBetween(self, seconds, low, high):
        self.assertGreaterEqual(seconds, low - SLACK, f"duration {seconds} < {low:.3f}")
        self.assertLessEqual(seconds, high + SLACK, f"duration {seconds} > {high:.3f}")

    def last_history(self, server, monitor_id):
        rows = server.push_history(monitor_id)
        self.assertTrue(rows, "no push_history row")
        return rows[-1]

    def push_row(self, server, monitor_id):
        server.wait_written_behind(monitor_id)
        return server.query_one("SELECT * FROM push_monitors WHERE monitor_id = ?", (monitor_id,))

    def open_runs(self, server, monitor_id):
        return json.loads(self.push_row(server, monitor_id)["open_runs"])

    def get(self, server, name, suffix, method="GET", body=None, headers=None):
        return server.request(method, server.push_path(name) + suffix, body=body, headers=headers)


class SignalTest(SignalTestCase):
    def setUp(self):
        self.server = self.start_server(make_config([
            monitor("Job"),
            monitor("Other"),
            monitor("Off", enabled=False),
            monitor("Payload", require_payload=True),
        ], server={"max_body_bytes": 1000}))

    # ---- start ------------------------------------------------------------------------------

    def test_start_keeps_status_last_push_and_deadline_and_opens_a_run(self):
        s = self.server
        mid = s.monitor_id("Job")
        # pending stays pending
        self.assertSignalOk(self.get(s, "Job", "/start"), mid, signal="start")
        self.assertEqual(s.status_of("Job"), "pending")
        self.assertIsNone(self.push_row(s, mid)["last_push_at"])
        self.assertEqual(s.state_changes(mid), [])
        runs = self.open_runs(s, mid)
        self.assertEqual(len(runs), 1, runs)

        first = self.assertSignalOk(s.push("Job"), mid, duration=True)  # finishes that run
        self.assertEqual(s.status_of("Job"), "up")
        self.assertEqual(self.open_runs(s, mid), [])
        before = self.push_row(s, mid)
        time.sleep(1.1)  # so that a start that touched last_push_at would show
        body = self.assertSignalOk(self.get(s, "Job", "/start"), mid, signal="start")
        self.assertGreater(parse_iso(body["received_at"]), parse_iso(first["received_at"]))
        after = self.push_row(s, mid)
        self.assertEqual(s.status_of("Job"), "up")
        self.assertEqual(after["last_push_at"], first["received_at"])
        self.assertEqual(after["last_push_at"], before["last_push_at"])
        self.assertEqual(after["next_expected_at"], before["next_expected_at"])
        self.assertEqual(after["consecutive_failures"], 0)
        self.assertEqual(len(self.open_runs(s, mid)), 1)
        # no limit (no max_runtime, no grace): the answer's deadline is still the push deadline
        self.assertEqual(body["next_expected_by"], first["next_expected_by"])
        rows = s.push_history(mid)
        self.assertEqual([r["status"] for r in rows], ["start", "success", "start"])
        self.assertIsNone(rows[-1]["duration_ms"])
        self.assertIsNone(rows[-1]["exit_code"])
        self.assertEqual([c["to_status"] for c in s.state_changes(mid)], ["up"])

    def test_start_on_a_down_monitor_keeps_it_down(self):
        s = self.server
        mid = s.monitor_id("Job")
        self.assertSignalOk(self.get(s, "Job", "/fail"), mid, signal="failure")
        self.assertEqual(s.status_of("Job"), "down")
        self.assertSignalOk(self.get(s, "Job", "/start"), mid, signal="start")
        self.assertEqual(s.status_of("Job"), "down")
        self.assertEqual([c["to_status"] for c in s.state_changes(mid)], ["down"])

    # ---- durations --------------------------------------------------------------------------

    def test_a_finish_after_a_start_returns_and_stores_the_run_duration(self):
        s = self.server
        mid = s.monitor_id("Job")
        for suffix, signal in [("", None), ("/0", "success")]:
            with self.subTest(finish=suffix or "plain"):
                t0 = time.time()
                self.assertSignalOk(self.get(s, "Job", "/start"), mid, signal="start")
                t1 = time.time()
                time.sleep(1.2)
                t2 = time.time()
                body = self.assertSignalOk(self.get(s, "Job", suffix), mid, signal=signal,
                                           duration=True)
                t3 = time.time()
                d = body["duration_seconds"]
                self.assertDurationBetween(d, t2 - t1, t3 - t0)
                row = self.last_history(s, mid)
                self.assertEqual(row["status"], "success")
                self.assertEqual(row["duration_ms"], round(d * 1000))
                self.assertEqual(self.open_runs(s, mid), [])
                self.assertEqual(s.status_of("Job"), "up")
                self.assertDeadlineIn(body, 3600)
        self.assertEqual(self.last_history(s, mid)["exit_code"], 0)

    def test_overlapping_runs_are_paired_by_rid(self):
        s = self.server
        mid = s.monitor_id("Job")
        rid_a, rid_b = str(uuid.uuid4()), str(uuid.uuid4()).upper()  # any case is a UUID
        ta0 = time.time()
        self.assertSignalOk(self.get(s, "Job", f"/start?rid={rid_a}"), mid, signal="start",
                            run_id=rid_a)
        ta1 = time.time()
        time.sleep(0.6)
        tb0 = time.time()
        self.assertSignalOk(self.get(s, "Job", f"/start?rid={rid_b}"), mid, signal="start",
                            run_id=rid_b)
        tb1 = time.time()
        self.assertEqual(sorted(r["run_id"] for r in self.open_runs(s, mid)), sorted([rid_a, rid_b]))
        time.sleep(0.6)

        # A finishes first: its duration counts from A's start, not B's
        t0 = time.time()
        body = self.assertSignalOk(self.get(s, "Job", f"/0?rid={rid_a}"), mid, signal="success",
                                   run_id=rid_a, duration=True)
        t1 = time.time()
        self.assertDurationBetween(body["duration_seconds"], t0 - ta1, t1 - ta0)
        self.assertGreater(body["duration_seconds"], 1.1)
        self.assertEqual([r["run_id"] for r in self.open_runs(s, mid)], [rid_b])
        row = self.last_history(s, mid)
        self.assertEqual((row["run_id"], row["duration_ms"]),
                         (rid_a, round(body["duration_seconds"] * 1000)))

        time.sleep(0.3)
        t0 = time.time()
        body = self.assertSignalOk(self.get(s, "Job", f"?rid={rid_b}"), mid, run_id=rid_b,
                                   duration=True)
        t1 = time.time()
        self.assertDurationBetween(body["duration_seconds"], t0 - tb1, t1 - tb0)
        self.assertLess(body["duration_seconds"], t0 - ta1)  # from B's start, not A's
        self.assertEqual(self.open_runs(s, mid), [])
        self.assertEqual(self.last_history(s, mid)["run_id"], rid_b)

        # a second finish of A has no start left to pair with
        self.assertSignalOk(self.get(s, "Job", f"/0?rid={rid_a}"), mid, signal="success",
                            run_id=rid_a)
        self.assertIsNone(self.last_history(s, mid)["duration_ms"])

    def test_a_finish_without_a_matching_start_has_no_duration(self):
        s = self.server
        mid = s.monitor_id("Job")
        self.assertSignalOk(s.push("Job"), mid)
        self.assertSignalOk(self.get(s, "Job", "/0"), mid, signal="success")
        # a run with a rid is not finished by a finish without one, nor by another rid
        rid, other = str(uuid.uuid4()), str(uuid.uuid4())
        self.assertSignalOk(self.get(s, "Job", f"/start?rid={rid}"), mid, signal="start", run_id=rid)
        self.assertSignalOk(s.push("Job"), mid)
        self.assertSignalOk(self.get(s, "Job", f"?rid={other}"), mid, run_id=other)
        # nor is a start on another monitor
        self.assertSignalOk(self.get(s, "Other", "/start"), s.monitor_id("Other"), signal="start")
        self.assertSignalOk(s.push("Job"), mid)
        for row in s.push_history(mid):
            if row["status"] != "start":
                self.assertIsNone(row["duration_ms"], dict(row))
        self.assertEqual([r["run_id"] for r in self.open_runs(s, mid)], [rid])
        self.assertEqual(s.status_of("Job"), "up")

    # ---- exit codes and fail ----------------------------------------------------------------

    def test_exit_code_0_is_success_and_1_to_255_are_failures(self):
        s = self.server
        mid = s.monitor_id("Job")
        self.assertSignalOk(self.get(s, "Job", "/0"), mid, signal="success")
        self.assertEqual(s.status_of("Job"), "up")
        row = self.last_history(s, mid)
        self.assertEqual((row["status"], row["exit_code"]), ("success", 0))

        body = self.assertSignalOk(self.get(s, "Job", "/3", method="POST", body="disk full"),
                                   mid, signal="failure")
        self.assertDeadlineIn(body, 3600)
        self.assertEqual(s.status_of("Job"), "down")
        row = self.last_history(s, mid)
        self.assertEqual((row["status"], row["exit_code"], row["message"], row["payload"]),
                         ("failure", 3, "disk full", "disk full"))
        change = s.state_changes(mid)[-1]
        self.assertEqual((change["from_status"], change["to_status"], change["reason"]),
                         ("up", "down", "exit code 3: disk full"))
        self.assertEqual(s.monitor_row(mid)["status_reason"], "exit code 3: disk full")
        self.assertEqual(self.push_row(s, mid)["last_push_at"], body["received_at"])

        self.assertSignalOk(s.push("Job"), mid)
        self.assertEqual(s.status_of("Job"), "up")
        self.assertSignalOk(self.get(s, "Job", "/255"), mid, signal="failure")
        self.assertEqual(s.state_changes(mid)[-1]["reason"], "exit code 255")
        self.assertEqual(self.last_history(s, mid)["exit_code"], 255)

        self.assertSignalOk(s.push("Job"), mid)
        self.assertSignalOk(self.get(s, "Job", "/1", method="POST",
                                     body={"status": "ok", "message": "rsync: 3 files vanished"}),
                            mid, signal="failure")
        self.assertEqual(s.state_changes(mid)[-1]["reason"], "exit code 1: rsync: 3 files vanished")
        self.assertEqual([c["to_status"] for c in s.state_changes(mid)],
                         ["up", "down", "up", "down", "up", "down"])

    def test_exit_codes_over_255_and_non_numbers_are_400_and_change_nothing(self):
        s = self.server
        mid = s.monitor_id("Job")
        self.assertSignalOk(s.push("Job"), mid)
        before = dict(self.push_row(s, mid))
        for suffix in ["/256", "/1000", "/999999", "/99999999999999999999", "/-1", "/3.5",
                       "/1e3", "/0x3", "/+3"]:
            with self.subTest(suffix=suffix):
                r = self.get(s, "Job", suffix)
                self.assertJsonError(r, 400)
                self.assertTrue(r.json["error"], r)
        r = self.get(s, "Job", "/256")
        self.assertIn("255", r.json["error"])
        self.assertEqual(len(s.push_history(mid)), 1)
        self.assertEqual(dict(self.push_row(s, mid)), before)
        self.assertEqual(s.status_of("Job"), "up")

    def test_fail_is_a_failure_with_the_message_or_a_default_reason(self):
        s = self.server
        mid = s.monitor_id("Job")
        self.assertSignalOk(self.get(s, "Job", "/fail"), mid, signal="failure")
        self.assertEqual(s.status_of("Job"), "down")
        change = s.state_changes(mid)[-1]
        self.assertEqual((change["from_status"], change["to_status"], change["reason"]),
                         ("pending", "down", "The job reported a failure"))
        row = self.last_history(s, mid)
        self.assertEqual(row["status"], "failure")
        self.assertIsNone(row["exit_code"])

        self.assertSignalOk(s.push("Job"), mid)
        self.assertEqual(s.status_of("Job"), "up")
        # the path says fail even though the body says ok
        self.assertSignalOk(self.get(s, "Job", "/fail", method="POST",
                                     body={"status": "ok", "message": "backup aborted"}),
                            mid, signal="failure")
        self.assertEqual(s.state_changes(mid)[-1]["reason"], "backup aborted")
        self.assertEqual(s.monitor_row(mid)["status_reason"], "backup aborted")
        # a failing body on /0 is still a failure
        self.assertSignalOk(s.push("Job"), mid)
        self.assertSignalOk(self.get(s, "Job", "/0", method="POST",
                                     body={"status": "error", "message": "half done"}),
                            mid, signal="failure")
        self.assertEqual(s.status_of("Job"), "down")
        self.assertEqual(s.state_changes(mid)[-1]["reason"], "half done")

    # ---- log --------------------------------------------------------------------------------

    def test_log_stores_the_body_and_changes_nothing_else(self):
        s = self.server
        mid = s.monitor_id("Job")
        # on a pending monitor
        self.assertSignalOk(self.get(s, "Job", "/log", method="POST", body="step 1 of 3"), mid,
                            signal="log")
        self.assertEqual(s.status_of("Job"), "pending")
        self.assertIsNone(self.push_row(s, mid)["last_push_at"])

        first = self.assertSignalOk(s.push("Job"), mid)
        before = dict(self.push_row(s, mid))
        time.sleep(1.1)
        body = self.assertSignalOk(self.get(s, "Job", "/log", method="POST",
                                            body={"status": "error", "message": "step 2 of 3"}),
                                   mid, signal="log")
        self.assertEqual(body["next_expected_by"], first["next_expected_by"])
        after = dict(self.push_row(s, mid))
        for col in ("last_push_at", "next_expected_at", "open_runs", "consecutive_failures"):
            self.assertEqual(after[col], before[col], col)
        self.assertEqual(s.status_of("Job"), "up", "a log with status error is not a failure")
        rows = s.push_history(mid)
        self.assertEqual([r["status"] for r in rows], ["log", "success", "log"])
        self.assertEqual((rows[0]["message"], rows[0]["payload"]), ("step 1 of 3", "step 1 of 3"))
        self.assertEqual(rows[2]["message"], "step 2 of 3")
        self.assertEqual(json.loads(rows[2]["payload"]), {"status": "error", "message": "step 2 of 3"})
        self.assertEqual([c["to_status"] for c in s.state_changes(mid)], ["up"])

    def test_log_does_not_finish_an_open_run(self):
        s = self.server
        mid = s.monitor_id("Job")
        self.assertSignalOk(self.get(s, "Job", "/start"), mid, signal="start")
        self.assertSignalOk(self.get(s, "Job", "/log"), mid, signal="log")
        self.assertEqual(len(self.open_runs(s, mid)), 1)
        self.assertSignalOk(s.push("Job"), mid, duration=True)

    # ---- bad input --------------------------------------------------------------------------

    def test_an_unknown_signal_is_400_json_and_changes_nothing(self):
        s = self.server
        mid = s.monitor_id("Job")
        for suffix in ["/bogus", "/START", "/Fail", "/finish", "/success", "/ok", "/log2",
                       "/start%20"]:
            with self.subTest(suffix=suffix):
                for method in ("GET", "POST"):
                    self.assertJsonError(self.get(s, "Job", suffix, method=method, body="x"), 400)
        r = self.get(s, "Job", "/bogus")
        self.assertIn("bogus", r.json["error"])
        self.assertEqual(s.push_history(mid), [])
        self.assertEqual(s.status_of("Job"), "pending")

    def test_a_rid_that_is_not_a_uuid_is_400_on_every_signal(self):
        s = self.server
        mid = s.monitor_id("Job")
        good = str(uuid.uuid4())
        for rid in ["abc", "123", "", good[:-1], good + "0", good.replace("-", ""),
                    good[:8] + "_" + good[9:], "g" + good[1:]]:
            for suffix in ["/start", "", "/0", "/3", "/fail", "/log"]:
                with self.subTest(rid=rid, suffix=suffix):
                    self.assertJsonError(self.get(s, "Job", f"{suffix}?rid={rid}"), 400)
        self.assertEqual(s.push_history(mid), [])
        self.assertEqual(self.open_runs(s, mid), [])
        self.assertEqual(s.status_of("Job"), "pending")

    # ---- methods ----------------------------------------------------------------------------

    def test_head_and_post_work_on_signal_urls(self):
        s = self.server
        mid = s.monitor_id("Job")
        r = self.get(s, "Job", "/start", method="HEAD")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.raw, b"")
        self.assertEqual(len(self.open_runs(s, mid)), 1)
        time.sleep(0.3)
        body = self.assertSignalOk(self.get(s, "Job", "/0", method="POST", body="done"), mid,
                                   signal="success", duration=True)
        self.assertGreaterEqual(body["duration_seconds"], 0.3 - SLACK)
        r = self.get(s, "Job", "/log", method="HEAD")
        self.assertEqual((r.status, r.raw), (200, b""))
        r = self.get(s, "Job", "/fail", method="HEAD")
        self.assertEqual((r.status, r.raw), (200, b""))
        self.assertEqual(s.status_of("Job"), "down")
        rows = s.push_history(mid)
        self.assertEqual([(r["method"], r["status"]) for r in rows],
                         [("HEAD", "start"), ("POST", "success"), ("HEAD", "log"),
                          ("HEAD", "failure")])
        self.assertEqual(rows[1]["message"], "done")
        for method in ("DELETE", "PUT"):
            with self.subTest(method=method):
                self.assertJsonError(self.get(s, "Job", "/start", method=method, body="{}"), 405)

    # ---- 404 / 403 / 413 before the signal is read ------------------------------------------

    def test_unknown_or_disabled_monitor_is_404_and_wrong_key_403_even_with_a_bad_signal(self):
        s = self.server
        mid = s.monitor_id("Job")
        key = s.secret_key("Job")
        off = s.query_one("SELECT m.id, p.secret_key FROM monitors m JOIN push_monitors p "
                          "ON p.monitor_id = m.id WHERE m.name = 'Off'")
        suffixes = ["/start", "/fail", "/log", "/0", "/3", "/bogus", "/256",
                    "/start?rid=not-a-uuid", "?rid=nope", "?status=down&msg=x"]
        for suffix in suffixes:
            with self.subTest(suffix=suffix):
                for path in [f"/api/push/999999/{key}{suffix}", f"/api/push/abc/{key}{suffix}",
                             f"/api/push/{off['id']}/{off['secret_key']}{suffix}"]:
                    self.assertJsonError(s.request("GET", path), 404, "Push monitor not found")
                    self.assertJsonError(s.request("POST", path, body="{}"), 404,
                                         "Push monitor not found")
                for wrong in ["nope", key[:-1], key + "x"]:
                    path = f"/api/push/{mid}/{wrong}{suffix}"
                    self.assertJsonError(s.request("GET", path), 403, "Invalid secret key")
                    self.assertJsonError(s.request("POST", path, body="{}"), 403,
                                         "Invalid secret key")
        self.assertEqual(s.push_history(mid), [])
        self.assertEqual(s.push_history(off["id"]), [])
        self.assertEqual(self.open_runs(s, mid), [])
        self.assertEqual(s.status_of("Job"), "pending")

    def test_a_body_over_the_limit_is_413_on_signal_urls(self):
        s = self.server
        mid = s.monitor_id("Job")
        big = "x" * 2000
        for suffix in ["/log", "/start", "/fail", "/3", "/0"]:
            with self.subTest(suffix=suffix):
                self.assertJsonError(self.get(s, "Job", suffix, method="POST", body=big), 413)
        self.assertEqual(s.push_history(mid), [])
        self.assertEqual(s.status_of("Job"), "pending")
        self.assertSignalOk(self.get(s, "Job", "/log", method="POST", body="x" * 500), mid,
                            signal="log")

    # ---- Uptime Kuma ------------------------------------------------------------------------

    def test_kuma_status_down_is_a_failure_with_msg_as_the_reason(self):
        s = self.server
        mid = s.monitor_id("Job")
        self.assertSignalOk(s.push("Job"), mid)
        body = self.assertSignalOk(self.get(s, "Job", "?status=down&msg=disk%20full&ping="), mid)
        self.assertDeadlineIn(body, 3600)
        self.assertEqual(s.status_of("Job"), "down")
        change = s.state_changes(mid)[-1]
        self.assertEqual((change["from_status"], change["to_status"], change["reason"]),
                         ("up", "down", "disk full"))
        row = self.last_history(s, mid)
        self.assertEqual((row["status"], row["message"]), ("failure", "disk full"))

        self.assertSignalOk(self.get(s, "Job", "?status=up&msg=OK%20all%20good&ping=12.5"), mid)
        self.assertEqual(s.status_of("Job"), "up")
        row = self.last_history(s, mid)
        self.assertEqual((row["status"], row["message"]), ("success", "OK all good"))
        self.assertEqual(s.state_changes(mid)[-1]["to_status"], "up")

        self.assertSignalOk(self.get(s, "Job", "?status=down"), mid)
        self.assertEqual(s.state_changes(mid)[-1]["reason"], "The job reported a failure")

    def test_kuma_status_up_needs_no_payload_on_a_require_payload_monitor(self):
        s = self.server
        mid = s.monitor_id("Payload")
        self.assertJsonError(s.push("Payload"), 400)
        self.assertSignalOk(self.get(s, "Payload", "?status=up&msg=OK&ping="), mid)
        self.assertEqual(s.status_of("Payload"), "up")
        self.assertEqual(self.last_history(s, mid)["message"], "OK")
        self.assertSignalOk(self.get(s, "Payload", "?status=down&msg=broken"), mid)
        self.assertEqual(s.monitor_row(mid)["status_reason"], "broken")


class RunRulesTest(SignalTestCase):
    def test_max_runtime_takes_a_started_run_down_at_its_limit_not_before(self):
        s = self.start_server(make_config([
            monitor("Limited", max_runtime="2s"),          # UP, then a run that never finishes
            monitor("GraceLimited", grace_period="2s"),    # pending; the limit is the grace
            monitor("Unlimited"),                          # no max_runtime, no grace: no limit
            monitor("Finishes", max_runtime="2s"),         # finishes in time: stays UP
        ]))
        lid, gid, uid, fid = (s.monitor_id(n) for n in ("Limited", "GraceLimited", "Unlimited",
                                                       "Finishes"))
        self.assertSignalOk(s.push("Limited"), lid)
        self.assertSignalOk(s.push("Finishes"), fid)
        t0 = time.time()
        started = self.assertSignalOk(self.get(s, "Limited", "/start"), lid, signal="start")
        t1 = time.time()
        g_started = self.assertSignalOk(self.get(s, "GraceLimited", "/start"), gid, signal="start")
        t2 = time.time()
        self.assertSignalOk(self.get(s, "Unlimited", "/start"), uid, signal="start")
        self.assertSignalOk(self.get(s, "Finishes", "/start"), fid, signal="start")
        # the answer to a start names when the run must have finished
        self.assertDeadlineIn(started, 2)
        time.sleep(1.0)
        self.assertSignalOk(s.push("Finishes"), fid, duration=True)

        row, seen_at = wait_for_transition(s, lid, "down", give_up_after=6)
        self.assertGreaterEqual(seen_at, t0 + 2 - 0.15,
                                f"DOWN seen {t0 + 2 - seen_at:.2f}s before start + max_runtime")
        self.assertLessEqual(seen_at, t1 + 2 + 1.0,
                             f"DOWN only seen {seen_at - t1 - 2:.2f}s after start + max_runtime")
        reason = f"started at {started['received_at']} and did not finish within 2s"
        self.assertEqual((row["from_status"], row["reason"]), ("up", reason))
        # DOWN at the deadline the start's answer named: its own instant + 2 s, rounded up
        self.assertEqual(row["timestamp"], started["next_expected_by"])
        m = s.monitor_row(lid)
        self.assertEqual((m["status"], m["status_reason"]), ("down", reason))

        g_row, g_seen = wait_for_transition(s, gid, "down", give_up_after=3)
        self.assertGreaterEqual(g_seen, t1 + 2 - 0.15)
        self.assertLessEqual(g_seen, t2 + 2 + 1.0)
        self.assertEqual((g_row["from_status"], g_row["reason"]),
                         ("pending", f"started at {g_started['received_at']} and did not finish "
                                     "within 2s"))

        time.sleep(max(0.0, t2 + 3.2 - time.time()))
        self.assertEqual(s.status_of("Unlimited"), "pending")
        self.assertEqual(len(self.open_runs(s, uid)), 1)
        self.assertEqual(s.status_of("Finishes"), "up")
        self.assertEqual([c["to_status"] for c in s.state_changes(fid)], ["up"])
        # the run that timed out is no longer open; a late finish brings the monitor back UP
        self.assertEqual(self.open_runs(s, lid), [])
        self.assertSignalOk(self.get(s, "Limited", "/0"), lid, signal="success")
        self.assertEqual(s.status_of("Limited"), "up")

    def test_a_run_shorter_than_min_runtime_is_a_failure(self):
        s = self.start_server(make_config([
            monitor("Min", min_runtime="10m"),
            monitor("MinShort", min_runtime="1s"),
        ]))
        mid, sid = s.monitor_id("Min"), s.monitor_id("MinShort")
        self.assertSignalOk(s.push("Min"), mid)
        self.assertSignalOk(s.push("MinShort"), sid)
        self.assertSignalOk(self.get(s, "Min", "/start"), mid, signal="start")
        self.assertSignalOk(self.get(s, "MinShort", "/start"), sid, signal="start")
        time.sleep(1.3)
        body = self.assertSignalOk(self.get(s, "Min", "/0"), mid, signal="failure", duration=True)
        self.assertGreaterEqual(body["duration_seconds"], 1.3 - SLACK)
        self.assertLess(body["duration_seconds"], 2.0)
        self.assertEqual(s.status_of("Min"), "down")
        reason = "finished in 1s; expected to run at least 10m"
        change = s.state_changes(mid)[-1]
        self.assertEqual((change["from_status"], change["to_status"], change["reason"]),
                         ("up", "down", reason))
        row = self.last_history(s, mid)
        self.assertEqual((row["status"], row["exit_code"]), ("failure", 0))
        self.assertEqual(row["duration_ms"], round(body["duration_seconds"] * 1000))

        # long enough: a success
        self.assertSignalOk(s.push("MinShort"), sid, duration=True)
        self.assertEqual(s.status_of("MinShort"), "up")
        self.assertEqual(self.last_history(s, sid)["status"], "success")

        # without a start there is no duration, so no minimum to miss
        self.assertSignalOk(s.push("Min"), mid)
        self.assertEqual(s.status_of("Min"), "up")
        # a quick run with a plain finish fails too
        self.assertSignalOk(self.get(s, "Min", "/start"), mid, signal="start")
        self.assertSignalOk(s.push("Min"), mid, duration=True)
        self.assertEqual(s.state_changes(mid)[-1]["reason"],
                         "finished in 0s; expected to run at least 10m")

    def test_failures_before_down_needs_that_many_failures_in_a_row(self):
        s = self.start_server(make_config([monitor("Flaky", failures_before_down=3)]))
        mid = s.monitor_id("Flaky")

        def failures():
            return self.push_row(s, mid)["consecutive_failures"]

        self.assertSignalOk(s.push("Flaky"), mid)
        self.assertSignalOk(self.get(s, "Flaky", "/fail"), mid, signal="failure")
        self.assertSignalOk(self.get(s, "Flaky", "/2"), mid, signal="failure")
        self.assertEqual((s.status_of("Flaky"), failures()), ("up", 2))
        self.assertEqual(self.last_history(s, mid)["status"], "failure")
        # a success resets the count
        self.assertSignalOk(s.push("Flaky"), mid)
        self.assertEqual((s.status_of("Flaky"), failures()), ("up", 0))
        self.assertSignalOk(self.get(s, "Flaky", "?status=down&msg=one"), mid)
        self.assertSignalOk(self.get(s, "Flaky", "/fail", method="POST", body="two"), mid,
                            signal="failure")
        # neither a log nor a start is a success
        self.assertSignalOk(self.get(s, "Flaky", "/log"), mid, signal="log")
        self.assertSignalOk(self.get(s, "Flaky", "/start"), mid, signal="start")
        self.assertEqual((s.status_of("Flaky"), failures()), ("up", 2))
        self.assertEqual([c["to_status"] for c in s.state_changes(mid)], ["up"])
        # (this finish pairs with the start above, so it has a duration)
        self.assertSignalOk(self.get(s, "Flaky", "/7", method="POST", body="three"), mid,
                            signal="failure", duration=True)
        self.assertEqual((s.status_of("Flaky"), failures()), ("down", 3))
        changes = s.state_changes(mid)
        self.assertEqual([(c["from_status"], c["to_status"]) for c in changes],
                         [("pending", "up"), ("up", "down")])
        self.assertEqual(changes[-1]["reason"], "exit code 7: three")
        # more failures while DOWN: no new change
        self.assertSignalOk(self.get(s, "Flaky", "/fail"), mid, signal="failure")
        self.assertEqual(len(s.state_changes(mid)), 2)
        # one success brings it back
        self.assertSignalOk(self.get(s, "Flaky", "/0"), mid, signal="success")
        self.assertEqual((s.status_of("Flaky"), failures()), ("up", 0))

    def test_failures_before_down_from_pending(self):
        s = self.start_server(make_config([monitor("Flaky", failures_before_down=2)]))
        mid = s.monitor_id("Flaky")
        self.assertSignalOk(self.get(s, "Flaky", "/fail"), mid, signal="failure")
        self.assertEqual(s.status_of("Flaky"), "pending")
        self.assertSignalOk(self.get(s, "Flaky", "/fail"), mid, signal="failure")
        self.assertEqual(s.status_of("Flaky"), "down")
        self.assertEqual([(c["from_status"], c["to_status"]) for c in s.state_changes(mid)],
                         [("pending", "down")])

    def test_an_open_run_survives_a_restart(self):
        s = self.start_server(make_config([monitor("Job")]))
        mid = s.monitor_id("Job")
        rid = str(uuid.uuid4())
        self.assertSignalOk(s.push("Job"), mid)
        t0 = time.time()
        self.assertSignalOk(self.get(s, "Job", f"/start?rid={rid}"), mid, signal="start",
                            run_id=rid)
        t1 = time.time()
        self.assertSignalOk(self.get(s, "Job", "/start"), mid, signal="start")
        time.sleep(0.3)
        s.stop()
        self.assertEqual(sorted(r["run_id"] for r in self.open_runs(s, mid)), sorted(["", rid]))
        time.sleep(2.0)  # the job keeps running while the server is down
        s.start()
        time.sleep(0.3)
        t2 = time.time()
        body = self.assertSignalOk(self.get(s, "Job", f"/0?rid={rid}"), mid, signal="success",
                                   run_id=rid, duration=True)
        t3 = time.time()
        # the run lasted from its start to its finish, server outage or not
        self.assertDurationBetween(body["duration_seconds"], t2 - t1, t3 - t0)
        self.assertEqual(self.last_history(s, mid)["duration_ms"],
                         round(body["duration_seconds"] * 1000))
        # the run without a rid is still open too
        self.assertSignalOk(s.push("Job"), mid, duration=True)
        self.assertEqual(self.open_runs(s, mid), [])
        self.assertEqual(s.status_of("Job"), "up")

    def test_a_run_across_a_restart_long_enough_for_min_runtime_is_a_success(self):
        s = self.start_server(make_config([monitor("Min", min_runtime="2s")]))
        mid = s.monitor_id("Min")
        self.assertSignalOk(s.push("Min"), mid)
        t0 = time.time()
        self.assertSignalOk(self.get(s, "Min", "/start"), mid, signal="start")
        s.stop()
        time.sleep(2.0)
        s.start()
        time.sleep(0.5)
        t1 = time.time()
        r = self.get(s, "Min", "/0")
        self.assertEqual(r.status, 200, r)
        body = r.json
        self.assertGreaterEqual(t1 - t0, 2.5)
        self.assertGreaterEqual(body.get("duration_seconds", -1), t1 - t0 - 0.3 - SLACK, r)
        self.assertEqual(body["signal"], "success", f"the job ran longer than min_runtime: {r}")
        self.assertEqual(s.status_of("Min"), "up")
        self.assertEqual([c["to_status"] for c in s.state_changes(mid)], ["up"])


if __name__ == "__main__":
    unittest.main()
