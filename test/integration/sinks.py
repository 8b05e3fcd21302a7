"""Receivers for the notification integration tests: an SMTP sink (aiosmtpd, plain or with
STARTTLS), an HTTP sink standing in for webhooks and chat APIs (switchable at run time between
answering 200, answering 500 and hanging, and restartable on the same port), a throw-away
self-signed certificate, and bounded waits for what arrived.

Needs Debian's /usr/bin/python3 (python3-aiosmtpd) and the openssl command line. Everything
listens on 127.0.0.1 on an ephemeral port; every sink is stopped by the test's cleanup.
"""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import logging
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

# aiosmtpd logs a traceback for every refused TLS handshake (a test does that on purpose);
# what arrived is what the tests check.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


def free_port() -> int:
    """A port nothing listens on right now (bound once by the system, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(cond: threading.Condition, predicate, timeout: float, what: str):
    """Waits on cond (held by the caller) until predicate() is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {what}")
        cond.wait(min(left, 0.2))


# ---- a self-signed certificate ------------------------------------------------------------------

def make_certificate(folder: str, cn: str = "localhost") -> tuple[str, str]:
    """A self-signed certificate valid for DNS:localhost and IP:127.0.0.1 (openssl CLI);
    returns (cert.pem, key.pem) in folder. The certificate is its own CA (ca_file)."""
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
         "-keyout", key, "-out", cert, "-subj", f"/CN={cn}",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign"],
        check=True, capture_output=True, timeout=60)
    return cert, key


def server_tls_context(cert: str, key: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


# ---- SMTP ---------------------------------------------------------------------------------------

class SmtpMessage:
    """One message as the sink received it: the envelope, the raw bytes, and whether the
    session had been upgraded to TLS."""

    def __init__(self, mail_from: str, rcpt_tos: list[str], content: bytes, tls: bool):
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.content = content
        self.tls = tls
        self.received = time.monotonic()

    def parsed(self):
        """email.message.EmailMessage (policy default: headers decoded, RFC 2047 included)."""
        return email.message_from_bytes(self.content, policy=email.policy.default)

    def body_text(self) -> str:
        return self.parsed().get_content()

    def __repr__(self):
        return f"<SmtpMessage from={self.mail_from} to={self.rcpt_tos} {self.content[:200]!r}>"


class _SmtpHandler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        tls = session.ssl is not None or self.sink.implicit_tls_context is not None
        self.sink._add(SmtpMessage(envelope.mail_from, list(envelope.rcpt_tos), content, tls))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An in-process SMTP server storing every message. With tls_context it offers STARTTLS and
    refuses mail before it (require_starttls); with implicit_tls_context it speaks TLS from the
    first byte (SMTPS, security: tls). port None: a free port chosen now, so a test can
    configure it before start() (a dead server that comes up later)."""

    def __init__(self, port: int | None = None, tls_context: ssl.SSLContext | None = None,
                 implicit_tls_context: ssl.SSLContext | None = None,
                 credentials: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.credentials = credentials  # (user, password) required to send, when given
        self.logins: list[tuple[str, str, str]] = []  # (mechanism, user, password) tried
        self.tls_context = tls_context
        self.implicit_tls_context = implicit_tls_context
        self._controller: Controller | None = None
        self._cond = threading.Condition()
        self._messages: list[SmtpMessage] = []

    def start(self) -> "SmtpSink":
        assert self._controller is None, "already running"
        kwargs = {}
        if self.tls_context is not None:
            kwargs = {"tls_context": self.tls_context, "require_starttls": True}
        if self.implicit_tls_context is not None:
            kwargs["ssl_context"] = self.implicit_tls_context
        if self.credentials is not None:
            kwargs.update(authenticator=self._authenticate, auth_required=True)
        c = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port,
                       ready_timeout=10, **kwargs)
        c.start()
        self._controller = c
        return self

    def stop(self) -> None:
        if self._controller is not None:
            c, self._controller = self._controller, None
            c.stop()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        user = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        with self._cond:
            self.logins.append((mechanism, user, password))
        ok = (user, password) == self.credentials
        return AuthResult(success=ok, handled=False)  # aiosmtpd then answers 235 or 535

    def _add(self, m: SmtpMessage) -> None:
        with self._cond:
            self._messages.append(m)
            self._cond.notify_all()

    @property
    def messages(self) -> list[SmtpMessage]:
        with self._cond:
            return list(self._messages)

    def wait_for(self, count: int = 1, timeout: float = 10.0, where=None) -> list[SmtpMessage]:
        """Waits until at least count messages (matching where(m), if given) have arrived;
        returns them (all matching)."""
        def enough():
            got = [m for m in self._messages if where is None or where(m)]
            return got if len(got) >= count else None
        with self._cond:
            return _wait(self._cond, enough, timeout, f"{count} e-mail(s) at the SMTP sink")


# ---- HTTP ---------------------------------------------------------------------------------------

OK, ERROR, HANG = "ok", "error", "hang"


class _QuietHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gives up (a timeout, a killed server) is part of these tests.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class HttpRequest:
    """One request: method, path (with query), headers (case-insensitive), body bytes, the time
    it arrived (monotonic) and what the sink answered (200, 500, or None while hanging or when
    the client went away)."""

    def __init__(self, method: str, path: str, headers, body: bytes):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.received = time.monotonic()
        self.status: int | None = None

    @property
    def route(self) -> str:
        return urllib.parse.urlsplit(self.path).path

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True,
                                           strict_parsing=True))

    def __repr__(self):
        return f"<HttpRequest {self.method} {self.path} -> {self.status} {self.body[:200]!r}>"


class HttpSink:
    """A threaded HTTP server recording every request. mode (settable at any time, also per
    path prefix with set_mode(mode, prefix)): OK answers 200 {"ok":true}, ERROR answers 500,
    HANG holds the request without answering for hang_seconds (or until stop()). stop() then
    start() listens again on the same port."""

    def __init__(self, port: int = 0, mode: str = OK, hang_seconds: float = 60.0):
        self.port = port
        self.mode = mode
        self.hang_seconds = hang_seconds
        self._modes: dict[str, str] = {}
        self._cond = threading.Condition()
        self._requests: list[HttpRequest] = []
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._release = threading.Event()

    # -- control

    def start(self) -> "HttpSink":
        assert self._server is None, "already running"
        self._release = threading.Event()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _read_body(self) -> bytes:
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def _handle(self):
                try:
                    body = self._read_body()
                    req = HttpRequest(self.command, self.path, self.headers, body)
                    mode = sink.mode_for(req.route)
                    sink._add(req)
                    if mode == HANG:
                        release = sink._release
                        release.wait(sink.hang_seconds)
                        self.close_connection = True
                        return  # never answered
                    status = 200 if mode == OK else 500
                    payload = b'{"ok":true}' if status == 200 else b'{"error":"sink says no"}'
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    self.wfile.flush()
                    with sink._cond:
                        req.status = status
                        sink._cond.notify_all()
                except (BrokenPipeError, ConnectionResetError, socket.timeout):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        server = _QuietHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        self._release.set()  # hung handlers give up
        server.shutdown()
        server.server_close()
        self._thread.join(10)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def set_mode(self, mode: str, prefix: str | None = None) -> None:
        assert mode in (OK, ERROR, HANG), mode
        with self._cond:
            if prefix is None:
                self.mode = mode
            else:
                self._modes[prefix] = mode

    def mode_for(self, route: str) -> str:
        with self._cond:
            best = None
            for prefix, mode in self._modes.items():
                if route.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                    best = (prefix, mode)
            return best[1] if best else self.mode

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- what arrived

    def _add(self, req: HttpRequest) -> None:
        with self._cond:
            self._requests.append(req)
            self._cond.notify_all()

    def requests(self, prefix: str | None = None, status="any") -> list[HttpRequest]:
        """Requests whose path starts with prefix; status "any", or 200/500/None for those
        answered so."""
        with self._cond:
            return [r for r in self._requests
                    if (prefix is None or r.route.startswith(prefix))
                    and (status == "any" or r.status == status)]

    def wait_for(self, count: int = 1, prefix: str | None = None, timeout: float = 10.0,
                 where=None, status="any") -> list[HttpRequest]:
        """Waits until at least count requests under prefix (answered with status, and
        matching where(r), if given) have arrived; returns all that match."""
        def enough():
            got = [r for r in self._requests
                   if (prefix is None or r.route.startswith(prefix))
                   and (status == "any" or r.status == status)
                   and (where is None or where(r))]
            return got if len(got) >= count else None
        with self._cond:
            return _wait(self._cond, enough, timeout,
                         f"{count} request(s) under {prefix or '/'} at the HTTP sink"
                         + ("" if status == "any" else f" answered {status}"))

    def clear(self) -> None:
        with self._cond:
            self._requests.clear()


def json_event(req: HttpRequest) -> str | None:
    """The "event" of a webhook's JSON document (None when the body is not one)."""
    try:
        doc = req.json()
    except ValueError:
        return None
    return doc.get("event") if isinstance(doc, dict) else None


# ---- config and outbox helpers ------------------------------------------------------------------

def monitor(name: str, channels, expected_interval="60s", grace_period="0s", group=None,
            alert_on=None, remind_every=None) -> dict:
    """A push monitor entry alerting through channels (names under notifications:)."""
    m = {"name": name, "type": "push"}
    if group is not None:
        m["group"] = group
    cfg = {"expected_interval": expected_interval, "grace_period": grace_period}
    if remind_every is not None:
        cfg["remind_every"] = remind_every
    m["config"] = cfg
    m["notifications"] = list(channels)
    if alert_on is not None:
        m["alert_on"] = list(alert_on)
    return m


def outbox(server, where: str = "1", params=()) -> list[dict]:
    """The outbox rows (dicts) matching the SQL condition, oldest first."""
    return [dict(r) for r in server.query(f"SELECT * FROM outbox WHERE {where} ORDER BY id",
                                          params)]


def smtp_channel(sink: SmtpSink, **extra) -> dict:
    ch = {"type": "email", "host": "127.0.0.1", "port": sink.port, "security": "none",
          "from": "Uptime Monitor <alerts@example.com>", "to": ["ops@example.com"]}
    ch.update(extra)
    return ch
