"""Chat and push channels, end to end: one HTTP sink stands in for every service (each
channel's base URL points at its own path on the sink), and the real binary's DOWN and UP
alerts must reach each one in the shape its service documents (Slack, Discord, Teams,
Telegram, ntfy, Gotify, Pushover, PagerDuty Events v2, and the generic webhook). alert_on
filters events; the first push of a new monitor alerts nothing."""

from __future__ import annotations

import email.header
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, parse_iso, wait_until  # noqa: E402
from sinks import ERROR, OK, HttpSink, json_event, monitor, outbox  # noqa: E402

FAILURE = {"status": "error", "message": "disk full on /srv/backup"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

CHANNEL_PATHS = {
    "hook": "/hook/uptime",
    "slack": "/slack/services/T000/B000/XXXX",
    "discord": "/discord/api/webhooks/123/abc",
    "teams": "/teams/workflows/xyz/invoke",
    "telegram": "/telegram",
    "ntfy": "/ntfy",
    "gotify": "/gotify",
    "pushover": "/pushover",
    "pagerduty": "/pagerduty",
}


def all_channels(sink: HttpSink) -> dict:
    return {
        "hook": {"type": "webhook", "url": sink.url(CHANNEL_PATHS["hook"] + "?source=uptime"),
                 "method": "PUT",
                 "headers": {"Authorization": "Bearer hook-token-1", "X-Custom": "custom value"}},
        "slack": {"type": "slack", "webhook_url": sink.url(CHANNEL_PATHS["slack"])},
        "discord": {"type": "discord", "webhook_url": sink.url(CHANNEL_PATHS["discord"])},
        "teams": {"type": "teams", "webhook_url": sink.url(CHANNEL_PATHS["teams"])},
        "telegram": {"type": "telegram", "bot_token": "123456:ABC-token", "chat_id": "-1001234567890",
                     "api_url": sink.url(CHANNEL_PATHS["telegram"])},
        "ntfy": {"type": "ntfy", "server": sink.url(CHANNEL_PATHS["ntfy"]), "topic": "uptime-alerts-k3x9",
                 "token": "tk_ntfy", "priority_down": "urgent", "priority_up": "2"},
        "gotify": {"type": "gotify", "server": sink.url(CHANNEL_PATHS["gotify"]),
                   "token": "gotify-app-token", "priority_down": 9, "priority_up": 3},
        "pushover": {"type": "pushover", "token": "po-app-token", "user": "po-user-key",
                     "api_url": sink.url(CHANNEL_PATHS["pushover"]), "priority_down": 1,
                     "priority_up": -1},
        "pagerduty": {"type": "pagerduty", "routing_key": "R0UT1NGKEY",
                      "api_url": sink.url(CHANNEL_PATHS["pagerduty"]), "severity": "error"},
    }


class ChannelsTest(ServerTestCase):

    def start_sink(self, **kw) -> HttpSink:
        sink = HttpSink(**kw).start()
        self.addCleanup(sink.stop)
        return sink

    def test_down_and_up_reach_every_channel_in_its_format(self):
        sink = self.start_sink()
        name = "Payments Sync"
        cfg = make_config([monitor(name, list(CHANNEL_PATHS), group="billing")],
                          notifications=all_channels(sink))
        server = self.start_server(cfg)
        mid = server.monitor_id(name)
        secret = server.secret_key(name)

        self.assertPushOk(server.push(name), mid)
        self.assertPushOk(server.push(name, body=FAILURE, method="POST"), mid)
        # Every channel's DOWN, then UP (each lane is in order, so wait for the DOWNs first).
        sink.wait_for(len(CHANNEL_PATHS), timeout=10, status=200)
        down_ok = server.push(name)
        self.assertPushOk(down_ok, mid)
        sink.wait_for(2 * len(CHANNEL_PATHS), timeout=10, status=200)
        time.sleep(0.3)  # nothing more may come: exactly two requests per channel
        for channel, prefix in CHANNEL_PATHS.items():
            got = sink.requests(prefix)
            self.assertEqual(len(got), 2, f"{channel}: {got}")
            for r in got:
                self.assertNotIn(secret.encode(), r.body, f"{channel} carries the secret key")
                self.assertEqual(r.status, 200)

        rows = outbox(server, "monitor_id = ?", (mid,))
        self.assertEqual(sorted((r["channel"], r["event"]) for r in rows),
                         sorted((c, e) for c in CHANNEL_PATHS for e in ("down", "up")))
        wait_until(lambda: all(r["status"] == "delivered" for r in outbox(server)), 5,
                   message="every outbox row delivered")
        ids = {(r["channel"], r["event"]): r["alert_id"] for r in rows}

        def pair(prefix):
            down, up = sink.requests(prefix)
            return down, up

        # -- webhook: custom method, headers and the JSON document
        down, up = pair(CHANNEL_PATHS["hook"])
        for r, event in ((down, "down"), (up, "up")):
            self.assertEqual(r.method, "PUT")
            self.assertEqual(r.path, CHANNEL_PATHS["hook"] + "?source=uptime")
            self.assertEqual(r.headers["Authorization"], "Bearer hook-token-1")
            self.assertEqual(r.headers["X-Custom"], "custom value")
            self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
            doc = r.json()
            self.assertEqual(set(doc) - {"duration_seconds"},
                             {"event", "monitor", "status", "previous_status", "message",
                              "occurred_at", "last_push_at", "next_expected_by", "alert_id"})
            self.assertEqual(doc["event"], event)
            self.assertEqual(doc["monitor"], {"id": mid, "name": name, "group": "billing",
                                              "type": "push"})
            self.assertRegex(doc["alert_id"], UUID)
            self.assertEqual(doc["alert_id"], ids[("hook", event)])
            parse_iso(doc["occurred_at"])
            parse_iso(doc["last_push_at"])
            parse_iso(doc["next_expected_by"])
        self.assertEqual((down.json()["status"], down.json()["previous_status"]), ("down", "up"))
        self.assertEqual(down.json()["message"], "disk full on /srv/backup")
        self.assertEqual((up.json()["status"], up.json()["previous_status"]), ("up", "down"))
        self.assertEqual(up.json()["occurred_at"], down_ok.json["received_at"])
        self.assertEqual(up.json()["next_expected_by"], down_ok.json["next_expected_by"])
        self.assertNotEqual(down.json()["alert_id"], up.json()["alert_id"])

        # -- Slack: "text" is the headline, one attachment with the details
        down, up = pair(CHANNEL_PATHS["slack"])
        for r, word, color in ((down, "DOWN", "danger"), (up, "UP", "good")):
            self.assertEqual(r.method, "POST")
            self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
            doc = r.json()
            self.assertEqual(doc["text"], f"[{word}] {name}")
            [att] = doc["attachments"]
            self.assertEqual(att["color"], color)
            self.assertIn(name, att["text"])
            self.assertIn("billing", att["text"])
        self.assertIn("disk full on /srv/backup", down.json()["attachments"][0]["text"])

        # -- Discord: content and one embed; mentions disabled
        down, up = pair(CHANNEL_PATHS["discord"])
        for r, word in ((down, "DOWN"), (up, "UP")):
            doc = r.json()
            self.assertEqual(doc["content"], f"[{word}] {name}")
            [embed] = doc["embeds"]
            self.assertEqual(embed["title"], f"[{word}] {name}")
            self.assertIn(name, embed["description"])
            self.assertIsInstance(embed["color"], int)
            parse_iso(embed["timestamp"])
            self.assertEqual(doc["allowed_mentions"], {"parse": []})
        self.assertIn("disk full on /srv/backup", down.json()["embeds"][0]["description"])
        self.assertNotEqual(down.json()["embeds"][0]["color"], up.json()["embeds"][0]["color"])

        # -- Teams: a message with one Adaptive Card attachment
        down, up = pair(CHANNEL_PATHS["teams"])
        for r, word in ((down, "DOWN"), (up, "UP")):
            doc = r.json()
            self.assertEqual(doc["type"], "message")
            [att] = doc["attachments"]
            self.assertEqual(att["contentType"], "application/vnd.microsoft.card.adaptive")
            card = att["content"]
            self.assertEqual(card["type"], "AdaptiveCard")
            self.assertIn("version", card)
            texts = [b.get("text", "") for b in card["body"]]
            self.assertIn(f"[{word}] {name}", texts)
            facts = {f["title"]: f["value"] for b in card["body"] if b["type"] == "FactSet"
                     for f in b["facts"]}
            self.assertEqual(facts.get("Group"), "billing")
        facts = {f["title"]: f["value"] for b in down.json()["attachments"][0]["content"]["body"]
                 if b["type"] == "FactSet" for f in b["facts"]}
        self.assertEqual(facts.get("Reason"), "disk full on /srv/backup")

        # -- Telegram: /bot<token>/sendMessage with chat_id and text
        down, up = pair(CHANNEL_PATHS["telegram"])
        for r, word in ((down, "DOWN"), (up, "UP")):
            self.assertEqual(r.method, "POST")
            self.assertEqual(r.route, "/telegram/bot123456:ABC-token/sendMessage")
            doc = r.json()
            self.assertEqual(doc["chat_id"], -1001234567890)
            self.assertTrue(doc["text"].startswith(f"[{word}] {name}"), doc["text"])
            self.assertNotIn("parse_mode", doc)
        self.assertIn("disk full on /srv/backup", down.json()["text"])

        # -- ntfy: POST /<topic>, Title/Priority/Tags headers, plain text body
        down, up = pair(CHANNEL_PATHS["ntfy"])
        for r, word, priority in ((down, "DOWN", "urgent"), (up, "UP", "2")):
            self.assertEqual(r.method, "POST")
            self.assertEqual(r.route, "/ntfy/uptime-alerts-k3x9")
            self.assertEqual(r.headers["Title"], f"[{word}] {name}")
            self.assertEqual(r.headers["Priority"], priority)
            self.assertEqual(r.headers["Authorization"], "Bearer tk_ntfy")
            self.assertTrue(r.headers["Tags"])
            self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
            self.assertIn(name, r.body.decode("utf-8"))
        self.assertIn("disk full on /srv/backup", down.body.decode("utf-8"))

        # -- Gotify: POST /message, token, title/message/priority
        down, up = pair(CHANNEL_PATHS["gotify"])
        for r, word, priority in ((down, "DOWN", 9), (up, "UP", 3)):
            self.assertEqual(r.method, "POST")
            self.assertEqual(r.route, "/gotify/message")
            token = r.headers.get("X-Gotify-Key") or dict(
                p.split("=", 1) for p in r.path.partition("?")[2].split("&") if "=" in p).get("token")
            self.assertEqual(token, "gotify-app-token")
            doc = r.json()
            self.assertEqual(doc["title"], f"[{word}] {name}")
            self.assertIn(name, doc["message"])
            self.assertEqual(doc["priority"], priority)
        self.assertIn("disk full on /srv/backup", down.json()["message"])

        # -- Pushover: form-encoded token/user/title/message/priority
        down, up = pair(CHANNEL_PATHS["pushover"])
        for r, word, priority in ((down, "DOWN", "1"), (up, "UP", "-1")):
            self.assertEqual(r.method, "POST")
            self.assertEqual(r.route, "/pushover/1/messages.json")
            self.assertTrue(r.headers["Content-Type"].startswith("application/x-www-form-urlencoded"))
            form = r.form()
            self.assertEqual(form["token"], "po-app-token")
            self.assertEqual(form["user"], "po-user-key")
            self.assertEqual(form["title"], f"[{word}] {name}")
            self.assertIn(name, form["message"])
            self.assertEqual(form["priority"], priority)
            self.assertRegex(form.get("timestamp", "0"), r"^\d{10}$")
        self.assertIn("disk full on /srv/backup", down.form()["message"])

        # -- PagerDuty Events v2: trigger, then resolve with the same dedup_key
        down, up = pair(CHANNEL_PATHS["pagerduty"])
        for r in (down, up):
            self.assertEqual(r.method, "POST")
            self.assertEqual(r.route, "/pagerduty/v2/enqueue")
        d, u = down.json(), up.json()
        self.assertEqual(d["routing_key"], "R0UT1NGKEY")
        self.assertEqual(u["routing_key"], "R0UT1NGKEY")
        self.assertEqual(d["event_action"], "trigger")
        self.assertEqual(u["event_action"], "resolve")
        self.assertEqual(d["dedup_key"], f"uptime-monitor-{mid}")
        self.assertEqual(u["dedup_key"], d["dedup_key"])
        self.assertEqual(d["payload"]["severity"], "error")
        self.assertIn(name, d["payload"]["summary"])
        self.assertIn("disk full on /srv/backup", d["payload"]["summary"])
        self.assertTrue(d["payload"]["source"])
        parse_iso(d["payload"]["timestamp"])

    def test_utf8_and_markup_in_names_survive_every_channel(self):
        sink = self.start_sink()
        name = "Sauvegarde quotidienne — café <prod> & co"
        cfg = make_config([monitor(name, list(CHANNEL_PATHS), group="Équipe")],
                          notifications=all_channels(sink))
        server = self.start_server(cfg)
        self.assertPushOk(server.push(name))
        self.assertPushOk(server.push(name, body={"status": "fail", "message": "échec: ✗ <b>"},
                                      method="POST"))
        sink.wait_for(len(CHANNEL_PATHS), timeout=10, status=200)
        headline = f"[DOWN] {name}"

        def only(channel):
            [r] = sink.requests(CHANNEL_PATHS[channel])
            return r

        self.assertEqual(only("hook").json()["monitor"]["name"], name)
        self.assertEqual(only("hook").json()["message"], "échec: ✗ <b>")
        # Slack reads <, > and & as markup: escaped as its documentation requires.
        self.assertEqual(only("slack").json()["text"],
                         headline.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        self.assertEqual(only("discord").json()["content"], headline)
        self.assertTrue(only("telegram").json()["text"].startswith(headline))
        self.assertIn("échec: ✗ <b>", only("telegram").json()["text"])
        self.assertEqual(only("gotify").json()["title"], headline)
        self.assertEqual(only("pushover").form()["title"], headline)
        self.assertIn(name, only("pagerduty").json()["payload"]["summary"])
        # ntfy: HTTP headers are not UTF-8; the title travels as RFC 2047 encoded-words.
        raw_title = only("ntfy").headers["Title"]
        self.assertTrue(raw_title.isascii(), raw_title)
        self.assertEqual(str(email.header.make_header(email.header.decode_header(raw_title))),
                         headline)
        self.assertIn(name, only("ntfy").body.decode("utf-8"))

    def test_webhook_body_template_and_get_method(self):
        sink = self.start_sink()
        cfg = make_config(
            [monitor("Templated", ["tmpl", "get"], group="g1")],
            notifications={
                "tmpl": {"type": "webhook", "url": sink.url("/tmpl"),
                         "body": '{"text": "{{headline}}: {{message}}", "id": {{monitor.id}}, '
                                 '"alert": {{json}}}'},
                "get": {"type": "webhook", "url": sink.url("/get?x=1"), "method": "GET",
                        "headers": {"X-Token": "t0k"}},
            })
        server = self.start_server(cfg)
        mid = server.monitor_id("Templated")
        message = 'line one "quoted" \\ backslash\nline two\ttab {{not a placeholder}} é'
        self.assertPushOk(server.push("Templated"))
        self.assertPushOk(server.push("Templated", body={"status": "down", "message": message},
                                      method="POST"))
        [t] = sink.wait_for(1, "/tmpl", timeout=10)
        doc = t.json()  # the values were JSON-escaped into the template
        self.assertEqual(doc["text"], f"[DOWN] Templated: {message}")
        self.assertEqual(doc["id"], mid)
        self.assertEqual(doc["alert"]["event"], "down")
        self.assertEqual(doc["alert"]["message"], message)
        self.assertEqual(doc["alert"]["monitor"], {"id": mid, "name": "Templated", "group": "g1",
                                                   "type": "push"})
        [g] = sink.wait_for(1, "/get", timeout=10)
        self.assertEqual(g.method, "GET")
        self.assertEqual(g.path, "/get?x=1")
        self.assertEqual(g.body, b"")
        self.assertEqual(g.headers["X-Token"], "t0k")

    def test_first_push_alerts_nothing_and_a_failing_first_push_alerts_down(self):
        sink = self.start_sink()
        channels = {"hook": {"type": "webhook", "url": sink.url("/hook")},
                    "slack": {"type": "slack", "webhook_url": sink.url("/slack")}}
        cfg = make_config([monitor("Fresh Job", ["hook", "slack"]),
                           monitor("Broken From Start", ["hook"]),
                           monitor("Canary", ["hook"])],
                          notifications=channels)
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Fresh Job"))
        self.assertEqual(server.status_of("Fresh Job"), "up")
        # The outbox is written in the push's transaction: nothing there now, nothing later.
        self.assertEqual(outbox(server), [])
        # pending -> down (a failure as the very first push) is an alert.
        self.assertPushOk(server.push("Broken From Start", body=FAILURE, method="POST"))
        [r] = sink.wait_for(1, "/hook", timeout=10)
        doc = r.json()
        self.assertEqual((doc["event"], doc["status"], doc["previous_status"]),
                         ("down", "down", "pending"))
        self.assertEqual(doc["monitor"]["name"], "Broken From Start")
        self.assertIsNone(doc["monitor"]["group"])
        # A canary goes up and down after Fresh Job's first push; once its DOWN arrived,
        # anything Fresh Job would have sent would have arrived too.
        self.assertPushOk(server.push("Canary"))
        self.assertPushOk(server.push("Canary", body=FAILURE, method="POST"))
        sink.wait_for(1, "/hook", timeout=10, where=lambda r: r.json()["monitor"]["name"] == "Canary")
        time.sleep(0.3)
        names = [r.json()["monitor"]["name"] for r in sink.requests("/hook")]
        self.assertNotIn("Fresh Job", names)
        self.assertEqual(sink.requests("/slack"), [])
        self.assertEqual([(r["channel"], r["event"]) for r in
                          outbox(server, "monitor_id = ?", (server.monitor_id("Fresh Job"),))], [])

    def test_alert_on_down_only_sends_no_up(self):
        sink = self.start_sink()
        cfg = make_config(
            [monitor("Down Only", ["hook"], alert_on=["down"]),
             monitor("Up Only", ["hook"], alert_on=["up"]),
             monitor("Both", ["hook"])],
            notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}})
        server = self.start_server(cfg)
        for name in ("Down Only", "Up Only", "Both"):
            self.assertPushOk(server.push(name))
            self.assertPushOk(server.push(name, body=FAILURE, method="POST"))
        for name in ("Down Only", "Up Only", "Both"):
            self.assertPushOk(server.push(name))
        # "Both" alerts twice; its UP came after every other push.
        sink.wait_for(1, "/hook", timeout=10, where=lambda r: r.json()["monitor"]["name"] == "Both"
                      and r.json()["event"] == "up")
        sink.wait_for(1, "/hook", timeout=10, where=lambda r: r.json()["monitor"]["name"] == "Up Only")
        sink.wait_for(1, "/hook", timeout=10, where=lambda r: r.json()["monitor"]["name"] == "Down Only")
        time.sleep(0.5)
        got = sorted((r.json()["monitor"]["name"], r.json()["event"]) for r in sink.requests("/hook"))
        self.assertEqual(got, [("Both", "down"), ("Both", "up"), ("Down Only", "down"),
                               ("Up Only", "up")])
        self.assertEqual(sorted((r["monitor_id"], r["event"]) for r in outbox(server)),
                         sorted([(server.monitor_id("Both"), "down"), (server.monitor_id("Both"), "up"),
                                 (server.monitor_id("Down Only"), "down"),
                                 (server.monitor_id("Up Only"), "up")]))

    def test_webhook_alert_id_is_stable_across_retries(self):
        sink = self.start_sink(mode=ERROR)
        cfg = make_config([monitor("Retry Me", ["hook"])],
                          notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}})
        server = self.start_server(cfg)
        self.assertPushOk(server.push("Retry Me"))
        self.assertPushOk(server.push("Retry Me", body=FAILURE, method="POST"))
        sink.wait_for(2, "/hook", timeout=10, status=500)  # first try, and a retry 1 s later
        sink.set_mode(OK)
        [ok] = sink.wait_for(1, "/hook", timeout=15, status=200)
        tries = sink.requests("/hook")
        self.assertGreaterEqual(len(tries), 3)
        ids = {r.json()["alert_id"] for r in tries}
        self.assertEqual(len(ids), 1, f"a retried alert changed its alert_id: {ids}")
        self.assertEqual({json_event(r) for r in tries}, {"down"})
        [row] = outbox(server)
        self.assertEqual(row["alert_id"], ok.json()["alert_id"])
        # The document itself does not change between tries.
        self.assertEqual({r.body for r in tries}, {ok.body})
        wait_until(lambda: outbox(server)[0]["status"] == "delivered", 5, message="delivered")
        self.assertEqual(outbox(server)[0]["attempts"], len(tries))


if __name__ == "__main__":
    unittest.main()
