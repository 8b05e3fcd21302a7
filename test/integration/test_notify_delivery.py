"""Alert delivery guarantees, end to end: a dead or hung receiver never slows pushes or other
channels, failed deliveries are retried with backoff and recorded in the outbox, alerts not
yet delivered survive a SIGTERM restart and a kill -9 (and are then delivered exactly once),
reminders repeat while DOWN and stop after recovery, and `notify-test` says whether a channel
works.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd)."""

from __future__ import annotations

import collections
import os
import statistics
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, parse_iso, run_cli, wait_until  # noqa: E402
from sinks import (ERROR, HANG, OK, HttpSink, SmtpSink, free_port, json_event, monitor,  # noqa: E402
                   outbox, smtp_channel)

FAILURE = {"status": "error", "message": "disk full on /srv/backup"}


class DeliveryTest(ServerTestCase):

    def start_sink(self, **kw) -> HttpSink:
        sink = HttpSink(**kw).start()
        self.addCleanup(sink.stop)
        return sink

    def timed_push(self, server, name, body=None) -> float:
        t = time.perf_counter()
        r = server.push(name, body=body, method="POST" if body is not None else "GET")
        elapsed = time.perf_counter() - t
        self.assertPushOk(r)
        return elapsed

    def delivered_once_each(self, sink: HttpSink, prefix: str) -> list[str]:
        """alert_ids answered 200, in arrival order; asserts none was answered 200 twice."""
        ids = [r.json()["alert_id"] for r in sink.requests(prefix, status=200)]
        dup = [i for i, n in collections.Counter(ids).items() if n > 1]
        self.assertEqual(dup, [], f"alerts delivered more than once: {sink.requests(prefix)}")
        return ids

    # (a) ----------------------------------------------------------------------------------

    def test_dead_smtp_server_slows_no_push_and_gets_the_alerts_once_it_is_up(self):
        smtp = SmtpSink()  # its port is chosen, nothing listens there yet
        self.addCleanup(smtp.stop)
        cfg = make_config([monitor("Flappy", ["mail"]), monitor("Steady", [])],
                          notifications={"mail": smtp_channel(smtp)})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Flappy"))
        latencies = []
        for i in range(20):
            latencies.append(self.timed_push(server, "Flappy", FAILURE if i % 2 == 0 else {}))
            latencies.append(self.timed_push(server, "Steady"))
        p50 = statistics.median(latencies)
        p90 = sorted(latencies)[int(len(latencies) * 0.9)]
        self.assertLess(p50, 0.05, f"push p50 {p50 * 1000:.1f} ms while alerts fail")
        self.assertLess(p90, 0.1, f"push p90 {p90 * 1000:.1f} ms while alerts fail")

        mid = server.monitor_id("Flappy")
        rows = outbox(server, "monitor_id = ?", (mid,))
        self.assertEqual([r["event"] for r in rows], ["down", "up"] * 10)
        # The first alert fails, and is tried again (backoff 1 s, 2 s, …).
        first = wait_until(lambda: (lambda r: r if r["attempts"] >= 2 else None)(
            outbox(server, "id = ?", (rows[0]["id"],))[0]), 10,
            message="a second failed attempt of the first alert")
        self.assertEqual(first["status"], "pending")
        self.assertTrue(first["last_error"])
        self.assertEqual(smtp.messages, [])

        smtp.start()
        messages = smtp.wait_for(len(rows), timeout=30)
        time.sleep(0.3)
        self.assertEqual(len(smtp.messages), len(rows), "an alert was sent twice")
        # In order, each once: the Message-ID carries the alert id.
        got = [str(m.parsed()["Message-ID"]).strip() for m in messages]
        self.assertEqual(got, [f"<{r['alert_id']}@example.com>" for r in rows])
        self.assertEqual([str(m.parsed()["Subject"]) for m in messages],
                         ["[DOWN] Flappy", "[UP] Flappy"] * 10)
        final = wait_until(lambda: (lambda rs: rs if all(r["status"] == "delivered" for r in rs)
                                    else None)(outbox(server, "monitor_id = ?", (mid,))),
                           10, message="every outbox row delivered")
        self.assertGreater(final[0]["attempts"], 1)
        for r in final:
            self.assertIsNotNone(r["delivered_at"])
            self.assertGreaterEqual(parse_iso(r["delivered_at"]), parse_iso(r["created_at"]))
            self.assertIsNone(r["gave_up_at"])

    # (b) ----------------------------------------------------------------------------------

    def test_a_hung_channel_delays_no_other_channel(self):
        hung = self.start_sink(mode=HANG)
        healthy = self.start_sink()
        cfg = make_config(
            [monitor("Two Ways", ["stuck", "fine"]), monitor("Also Stuck", ["stuck"])],
            notifications={"stuck": {"type": "webhook", "url": hung.url("/stuck")},
                           "fine": {"type": "webhook", "url": healthy.url("/fine")}})
        server = self.start_server(cfg)
        for name in ("Two Ways", "Also Stuck"):
            self.assertPushOk(server.push(name))
        t0 = time.monotonic()
        self.assertPushOk(server.push("Two Ways", body=FAILURE, method="POST"))
        [down] = healthy.wait_for(1, "/fine", timeout=2, status=200)
        self.assertEqual(json_event(down), "down")
        self.assertLess(down.received - t0, 2.0)
        hung.wait_for(1, "/stuck", timeout=2)  # held, never answered

        # While that request hangs: another monitor's alert to the same dead service is sent
        # at once too (its own queue), and the healthy channel still gets the UP at once.
        latencies = [self.timed_push(server, "Also Stuck", FAILURE)]
        t1 = time.monotonic()
        latencies.append(self.timed_push(server, "Two Ways"))
        [_, up] = healthy.wait_for(2, "/fine", timeout=2, status=200)
        self.assertEqual(json_event(up), "up")
        self.assertLess(up.received - t1, 2.0)
        stuck = hung.wait_for(2, "/stuck", timeout=2)
        self.assertEqual(sorted(r.json()["monitor"]["name"] for r in stuck),
                         ["Also Stuck", "Two Ways"])
        self.assertTrue(all(r.status is None for r in stuck))
        self.assertLess(max(latencies), 0.5, latencies)
        # The hung lane keeps its UP behind its DOWN (per-channel order): not sent yet.
        self.assertEqual(len(hung.requests("/stuck")), 2)
        self.assertEqual([r["status"] for r in outbox(server, "channel = 'stuck'")],
                         ["pending"] * 3)

    # (c) ----------------------------------------------------------------------------------

    def test_sigterm_restart_delivers_undelivered_alerts_exactly_once(self):
        sink = self.start_sink(mode=ERROR)
        cfg = make_config([monitor("Restart Job", ["hook"])],
                          notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Restart Job"))
        for body in (FAILURE, None, FAILURE):
            self.assertPushOk(server.push("Restart Job", body=body,
                                          method="POST" if body else "GET"))
        sink.wait_for(1, "/hook", timeout=10, status=500)
        server.stop()
        rows = outbox(server)
        self.assertEqual([(r["event"], r["status"]) for r in rows],
                         [("down", "pending"), ("up", "pending"), ("down", "pending")])
        self.assertGreaterEqual(rows[0]["attempts"], 1)
        self.assertIn("HTTP 500", rows[0]["last_error"])
        failed_ids = {r.json()["alert_id"] for r in sink.requests("/hook")}
        self.assertEqual(failed_ids, {rows[0]["alert_id"]}, "only the head of the queue is tried")

        sink.set_mode(OK)
        server.start()
        self.assertIn("3 undelivered alerts", server.run_log())
        sink.wait_for(3, "/hook", timeout=15, status=200)
        wait_until(lambda: all(r["status"] == "delivered" for r in outbox(server)), 5,
                   message="every outbox row delivered")
        self.assertEqual(self.delivered_once_each(sink, "/hook"), [r["alert_id"] for r in rows])
        self.assertEqual([json_event(r) for r in sink.requests("/hook", status=200)],
                         ["down", "up", "down"])

        # Delivered alerts stay delivered: another restart sends nothing again.
        n = len(sink.requests("/hook"))
        server.stop()
        server.start()
        self.assertNotIn("undelivered alerts", server.run_log())
        time.sleep(1.5)
        self.assertEqual(len(sink.requests("/hook")), n, sink.requests("/hook")[n:])

    # (d) ----------------------------------------------------------------------------------

    def test_kill9_right_after_an_acknowledged_down_still_delivers_it(self):
        sink = self.start_sink(mode=HANG)  # whatever the first run sends is never answered
        cfg = make_config([monitor("Crashy", ["hook"], group="fragile")],
                          notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Crashy"))
        self.assertPushOk(server.push("Crashy", body=FAILURE, method="POST"))
        server.kill9()
        [row] = outbox(server)
        self.assertEqual((row["event"], row["status"]), ("down", "pending"))

        sink.set_mode(OK)
        server.start()
        [r] = sink.wait_for(1, "/hook", timeout=10, status=200)
        doc = r.json()
        self.assertEqual(doc["event"], "down")
        self.assertEqual(doc["alert_id"], row["alert_id"])
        self.assertEqual(doc["message"], "disk full on /srv/backup")
        self.assertEqual(doc["monitor"]["group"], "fragile")
        wait_until(lambda: outbox(server)[0]["status"] == "delivered", 5, message="delivered")
        time.sleep(0.5)
        self.delivered_once_each(sink, "/hook")
        self.assertEqual(server.status_of("Crashy"), "down")

    # (e) ----------------------------------------------------------------------------------

    def test_outbox_records_failed_attempts_then_delivery(self):
        sink = self.start_sink(mode=ERROR)
        offline = self.start_sink()
        offline.stop()  # its port is known; nothing listens there until it starts again
        cfg = make_config([monitor("Recorded", ["hook", "nowhere"])],
                          notifications={
                              "hook": {"type": "webhook", "url": sink.url("/hook")},
                              "nowhere": {"type": "webhook", "url": offline.url("/x")}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Recorded"))
        self.assertPushOk(server.push("Recorded", body=FAILURE, method="POST"))

        def row(channel):
            return outbox(server, "channel = ?", (channel,))[0]

        failing = wait_until(lambda: (lambda r: r if r["attempts"] >= 2 else None)(row("hook")),
                             10, message="two failed attempts recorded")
        self.assertEqual(failing["status"], "pending")
        self.assertEqual(failing["event"], "down")
        self.assertIn("HTTP 500", failing["last_error"])
        self.assertIn("sink says no", failing["last_error"], "the server's answer is kept")
        self.assertGreater(parse_iso(failing["next_attempt_at"]), parse_iso(failing["created_at"]))
        self.assertIsNone(failing["delivered_at"])
        self.assertIsNone(failing["gave_up_at"])
        nowhere = wait_until(lambda: (lambda r: r if r["attempts"] >= 1 else None)(row("nowhere")),
                             10, message="a failed attempt on the closed port")
        self.assertRegex(nowhere["last_error"].lower(), r"connect|refused")
        self.assertEqual(nowhere["status"], "pending")

        sink.set_mode(OK)
        sink.wait_for(1, "/hook", timeout=15, status=200)
        done = wait_until(lambda: (lambda r: r if r["status"] == "delivered" else None)(row("hook")),
                          5, message="the hook row delivered")
        self.assertEqual(done["attempts"], len(sink.requests("/hook")))
        self.assertGreaterEqual(done["attempts"], 3)
        self.assertGreaterEqual(parse_iso(done["delivered_at"]), parse_iso(done["created_at"]))
        self.assertIsNone(done["gave_up_at"])

        # The receiver that was down comes back on the same port: the alert arrives.
        self.assertEqual(row("nowhere")["status"], "pending")
        offline.start()
        [r] = offline.wait_for(1, "/x", timeout=20, status=200)
        self.assertEqual(r.json()["alert_id"], row("nowhere")["alert_id"])
        back = wait_until(lambda: (lambda r: r if r["status"] == "delivered" else None)(row("nowhere")),
                          5, message="the nowhere row delivered")
        self.assertGreaterEqual(back["attempts"], 2)

    def test_alerts_for_a_channel_removed_by_reload_are_given_up_with_a_reason(self):
        cfg = make_config([monitor("Orphan", ["gone"])],
                          notifications={"gone": {"type": "webhook",
                                                  "url": f"http://127.0.0.1:{free_port()}/x"}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Orphan"))
        self.assertPushOk(server.push("Orphan", body=FAILURE, method="POST"))
        wait_until(lambda: outbox(server)[0]["attempts"] >= 1, 10, message="a failed attempt")
        server.write_config(make_config([monitor("Orphan", [])]))
        server.reload()
        r = wait_until(lambda: (lambda r: r if r["status"] != "pending" else None)(outbox(server)[0]),
                       15, message="the orphaned alert given up")
        self.assertEqual(r["status"], "failed")
        self.assertIsNotNone(r["gave_up_at"])
        self.assertIsNone(r["delivered_at"])
        self.assertIn("gone", r["last_error"])

    def test_a_reload_that_fixes_a_channel_delivers_its_pending_alerts(self):
        sink = self.start_sink()
        dead_url = f"http://127.0.0.1:{free_port()}/hook/S3CRETPATH"
        cfg = make_config([monitor("Misconfigured", ["hook"])],
                          notifications={"hook": {"type": "webhook", "url": dead_url}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Misconfigured"))
        self.assertPushOk(server.push("Misconfigured", body=FAILURE, method="POST"))
        before = wait_until(lambda: (lambda r: r if r["attempts"] >= 1 else None)(outbox(server)[0]),
                            10, message="a failed attempt")
        self.assertRegex(before["last_error"].lower(), r"connect|refused")
        server.write_config(make_config(
            [monitor("Misconfigured", ["hook"])],
            notifications={"hook": {"type": "webhook", "url": sink.url("/hook/fixed")}}))
        server.reload()
        [r] = sink.wait_for(1, "/hook/fixed", timeout=15, status=200)
        self.assertEqual(r.json()["alert_id"], before["alert_id"])
        self.assertEqual(r.json()["event"], "down")
        row = wait_until(lambda: (lambda r: r if r["status"] == "delivered" else None)(outbox(server)[0]),
                         5, message="delivered")
        self.assertGreaterEqual(row["attempts"], 2)
        # The failing URL is a secret (a webhook URL often is): no log line shows it.
        self.assertNotIn("S3CRETPATH", server.log_text())
        self.assertNotIn(server.secret_key("Misconfigured"), server.log_text().replace(
            server.monitors["Misconfigured"][1], ""))

    def test_sigterm_with_a_transfer_hanging_stops_promptly_and_resends_after_restart(self):
        sink = self.start_sink(mode=HANG)
        cfg = make_config([monitor("Held", ["hook"])],
                          notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Held"))
        self.assertPushOk(server.push("Held", body=FAILURE, method="POST"))
        sink.wait_for(1, "/hook", timeout=10)  # in flight, never answered
        t = time.monotonic()
        server.stop()
        self.assertLess(time.monotonic() - t, 5.0, "SIGTERM waited for a hung receiver")
        [row] = outbox(server)
        self.assertEqual(row["status"], "pending")

        sink.set_mode(OK)
        server.start()
        [r] = sink.wait_for(1, "/hook", timeout=10, status=200)
        self.assertEqual(r.json()["alert_id"], row["alert_id"])
        wait_until(lambda: outbox(server)[0]["status"] == "delivered", 5, message="delivered")
        time.sleep(0.5)
        self.delivered_once_each(sink, "/hook")

    def test_a_restart_while_down_sends_no_new_down_and_reminders_go_on(self):
        sink = self.start_sink()
        cfg = make_config([monitor("Still Broken", ["hook"], remind_every="2s")],
                          notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Still Broken"))
        self.assertPushOk(server.push("Still Broken", body=FAILURE, method="POST"))
        [down] = sink.wait_for(1, "/hook", timeout=5, where=lambda r: json_event(r) == "down")
        server.stop()
        restarted = time.monotonic()
        server.start()
        self.assertEqual(server.status_of("Still Broken"), "down")
        later = sink.wait_for(2, "/hook", timeout=8,
                              where=lambda r: r.received > restarted and json_event(r) == "reminder")
        for r in later:
            self.assertEqual(r.json()["occurred_at"], down.json()["occurred_at"])
        events = [json_event(r) for r in sink.requests("/hook")]
        self.assertEqual(events.count("down"), 1, f"a restart re-sent the DOWN: {events}")
        self.assertEqual([r["event"] for r in outbox(server, "event = 'down'")], ["down"])
        self.assertPushOk(server.push("Still Broken"))
        sink.wait_for(1, "/hook", timeout=5, where=lambda r: json_event(r) == "up")
        self.delivered_once_each(sink, "/hook")

    # (f) ----------------------------------------------------------------------------------

    def test_remind_every_repeats_the_down_alert_until_recovery(self):
        sink = self.start_sink()
        cfg = make_config([monitor("Nagging", ["hook", "pd"], remind_every="2s")],
                          notifications={"hook": {"type": "webhook", "url": sink.url("/hook")},
                                         "pd": {"type": "pagerduty", "routing_key": "rk",
                                                "api_url": sink.url("/pd")}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Nagging"))
        self.assertPushOk(server.push("Nagging", body=FAILURE, method="POST"))
        [down] = sink.wait_for(1, "/hook", timeout=5, where=lambda r: json_event(r) == "down")
        reminders = sink.wait_for(2, "/hook", timeout=8, where=lambda r: json_event(r) == "reminder")
        first, second = reminders[:2]
        self.assertLess(first.received - down.received, 3.2)
        self.assertGreater(second.received - first.received, 1.4)
        self.assertLess(second.received - first.received, 3.0)
        for r in reminders:
            doc = r.json()
            self.assertEqual(doc["status"], "down")
            self.assertEqual(doc["message"], "disk full on /srv/backup")
            self.assertEqual(doc["occurred_at"], down.json()["occurred_at"])
        self.assertEqual(len({r.json()["alert_id"] for r in [down] + reminders}), 1 + len(reminders))

        self.assertPushOk(server.push("Nagging"))
        [up] = sink.wait_for(1, "/hook", timeout=5, where=lambda r: json_event(r) == "up")
        time.sleep(2.6)  # longer than one reminder period: none may come after the UP
        after = [r for r in sink.requests("/hook") if r.received > up.received]
        self.assertEqual(after, [])
        self.assertEqual([json_event(r) for r in sink.requests("/hook")][-1], "up")
        events = [r["event"] for r in outbox(server, "channel = 'hook'")]
        self.assertEqual(events, [json_event(r) for r in sink.requests("/hook")])
        # PagerDuty: the DOWN and every reminder trigger the one incident; the UP resolves it.
        pd = sink.wait_for(len(events), "/pd", timeout=5)
        self.assertEqual([r.json()["event_action"] for r in pd],
                         ["trigger"] * (len(events) - 1) + ["resolve"])
        self.assertEqual({r.json()["dedup_key"] for r in pd},
                         {f"uptime-monitor-{server.monitor_id('Nagging')}"})
        self.assertTrue(all("[REMINDER]" in r.json()["payload"]["summary"] for r in pd[1:-1]), pd)

    # (g) ----------------------------------------------------------------------------------

    NOTIFY_TEST_TIMEOUT = 10.0  # a test alert to 127.0.0.1 takes milliseconds

    def notify_test(self, server, channel) -> tuple[int, str]:
        try:
            p = run_cli("notify-test", "--config", server.config_path, channel,
                        timeout=self.NOTIFY_TEST_TIMEOUT)
        except subprocess.TimeoutExpired:
            p = None
        if p is None:
            self.fail(f"`uptime-monitor notify-test {channel}` did not finish within "
                      f"{self.NOTIFY_TEST_TIMEOUT:.0f}s (it hangs)")
        return p.returncode, p.stdout + p.stderr

    def notify_test_config(self, sink: HttpSink, smtp: SmtpSink):
        sink.set_mode(ERROR, "/broken")
        cfg = make_config([monitor("Any", ["good-hook"])], notifications={
            "good-hook": {"type": "webhook", "url": sink.url("/good")},
            "broken-hook": {"type": "webhook", "url": sink.url("/broken")},
            "refused-hook": {"type": "slack", "webhook_url": f"http://127.0.0.1:{free_port()}/s"},
            "good-mail": smtp_channel(smtp),
            "dead-mail": smtp_channel(SmtpSink()),  # a port where nothing listens
        })
        return self.start_server(cfg, start=False)

    def test_notify_test_delivers_through_a_working_channel(self):
        sink = self.start_sink()
        smtp = SmtpSink().start()
        self.addCleanup(smtp.stop)
        server = self.notify_test_config(sink, smtp)

        rc, out = self.notify_test(server, "good-hook")
        self.assertEqual(rc, 0, out)
        self.assertIn("Delivered", out)
        [r] = sink.requests("/good")
        self.assertEqual(r.json()["event"], "test")
        self.assertRegex(r.json()["alert_id"], r"^[0-9a-f-]{36}$")

        rc, out = self.notify_test(server, "good-mail")
        self.assertEqual(rc, 0, out)
        self.assertIn("Delivered", out)
        [m] = smtp.wait_for(1, timeout=5)
        self.assertTrue(str(m.parsed()["Subject"]).startswith("[TEST]"), m.parsed()["Subject"])
        self.assertFalse(os.path.exists(server.db_path), "notify-test must not create a database")

    def test_notify_test_reports_the_servers_error_for_a_broken_channel(self):
        sink = self.start_sink()
        smtp = SmtpSink().start()
        self.addCleanup(smtp.stop)
        server = self.notify_test_config(sink, smtp)

        rc, out = self.notify_test(server, "broken-hook")
        self.assertEqual(rc, 1, out)
        self.assertNotIn("Delivered a test", out)
        self.assertIn("HTTP 500", out)
        self.assertEqual(len(sink.requests("/broken")), 1)

        for channel in ("refused-hook", "dead-mail"):
            rc, out = self.notify_test(server, channel)
            self.assertEqual(rc, 1, out)
            self.assertNotIn("Delivered a test", out)
            self.assertRegex(out.lower(), r"connect|refused", out)

    def test_notify_test_refuses_an_unknown_channel(self):
        sink = self.start_sink()
        smtp = SmtpSink()
        server = self.notify_test_config(sink, smtp)
        rc, out = self.notify_test(server, "no-such-channel")
        self.assertNotEqual(rc, 0, out)
        self.assertIn("no-such-channel", out)
        self.assertEqual(sink.requests(), [])


if __name__ == "__main__":
    unittest.main()
