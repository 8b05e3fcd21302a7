"""Contract 2: the optional push body {"status","message","details"}, read whatever the
Content-Type; failure statuses; require_payload; body size limits."""

import json
import unittest

from harness import ServerTestCase, make_config, push_monitor

FAILURE_STATUSES = ["error", "fail", "failure", "down"]


class PushBodyTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config(
            [push_monitor(f"Job {st}", "60s", "10s") for st in FAILURE_STATUSES]
            + [push_monitor("Plain", "60s", "10s"),
               push_monitor("Strict", "60s", "10s", require_payload=True)]))

    def assert_went_down_with_reason(self, name, message, push_received_at):
        s = self.server
        mid = s.monitor_id(name)
        row = s.monitor_row(mid)
        self.assertEqual(row["status"], "down")
        self.assertEqual(row["status_reason"], message)
        changes = [(c["from_status"], c["to_status"], c["reason"]) for c in s.state_changes(mid)]
        self.assertEqual(changes, [("pending", "up", ""), ("up", "down", message)])
        down_change = s.state_changes(mid)[-1]
        self.assertEqual(down_change["timestamp"], push_received_at)
        down_checks = [c for c in s.check_results(mid) if c["status"] == "down"]
        self.assertEqual(len(down_checks), 1, [dict(c) for c in s.check_results(mid)])
        self.assertEqual(down_checks[0]["error_message"], message)
        self.assertEqual(down_checks[0]["timestamp"], push_received_at)
        self.assertEqual(s.push_history(mid)[-1]["status"], "failure")
        self.assertEqual(s.push_history(mid)[-1]["message"], message)

    # ---- failure statuses -------------------------------------------------------------------

    def test_a_failure_status_marks_the_monitor_down_at_once_with_the_message_as_reason(self):
        s = self.server
        for st in FAILURE_STATUSES:
            with self.subTest(status=st):
                name = f"Job {st}"
                self.assertPushOk(s.push(name))
                self.assertEqual(s.status_of(name), "up")
                message = f"backup failed: disk full ({st})"
                r = s.push(name, method="POST",
                           body={"status": st, "message": message, "details": {"code": 28}},
                           headers={"Content-Type": "application/json"})
                body = self.assertPushOk(r, s.monitor_id(name))
                self.assert_went_down_with_reason(name, message, body["received_at"])

    def test_the_body_is_read_as_json_whatever_the_content_type(self):
        s = self.server
        # curl -d sends application/x-www-form-urlencoded; also text/plain and no type at all.
        for i, ctype in enumerate(["application/x-www-form-urlencoded", "text/plain", None]):
            st = FAILURE_STATUSES[i]
            with self.subTest(content_type=ctype):
                name = f"Job {st}"
                self.assertPushOk(s.push(name))
                headers = {"Content-Type": ctype} if ctype else {}
                message = f"sent as {ctype}"
                body = self.assertPushOk(s.push(
                    name, method="POST",
                    body=json.dumps({"status": st, "message": message}).encode(),
                    headers=headers))
                self.assert_went_down_with_reason(name, message, body["received_at"])

    def test_other_statuses_and_no_status_count_as_success(self):
        s = self.server
        mid = s.monitor_id("Plain")
        bodies = [{"status": "ok"}, {"status": "up"}, {"status": "success"},
                  {"status": "warning", "message": "slow"}, {"status": ""},
                  {"message": "no status at all"}, {"details": {"files": 3}}, {},
                  {"status": 1}, {"status": None}, {"status": ["down"]},
                  {"status": "downtime"}, {"status": "errors"}]
        for body in bodies:
            with self.subTest(body=body):
                self.assertPushOk(s.push("Plain", method="POST", body=body))
                self.assertEqual(s.status_of("Plain"), "up")
                self.assertEqual(s.push_history(mid)[-1]["status"], "success")
        self.assertEqual([(c["from_status"], c["to_status"]) for c in s.state_changes(mid)],
                         [("pending", "up")])

    def test_a_success_push_after_a_failure_brings_the_monitor_back_up(self):
        s = self.server
        mid = s.monitor_id("Plain")
        self.assertPushOk(s.push("Plain", method="POST", body={"status": "fail", "message": "x"}))
        self.assertEqual(s.status_of("Plain"), "down")
        self.assertPushOk(s.push("Plain", method="POST", body={"status": "ok", "message": "fine"}))
        self.assertEqual(s.status_of("Plain"), "up")
        self.assertEqual([(c["from_status"], c["to_status"], c["reason"])
                          for c in s.state_changes(mid)],
                         [("pending", "down", "x"), ("down", "up", "")])

    def test_message_and_payload_are_stored_with_the_push(self):
        s = self.server
        mid = s.monitor_id("Plain")
        raw = json.dumps({"status": "ok", "message": "12 files, 3.2 GB",
                          "details": {"files": 12, "bytes": 3200000000}})
        self.assertPushOk(s.push("Plain", method="POST", body=raw))
        row = s.push_history(mid)[-1]
        self.assertEqual(row["message"], "12 files, 3.2 GB")
        self.assertEqual(row["payload"], raw)
        self.assertEqual(row["status"], "success")

    # ---- invalid JSON -----------------------------------------------------------------------

    def test_invalid_json_is_accepted_and_kept_as_the_message(self):
        s = self.server
        mid = s.monitor_id("Plain")
        for text in ["backup finished: 12 files", "{not json", "status=down&msg=x"]:
            with self.subTest(text=text):
                self.assertPushOk(s.push("Plain", method="POST", body=text,
                                         headers={"Content-Type":
                                                  "application/x-www-form-urlencoded"}))
                self.assertEqual(s.status_of("Plain"), "up")
                row = s.push_history(mid)[-1]
                self.assertEqual(row["message"], text)
                self.assertEqual(row["status"], "success")

    # ---- require_payload --------------------------------------------------------------------

    def test_require_payload_refuses_a_missing_or_non_object_body_with_400_and_changes_nothing(self):
        s = self.server
        mid = s.monitor_id("Strict")
        cases = [("GET", None), ("POST", None), ("POST", b""), ("POST", b"   \n"),
                 ("HEAD", None), ("POST", b"[1, 2]"), ("POST", b'"down"'), ("POST", b"42"),
                 ("POST", b"null"), ("POST", b"not json"), ("POST", b'{"status": "down"')]
        for method, body in cases:
            with self.subTest(method=method, body=body):
                r = s.push("Strict", method=method, body=body)
                if method == "HEAD":
                    self.assertEqual(r.status, 400, r)
                else:
                    self.assertJsonError(r, 400)
                self.assertEqual(s.status_of("Strict"), "pending")
                self.assertEqual(s.push_history(mid), [])
                self.assertEqual(s.state_changes(mid), [])
                row = s.monitor_row(mid)
                self.assertIsNone(row["last_push_at"])

    def test_require_payload_accepts_a_json_object_and_a_later_bad_body_changes_nothing(self):
        s = self.server
        mid = s.monitor_id("Strict")
        first = self.assertPushOk(s.push("Strict", method="POST", body={"status": "ok"}), mid)
        self.assertPushOk(s.push("Strict", method="POST", body={}), mid)
        self.assertEqual(s.status_of("Strict"), "up")
        before = s.monitor_row(mid)
        self.assertJsonError(s.push("Strict"), 400)
        self.assertJsonError(s.push("Strict", method="POST", body=b"[]"), 400)
        after = s.monitor_row(mid)
        self.assertEqual(dict(after), dict(before))
        self.assertEqual(len(s.push_history(mid)), 2)
        self.assertGreaterEqual(after["last_push_at"], first["received_at"])

    # ---- sizes ------------------------------------------------------------------------------

    def test_the_default_body_limit_refuses_200_kib_with_413_json(self):
        s = self.server
        mid = s.monitor_id("Plain")
        big = json.dumps({"status": "ok", "message": "x" * (200 * 1024)})
        self.assertJsonError(s.push("Plain", method="POST", body=big), 413)
        self.assertEqual(s.push_history(mid), [])
        self.assertEqual(s.status_of("Plain"), "pending")
        # under the default 100 KiB: accepted
        fits = json.dumps({"status": "ok", "message": "y" * (90 * 1024)})
        self.assertPushOk(s.push("Plain", method="POST", body=fits), mid)
        self.assertEqual(len(s.push_history(mid)), 1)


    def test_a_chunked_body_is_read_like_any_other(self):
        s = self.server
        conn = s.connection()
        self.addCleanup(conn.close)
        self.assertPushOk(s.push("Plain", conn=conn))
        conn.request("POST", s.push_path("Plain"),
                     body=iter([b'{"status":', b'"down","message":', b'"sent in chunks"}']),
                     headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)
        r = conn.getresponse()
        self.assertEqual(r.status, 200, r.read())
        r.read()
        self.assertEqual(s.status_of("Plain"), "down")
        self.assertEqual(s.push_history(s.monitor_id("Plain"))[-1]["message"], "sent in chunks")


class SmallBodyLimitTest(ServerTestCase):
    def test_a_body_over_max_body_bytes_is_413_json_and_the_server_keeps_working(self):
        s = self.start_server(make_config([push_monitor("Plain")],
                                          server={"max_body_bytes": 1000}))
        mid = s.monitor_id("Plain")
        at_limit = b'{"message":"' + b"a" * (1000 - 14) + b'"}'
        self.assertEqual(len(at_limit), 1000)
        self.assertPushOk(s.push("Plain", method="POST", body=at_limit), mid)
        for size in [1001, 5000, 200 * 1024]:
            with self.subTest(size=size):
                prefix, suffix = b'{"status":"down","message":"', b'"}'
                body = prefix + b"b" * (size - len(prefix) - len(suffix)) + suffix
                self.assertEqual(len(body), size)
                self.assertJsonError(s.push("Plain", method="POST", body=body), 413)
        # a chunked body over the limit too
        conn = s.connection()
        self.addCleanup(conn.close)
        conn.request("POST", s.push_path("Plain"), body=iter([b"x" * 600, b"y" * 600]),
                     headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)
        r = conn.getresponse()
        self.assertEqual(r.status, 413)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        self.assertIn("error", json.loads(r.read()))
        self.assertEqual(len(s.push_history(mid)), 1)
        self.assertEqual(s.status_of("Plain"), "up")
        self.assertPushOk(s.push("Plain"), mid)
        self.assertEqual(s.request("GET", "/health").status, 200)


if __name__ == "__main__":
    unittest.main()
