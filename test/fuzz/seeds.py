#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets in this folder (corpus/<name>/), except
http_request's, which has its own. Run it again after changing a target's input layout:
push_body and alert_json read their input through libFuzzer's FuzzedDataProvider, whose layout
(strings from the front, "\\" escaped and ended by "\\" + another byte; numbers from the back)
the `provider` class below writes. Each seed is a small, meaningful case, named for what it is.
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class provider:
    """Builds bytes that FuzzedDataProvider reads back as the values added, in the same order."""

    def __init__(self):
        self.front = b""
        self.back = []  # in the order the target consumes them; written reversed at the end

    def string(self, s):  # ConsumeRandomLengthString
        b = s.encode() if isinstance(s, str) else s
        self.front += b.replace(b"\\", b"\\\\") + b"\\ "

    def integer(self, value, lo, hi):  # ConsumeIntegralInRange(lo, hi); ConsumeIntegral = full range
        span = hi - lo
        value -= lo
        assert 0 <= value <= span
        nbytes = 0
        while nbytes < 8 and (span >> (8 * nbytes)) > 0:
            nbytes += 1
        # The first byte consumed is the most significant.
        for i in reversed(range(nbytes)):
            self.back.append((value >> (8 * i)) & 0xFF)

    def boolean(self, b):
        self.integer(1 if b else 0, 0, 255)

    def pick(self, index, count):  # PickValueInArray
        self.integer(index, 0, count - 1)

    def rest(self, s):  # ConsumeRemainingBytesAsString
        self.front += s.encode() if isinstance(s, str) else s
        return self.front + bytes(reversed(self.back))


def write(name, seeds):
    folder = os.path.join(HERE, "corpus", name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for seed_name, data in seeds.items():
        with open(os.path.join(folder, seed_name), "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
    print(f"{name}: {len(seeds)} seeds")


# ---- push_body: push_body_fuzz.cpp's layout --------------------------------------------------
SIGNALS = ["", "start", "fail", "log", "0", "1", "255", "256", "Start"]
QUERY_NAMES = ["rid", "msg", "status", "ping", "Msg", "rid "]
RID = "2f1c4a9e-8d1b-4c1e-9a7e-3b5d2c7e9f10"


def push(signal, query=(), body="", require_payload=False):
    p = provider()
    p.boolean(require_payload)
    p.integer(len(query), 0, 4)
    if signal in SIGNALS:
        p.boolean(True)
        p.pick(SIGNALS.index(signal), len(SIGNALS))
    else:
        p.boolean(False)
        p.string(signal)
    for name, value in query:
        if name in QUERY_NAMES:
            p.boolean(True)
            p.pick(QUERY_NAMES.index(name), len(QUERY_NAMES))
        else:
            p.boolean(False)
            p.string(name)
        p.string(value)
    return p.rest(body)


push_seeds = {
    "plain-success": push(""),
    "text-body": push("", body="backup done: 12 GB in 4m"),
    "json-ok": push("", body='{"status":"ok","message":"all good"}'),
    "json-error": push("", body='{"status":"error","message":"disk full","details":{"free":0}}'),
    "json-down-any-case": push("", body='{"status":"DoWn"}'),
    "json-message-number": push("", body='{"message": 42}'),
    "json-message-object": push("", body='{"message": {"a": [1, 2, {"b": null}]}}'),
    "json-not-object": push("", body='["status", "error"]'),
    "invalid-json": push("", body='{"status": "error", '),
    "require-payload-empty": push("", require_payload=True),
    "require-payload-text": push("", body="done", require_payload=True),
    "require-payload-json": push("", body='{"status":"ok"}', require_payload=True),
    "start-with-rid": push("start", [("rid", RID)]),
    "finish-with-rid": push("", [("rid", RID)], '{"status":"ok"}'),
    "bad-rid": push("", [("rid", "not-a-uuid")]),
    "fail-with-text": push("fail", body="rsync: connection refused\nexit 23"),
    "log-line": push("log", body="step 3 of 5: dumping tables"),
    "exit-0": push("0"),
    "exit-1-body": push("1", body="failed"),
    "exit-255": push("255"),
    "exit-256": push("256"),
    "exit-long-digits": push("0000000042"),
    "unknown-signal": push("Start"),
    "unknown-signal-text": push("restart"),
    "kuma-up": push("", [("status", "up"), ("msg", "OK"), ("ping", "12")]),
    "kuma-down-msg": push("", [("status", "down"), ("msg", "timeout after 30s")]),
    "kuma-msg-require-payload": push("", [("msg", "OK")], require_payload=True),
    "utf8-message": push("fail", body="Sicherung fehlgeschlagen: Datenträger voll ✗"),
    "utf8-cut-mid-char": push("fail", body="Datentr\xe4"[:-1].encode() + b"\xc3"),
    "invalid-utf8": push("fail", body=b"disk \xff\xfe full"),
    "json-invalid-utf8": push("", body=b'{"status":"error","message":"disk \xff full"}'),
    "json-escaped-surrogate": push("", body='{"message":"\\ud800 and \\u00e9"}'),
    "long-message": push("fail", body="x" * 999 + "é" + "y" * 20),
    "long-kuma-msg": push("", [("msg", "ü" * 700)]),
    "whitespace-body": push("", body=" \r\n\t "),
}

# ---- alert_json: alert_json_fuzz.cpp's layout, and outbox JSON for the raw path ---------------
EVENTS = ["down", "up", "reminder", "test"]
MAX_TIME = 253402300799
INT64 = 1 << 63


def alert(event="down", monitor_id=1, occurred=1736937000, last_push=None, next_expected=None,
          duration_ms=None, alert_id=RID, name="Daily Backup Job", group="", type_="push",
          status="down", previous="up", push_host="status.example.com", message=""):
    p = provider()
    p.pick(EVENTS.index(event), len(EVENTS))
    p.integer(monitor_id, -INT64, INT64 - 1)
    p.integer(occurred, 0, MAX_TIME)
    for t in (last_push, next_expected):
        p.boolean(t is not None)
        if t is not None:
            p.integer(t, 0, MAX_TIME)
    p.boolean(duration_ms is not None)
    if duration_ms is not None:
        p.integer(duration_ms, 0, 3162240000000)
    for s in (alert_id, name, group, type_, status, previous, push_host):
        p.string(s)
    return p.rest(message)


def outbox_json(**fields):
    doc = {"alert_id": RID, "event": "down", "monitor_id": 7, "monitor_name": "Nightly DB dump",
           "monitor_group": "db", "monitor_type": "push", "status": "down",
           "previous_status": "up", "message": "no push within 1h 5m",
           "occurred_at": "2025-01-15T10:30:00Z", "last_push_at": "2025-01-15T09:25:00Z",
           "next_expected_by": None, "push_host": "status.example.com:5000"}
    doc.update(fields)
    doc = {k: v for k, v in doc.items() if v is not ...}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


alert_seeds = {
    "down-missed-deadline": alert(message="no push within 1h 5m", last_push=1736933100,
                                  next_expected=1736936700),
    "up-recovered": alert(event="up", status="up", previous="down", message="push received"),
    "reminder": alert(event="reminder", message="still down after 6h"),
    "test-alert": alert(event="test", monitor_id=0, status="", previous=""),
    "negative-id": alert(monitor_id=-5),
    "max-id": alert(monitor_id=INT64 - 1),
    "with-duration": alert(duration_ms=12500, message="finished in 12.5 s"),
    "year-9999": alert(occurred=MAX_TIME, last_push=0, next_expected=MAX_TIME),
    "utf8-texts": alert(name="Sauvegarde quotidienne ✓", group="Büro", message="Fehler: Datenträger voll"),
    "invalid-utf8-message": alert(message=b"disk \xff\xfe full"),
    "invalid-utf8-name": alert(name=b"Backup \xc3"),
    "cut-mid-char": alert(message=b"Datentr\xc3"),
    "control-chars": alert(message="line1\nline2\ttab\x00nul\x1b[31m"),
    "quotes-backslashes": alert(message='say "hi" \\ and \\u0041', push_host='a"b'),
    "long-message": alert(message="x" * 1000 + "…"),
    "json-outbox-row": outbox_json(),
    "json-up-with-duration": outbox_json(event="up", status="up", previous_status="down",
                                         duration_seconds=12.345),
    "json-fractional-times": outbox_json(occurred_at="2025-01-15T10:30:00.250Z",
                                         last_push_at="2025-01-15 09:25:00"),
    "json-offset-time": outbox_json(occurred_at="2025-01-15T10:30:00+00:00"),
    "json-escapes": outbox_json(message="\u00e9\n\"\\ \ud83d\ude00".encode("utf-16", "surrogatepass")
                                .decode("utf-16")),
    "json-missing-id": outbox_json(alert_id=...),
    "json-bad-event": outbox_json(event="sideways"),
    "json-id-as-text": outbox_json(monitor_id="7"),
    "json-huge-duration": outbox_json(duration_seconds=1.7976931348623157e308),
    "json-wrong-types": outbox_json(message=5, monitor_name=None, last_push_at=3),
    "json-not-object": '["alert_id", "down"]',
}

# ---- plain-text targets ---------------------------------------------------------------------
cron_seeds = {
    "every-minute": "* * * * *",
    "daily-2am": "0 2 * * *",
    "every-15-min": "*/15 * * * *",
    "weekdays-9-to-5": "0 9-17 * * mon-fri",
    "fri-sun": "30 22 * * fri-sun",
    "sunday-7": "0 0 * * 7",
    "day-or-weekday": "0 0 13 * fri",
    "months-by-name": "0 6 1 jan,apr,JUL,oct *",
    "start-step": "5/10 * * * *",
    "range-step": "0-30/7 1-23/2 * * *",
    "list": "0,15,30,45 0,12 1,15 * *",
    "never-feb-30": "0 0 30 2 *",
    "leap-day": "0 0 29 2 *",
    "dst-gap-berlin": "30 2 * * *",
    "dst-fold-berlin": "*/15 2 * * *",
    "hourly": "@hourly",
    "daily": "@DAILY",
    "weekly": "@weekly",
    "monthly": "@monthly",
    "yearly": "@annually",
    "reboot": "@reboot",
    "tabs-and-spaces": " \t0\t2 * *  *  \n",
    "six-fields": "0 0 2 * * *",
    "out-of-range": "61 * * * *",
    "reversed-range": "50-10 * * * *",
    "step-zero": "*/0 * * * *",
    "quartz": "0 0 ? * MON#2",
    "unknown-name": "0 0 * foo *",
    "empty-item": "0,,5 * * * *",
    "day-31-short-months": "0 0 31 4,6,9,11 *",
}

duration_seeds = {
    "seconds": "90s",
    "bare-integer": "3600",
    "minutes": "15m",
    "hours": "25h",
    "days": "7d",
    "weeks": "2w",
    "combined": "1h30m",
    "combined-spaces": "1h 30m 15s",
    "all-units": "1w 2d 3h 4m 5s",
    "zero": "0",
    "negative": "-5",
    "negative-unit": "- 1h",
    "max": "100w",
    "too-long": "5300w",
    "overflow-digits": "99999999999999999999s",
    "wrong-order": "30m1h",
    "repeated-unit": "1m1m",
    "uppercase": "15M",
    "trailing-number": "1m30",
    "padded": "\t 45s  ",
    "empty": "",
    "as-int64-one-day": (86400).to_bytes(8, "little"),
    "as-int64-min": (1 << 63).to_bytes(8, "little"),
    "as-int64-minus-one": (2**64 - 1).to_bytes(8, "little"),
}


def config_seed(body):
    return body.lstrip("\n")


config_seeds = {
    "minimal": "monitors: []\n",
    "server-database": config_seed("""
server:
  host: 127.0.0.1
  port: ${PORT}
  base_url: https://status.example.com/
  max_body_bytes: 1MiB
  max_connections: 100
  header_timeout: 10s
  idle_timeout: 1m
database:
  path: data/uptime.db
  retention_days: 30
  max_check_results: 10000
  push_history_per_monitor: 100
  busy_timeout: 5s
  synchronous: full
default_interval: 60
notify_retry_hours: 24
"""),
    "monitors": config_seed("""
monitors:
  - name: Daily Backup Job
    type: push
    group: backups
    config:
      expected_interval: 24h
      grace_period: 1h
      remind_every: 6h
    alert_on: [down, up]
  - name: Hourly Sync
    enabled: false
    config: {expected_interval: 1h, grace_period: 5m, require_payload: true}
"""),
    "schedule-berlin": config_seed("""
monitors:
  - name: nightly
    config:
      schedule: "30 2 * * *"
      timezone: Europe/Berlin
      grace_period: 10m
      max_runtime: 2h
      min_runtime: 1m
      failures_before_down: 3
"""),
    "bad-timezone": config_seed("""
monitors:
  - name: x
    config: {schedule: "@daily", timezone: Mars/Olympus}
"""),
    "channels": config_seed("""
notifications:
  ops-email:
    type: email
    host: smtp.example.com
    security: starttls
    username: alerts@example.com
    password: ${SMTP_PASSWORD}
    from: Uptime <alerts@example.com>
    to: [ops@example.com, oncall@example.com]
  hook:
    type: webhook
    url: https://hooks.example.com/uptime
    method: PUT
    headers:
      Authorization: Bearer ${HOOK_TOKEN}
    body: '{"text": "{{headline}}: {{message}}", "alert": {{json}}}'
monitors:
  - name: a
    notifications: [ops-email, hook]
"""),
    "chat-channels": config_seed("""
notifications:
  s: {type: slack, webhook_url: "https://hooks.slack.com/services/T/B/X"}
  d: {type: discord, webhook_url: "https://discord.com/api/webhooks/1/x"}
  t: {type: teams, webhook_url: "https://example.webhook.office.com/x"}
  g: {type: telegram, bot_token: "123:abc", chat_id: "-1001234567890"}
  n: {type: ntfy, topic: backups, priority_down: urgent, priority_up: 3}
  go: {type: gotify, server: "https://gotify.example.com", token: x, priority_down: 8}
  p: {type: pushover, token: t, user: u, priority_down: 2, retry: 1m, expire: 1h}
  pd: {type: pagerduty, routing_key: k, severity: critical}
"""),
    "env-vars": config_seed("""
server:
  port: ${PORT}
  host: "${EMPTY}"
  base_url: http://${SPACES}/$$literal
notifications:
  h: {type: webhook, url: "https://x.example/${UNSET_VAR}/${DOLLAR}/${NEWLINE}"}
"""),
    "env-bad-references": "server:\n  host: ${\n  base_url: ${1BAD}\n",
    "unknown-key": "server:\n  prot: 5000\nmonitor: []\n",
    "bad-values": config_seed("""
server: {port: 70000, host: 999.1.1.1, max_body_bytes: -1}
database: {synchronous: sometimes, retention_days: many}
default_interval: -5
monitors:
  - name: ""
    config: {expected_interval: 15M, grace_period: 1m1m}
"""),
    "duplicate-names": "monitors:\n  - name: a\n  - name: a\n  - name: \"a\\tb\\u0007\"\n",
    "anchors-aliases": config_seed("""
defaults: &d {expected_interval: 1h, grace_period: 5m}
monitors:
  - name: a
    config: *d
  - name: b
    config: {<<: *d, grace_period: 1m}
"""),
    "undefined-alias": "monitors: *nothing\n",
    "multi-document": "monitors: []\n---\nmonitors: []\n",
    "tags-and-block-scalars": "server:\n  host: !!str 127.0.0.1\n  base_url: |\n    http://a\nmonitors: !!seq []\n",
    "tabs": "server:\n\thost: x\n",
    "unclosed-quote": "server:\n  host: \"127.0.0.1\n",
    "nested-deep": "monitors: " + "[" * 60 + "]" * 60 + "\n",
    "nested-maps": "a: " + "{b: " * 40 + "c" + "}" * 40 + "\n",
    "scalar-root": "just text\n",
    "empty": "",
    "bom-crlf": "\ufeffmonitors:\r\n  - name: x\r\n",
    "invalid-utf8": b"monitors:\n  - name: \xff\xfe\n",
    "nul-byte": b"server:\n  host: a\x00b\n",
}


def main():
    write("push_body", push_seeds)
    write("alert_json", alert_seeds)
    write("cron", cron_seeds)
    write("duration", duration_seeds)
    write("config", config_seeds)


if __name__ == "__main__":
    sys.exit(main())
