"""E-mail alerts, end to end: the real binary sends DOWN and UP alerts to an in-process SMTP
server (aiosmtpd), plain and with STARTTLS on a self-signed certificate trusted through
ca_file. The messages must be proper RFC 5322 (headers, MIME, RFC 2047 for non-ASCII
subjects), say what happened, and never carry the push URL's secret.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd)."""

from __future__ import annotations

import email.header
import email.utils
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, make_config, wait_until  # noqa: E402
from sinks import (SmtpSink, make_certificate, monitor, outbox, server_tls_context,  # noqa: E402
                   smtp_channel)

FAILURE = {"status": "error", "message": "disk full on /srv/backup"}


class EmailAlertTest(ServerTestCase):

    # -- helpers

    def start_smtp(self, tls_context=None) -> SmtpSink:
        sink = SmtpSink(tls_context=tls_context)
        sink.start()
        self.addCleanup(sink.stop)
        return sink

    def temp_dir(self) -> str:
        d = tempfile.mkdtemp(prefix="uptime-notify-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def assertRfc5322(self, msg, subject: str, event: str, alert_id: str | None = None):
        """Checks the message's headers; returns the parsed EmailMessage."""
        raw = msg.content
        head, sep, _ = raw.partition(b"\r\n\r\n")
        self.assertTrue(sep, f"no CRLF CRLF between header and body: {raw[:400]!r}")
        # CRLF line ends only, lines within RFC 5322's 998, 7-bit only (never raw 8-bit).
        self.assertNotRegex(raw, rb"(?<!\r)\n", "bare LF in the message")
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998, line[:100])
        raw.decode("ascii")  # raises on any 8-bit byte
        for line in head.split(b"\r\n"):
            self.assertLessEqual(len(line), 78, f"header line over 78 characters: {line!r}")

        parsed = msg.parsed()
        for name in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                     "Content-Type"):
            self.assertEqual(len(parsed.get_all(name) or []), 1, f"{name} header count: {head!r}")
        self.assertEqual(str(parsed["Subject"]), subject)
        self.assertEqual(parsed["From"].addresses[0].addr_spec, "alerts@example.com")
        self.assertEqual(parsed["From"].addresses[0].display_name, "Uptime Monitor")
        self.assertEqual(str(parsed["MIME-Version"]).strip(), "1.0")
        self.assertEqual(parsed.get_content_type(), "text/plain")
        self.assertEqual(parsed.get_content_charset(), "utf-8")
        self.assertIn(parsed["Content-Transfer-Encoding"].lower(), ("7bit", "quoted-printable"))
        date = email.utils.parsedate_to_datetime(str(parsed["Date"]))
        self.assertIsNotNone(date.tzinfo, parsed["Date"])
        self.assertLess(abs(date.timestamp() - time.time()), 300, parsed["Date"])
        mid = str(parsed["Message-ID"]).strip()
        self.assertRegex(mid, r"^<[^<>@\s]+@[^<>@\s]+>$")
        if alert_id is not None:
            self.assertEqual(mid, f"<{alert_id}@example.com>")
        self.assertEqual(str(parsed["X-Uptime-Monitor-Event"]).strip(), event)
        self.assertEqual(str(parsed["Auto-Submitted"]).strip(), "auto-generated")
        return parsed

    def alert_ids(self, server, monitor_id: int, event: str) -> list[str]:
        return [r["alert_id"] for r in outbox(server, "monitor_id = ? AND event = ?",
                                              (monitor_id, event))]

    # -- tests

    def test_plain_down_and_up_after_a_reported_failure(self):
        smtp = self.start_smtp()
        cfg = make_config(
            [monitor("Nightly Backup", ["mail"], group="backups")],
            notifications={"mail": smtp_channel(
                smtp, to=["ops@example.com", "Night Shift <oncall@example.org>"])})
        server = self.start_server(cfg)
        mid = server.monitor_id("Nightly Backup")
        secret = server.secret_key("Nightly Backup")

        self.assertPushOk(server.push("Nightly Backup"), mid)
        self.assertEqual(outbox(server), [], "the first push (pending -> up) must alert nothing")

        self.assertPushOk(server.push("Nightly Backup", body=FAILURE, method="POST"), mid)
        [down] = smtp.wait_for(1, timeout=10)
        self.assertPushOk(server.push("Nightly Backup"), mid)
        up = smtp.wait_for(2, timeout=10)[1]

        for m in (down, up):
            self.assertEqual(m.mail_from, "alerts@example.com")
            self.assertEqual(sorted(m.rcpt_tos), ["oncall@example.org", "ops@example.com"])
            self.assertFalse(m.tls)
            self.assertNotIn(secret.encode(), m.content, "the secret key is in an e-mail")
            self.assertNotIn(secret, m.body_text(), "the secret key is in an e-mail")

        [down_id] = self.alert_ids(server, mid, "down")
        [up_id] = self.alert_ids(server, mid, "up")
        p = self.assertRfc5322(down, "[DOWN] Nightly Backup", "down", down_id)
        to = [(a.display_name, a.addr_spec) for a in p["To"].addresses]
        self.assertEqual(to, [("", "ops@example.com"), ("Night Shift", "oncall@example.org")])
        body = p.get_content()
        self.assertIn("Nightly Backup", body)
        self.assertIn("backups", body)
        self.assertRegex(body, r"State: DOWN \(was UP\)")
        self.assertIn("disk full on /srv/backup", body)

        p = self.assertRfc5322(up, "[UP] Nightly Backup", "up", up_id)
        body = p.get_content()
        self.assertIn("Nightly Backup", body)
        self.assertIn("backups", body)
        self.assertRegex(body, r"State: UP \(was DOWN\)")
        self.assertNotEqual(p["Message-ID"], down.parsed()["Message-ID"])

        rows = outbox(server, "monitor_id = ?", (mid,))
        self.assertEqual([(r["event"], r["channel"]) for r in rows], [("down", "mail"), ("up", "mail")])
        wait_until(lambda: all(r["status"] == "delivered" and r["delivered_at"]
                               for r in outbox(server)), 5, message="both outbox rows delivered")

    def test_down_by_missed_deadline_names_the_deadline(self):
        smtp = self.start_smtp()
        cfg = make_config([monitor("Hourly Export", ["mail"], expected_interval="1s",
                                   grace_period="1s", group="exports")],
                          notifications={"mail": smtp_channel(smtp)})
        server = self.start_server(cfg)
        mid = server.monitor_id("Hourly Export")
        secret = server.secret_key("Hourly Export")
        r = self.assertPushOk(server.push("Hourly Export"), mid)

        [down] = smtp.wait_for(1, timeout=10)
        p = self.assertRfc5322(down, "[DOWN] Hourly Export", "down",
                               self.alert_ids(server, mid, "down")[0])
        body = p.get_content()
        self.assertIn("Hourly Export", body)
        self.assertIn("exports", body)
        self.assertIn("State: DOWN (was UP)", body)
        self.assertIn(f"No push since {r['received_at']}, expected every 1s + 1s grace", body)
        self.assertNotIn(secret.encode(), down.content)

        self.assertPushOk(server.push("Hourly Export"), mid)
        up = smtp.wait_for(1, timeout=10, where=lambda m: m.parsed()["Subject"].startswith("[UP]"))[0]
        p = self.assertRfc5322(up, "[UP] Hourly Export", "up",
                               self.alert_ids(server, mid, "up")[0])
        self.assertIn("State: UP (was DOWN)", p.get_content())
        self.assertNotIn(secret.encode(), up.content)

    def test_starttls_with_a_self_signed_certificate_in_ca_file(self):
        cert, key = make_certificate(self.temp_dir())
        smtp = self.start_smtp(server_tls_context(cert, key))
        cfg = make_config(
            [monitor("TLS Job", ["mail-tls", "mail-untrusted"], group="secure")],
            notifications={
                "mail-tls": smtp_channel(smtp, security="starttls", ca_file=cert),
                # The same server without ca_file: its certificate is not trusted, so nothing
                # may be sent (TLS stays verified).
                "mail-untrusted": smtp_channel(smtp, security="starttls"),
            })
        server = self.start_server(cfg)
        mid = server.monitor_id("TLS Job")
        secret = server.secret_key("TLS Job")
        self.assertPushOk(server.push("TLS Job"), mid)
        self.assertPushOk(server.push("TLS Job", body=FAILURE, method="POST"), mid)
        [down] = smtp.wait_for(1, timeout=10)
        self.assertPushOk(server.push("TLS Job"), mid)
        up = smtp.wait_for(2, timeout=10)[1]

        for m, subject, event in ((down, "[DOWN] TLS Job", "down"), (up, "[UP] TLS Job", "up")):
            self.assertTrue(m.tls, "the message was not sent after STARTTLS")
            self.assertEqual(m.rcpt_tos, ["ops@example.com"])
            self.assertNotIn(secret.encode(), m.content)
            ids = [r["alert_id"] for r in outbox(server, "channel = 'mail-tls' AND event = ?",
                                                  (event,))]
            p = self.assertRfc5322(m, subject, event, ids[0])
            self.assertIn("TLS Job", p.get_content())
        self.assertIn("disk full on /srv/backup", down.body_text())

        row = wait_until(lambda: [r for r in outbox(server, "channel = 'mail-untrusted'")
                                  if r["attempts"] >= 1 and r["last_error"]],
                         10, message="a failed attempt recorded for the untrusted channel")[0]
        self.assertEqual(row["status"], "pending")
        self.assertEqual(row["event"], "down")
        self.assertRegex(row["last_error"].lower(), r"certificate|ssl|tls",
                         "the failure should say the certificate is not trusted")
        self.assertEqual(len(smtp.messages), 2, "an untrusted server must not receive the alert")

    def test_smtp_login_after_starttls_with_the_password_from_the_environment(self):
        cert, key = make_certificate(self.temp_dir())
        password = "p@ss wörd:1 $x"
        smtp = SmtpSink(tls_context=server_tls_context(cert, key),
                        credentials=("alerts@example.com", password))
        smtp.start()
        self.addCleanup(smtp.stop)
        login = {"security": "starttls", "ca_file": cert, "username": "alerts@example.com"}
        cfg = make_config(
            [monitor("Login Job", ["mail", "mail-wrong"])],
            notifications={"mail": smtp_channel(smtp, password="${SMTP_PASSWORD}", **login),
                           "mail-wrong": smtp_channel(smtp, password="not-the-password", **login)})
        server = self.start_server(cfg, env={"SMTP_PASSWORD": password})
        mid = server.monitor_id("Login Job")
        self.assertPushOk(server.push("Login Job"), mid)
        self.assertPushOk(server.push("Login Job", body=FAILURE, method="POST"), mid)
        [down] = smtp.wait_for(1, timeout=10)
        self.assertTrue(down.tls)
        self.assertRfc5322(down, "[DOWN] Login Job", "down",
                           outbox(server, "channel = 'mail'")[0]["alert_id"])
        self.assertIn(("alerts@example.com", password), [(u, p) for _, u, p in smtp.logins])

        row = wait_until(lambda: [r for r in outbox(server, "channel = 'mail-wrong'")
                                  if r["attempts"] >= 1], 10, message="a refused login recorded")[0]
        self.assertEqual(row["status"], "pending")
        self.assertRegex(row["last_error"].lower(), r"login|auth|denied|535")
        self.assertEqual(len(smtp.messages), 1, "a refused login must not send the message")
        for text in (server.log_text(), down.content.decode("ascii"), row["last_error"]):
            self.assertNotIn(password, text)
            self.assertNotIn("not-the-password", text)

    def test_implicit_tls_with_ca_file(self):
        cert, key = make_certificate(self.temp_dir())
        smtp = SmtpSink(implicit_tls_context=server_tls_context(cert, key))
        smtp.start()
        self.addCleanup(smtp.stop)
        cfg = make_config([monitor("SMTPS Job", ["mail"])],
                          notifications={"mail": smtp_channel(smtp, security="tls", ca_file=cert)})
        server = self.start_server(cfg)
        mid = server.monitor_id("SMTPS Job")
        self.assertPushOk(server.push("SMTPS Job"), mid)
        self.assertPushOk(server.push("SMTPS Job", body=FAILURE, method="POST"), mid)
        [down] = smtp.wait_for(1, timeout=10)
        self.assertRfc5322(down, "[DOWN] SMTPS Job", "down", self.alert_ids(server, mid, "down")[0])
        self.assertIn("disk full on /srv/backup", down.body_text())

    def test_utf8_monitor_name_gives_an_rfc2047_subject(self):
        smtp = self.start_smtp()
        short = "Sauvegarde quotidienne — café"
        long = ("Sauvegarde quotidienne — café, crème brûlée et données de l'équipe "
                "comptabilité à Zürich ✓")
        cfg = make_config(
            [monitor(short, ["mail"], group="Équipe données"),
             monitor(long, ["mail"])],
            notifications={"mail": smtp_channel(smtp, **{"from": "Uptime Monitor <alerts@example.com>"})})
        server = self.start_server(cfg)
        # Long enough for quoted-printable soft line breaks, with '=' and non-ASCII in it.
        reason = ("disque plein à 100 % — réessayer; quota=50GiB " * 6).strip()
        failure = {"status": "error", "message": reason}
        for name in (short, long):
            self.assertPushOk(server.push(name))
            self.assertPushOk(server.push(name, body=failure, method="POST"))
        smtp.wait_for(2, timeout=10)
        for name in (short, long):
            self.assertPushOk(server.push(name))
        messages = smtp.wait_for(4, timeout=10)

        def find(subject):
            got = [m for m in messages if str(m.parsed()["Subject"]) == subject]
            self.assertEqual(len(got), 1, f"{subject!r} in {[str(m.parsed()['Subject']) for m in messages]}")
            return got[0]

        for name in (short, long):
            mid = server.monitor_id(name)
            for event, word in (("down", "DOWN"), ("up", "UP")):
                m = find(f"[{word}] {name}")
                p = self.assertRfc5322(m, f"[{word}] {name}", event,
                                       self.alert_ids(server, mid, event)[0])
                head = m.content.partition(b"\r\n\r\n")[0].decode("ascii")
                raw_subject = re.search(r"^Subject:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.M).group(1)
                self.assertIn("=?", raw_subject, "a non-ASCII subject must be RFC 2047 encoded")
                for word_ in re.findall(r"=\?[^?]+\?[BbQq]\?[^?]*\?=", raw_subject):
                    self.assertLessEqual(len(word_), 75, "RFC 2047: encoded-words of at most 75")
                # The legacy decoder agrees with the policy-based one.
                decoded = str(email.header.make_header(email.header.decode_header(
                    raw_subject.replace("\r\n", ""))))
                self.assertEqual(decoded, f"[{word}] {name}")
                body = p.get_content()
                self.assertIn(name, body)
                if event == "down":
                    self.assertIn(reason, body)
                if name == short:
                    self.assertIn("Équipe données", body)
                self.assertNotIn(server.secret_key(name), body)


if __name__ == "__main__":
    unittest.main()
