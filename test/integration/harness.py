"""Shared helpers for the integration tests: start the real uptime-monitor binary on an
ephemeral port with a real SQLite file in a fresh temporary folder, talk HTTP to it, read its
database and its log.

Python 3.11 standard library only. The binary comes from $UPTIME_BIN (CMake sets it), else
../../build/app/uptime-monitor relative to this file.

Every server started here dies with the test process: tests stop it in a cleanup, an atexit
hook kills whatever is left, and on Linux the child also gets SIGKILL if the test process dies
(PR_SET_PDEATHSIG), so a crashed or timed-out test never leaves a server running.
"""

from __future__ import annotations

import atexit
import calendar
import ctypes
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
UPTIME_BIN = os.environ.get("UPTIME_BIN") or os.path.normpath(
    os.path.join(HERE, "..", "..", "build", "app", "uptime-monitor"))

START_TIMEOUT = 10.0   # seconds to wait for "Listening on"
STOP_TIMEOUT = 15.0    # seconds to wait for exit after SIGTERM
HTTP_TIMEOUT = 10.0    # per HTTP request

LISTENING_RE = re.compile(r"Listening on http://127\.0\.0\.1:(\d+)")
INITIALIZED_RE = re.compile(
    r'Push monitor initialized: id=(\d+) name="(.*?)" group="(.*?)" status=(\w+) url=(\S+)')

_live_processes: set[subprocess.Popen] = set()


# Skips are never silent: every test file ends with unittest.main(), which this wraps to print
# each skip's reason, and "ALL TESTS SKIPPED" when nothing ran (ctest then reports the file
# as Skipped, not Passed: SKIP_REGULAR_EXPRESSION in test/CMakeLists.txt).
_unittest_main = unittest.main


def _main_reporting_skips(*args, **kwargs):
    kwargs["exit"] = False
    program = _unittest_main(*args, **kwargs)
    result = program.result
    for test, reason in result.skipped:
        print(f"SKIPPED {test.id()}: {reason}", file=sys.stderr)
    if result.testsRun and len(result.skipped) == result.testsRun:
        print("ALL TESTS SKIPPED", file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() else 1)


unittest.main = _main_reporting_skips


def _kill_leftovers() -> None:
    for p in list(_live_processes):
        if p.poll() is None:
            p.kill()
            p.wait()
    _live_processes.clear()


atexit.register(_kill_leftovers)


def require_binary() -> None:
    if not os.access(UPTIME_BIN, os.X_OK):
        raise AssertionError(f"no uptime-monitor binary at {UPTIME_BIN}: build it (cmake --build "
                             "build --target uptime-monitor) or set UPTIME_BIN")


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:  # not Linux: the atexit hook and cleanups still apply
        pass


# ---- time ------------------------------------------------------------------------------------

def parse_iso(text: str) -> float:
    """'2026-01-02T03:04:05Z' -> POSIX seconds."""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text), f"not ISO-8601 UTC: {text!r}"
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


def format_iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(t)))


def wait_until(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    """Polls predicate() until it returns something truthy (returned) or timeout seconds pass
    (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {message}")
        time.sleep(interval)


# ---- YAML ------------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _yaml_scalar(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))  # a JSON string is a valid double-quoted YAML scalar


def _yaml_key(k) -> str:
    k = str(k)
    return k if _PLAIN_KEY.fullmatch(k) else json.dumps(k)


def to_yaml(obj, indent: int = 0) -> str:
    """A small block-style YAML writer for dicts, lists and scalars (enough for configs)."""
    pad = "  " * indent
    lines = []
    if isinstance(obj, dict):
        if not obj:
            return pad + "{}\n"
        for k, v in obj.items():
            if isinstance(v, dict) and v:
                lines.append(f"{pad}{_yaml_key(k)}:\n{to_yaml(v, indent + 1)}")
            elif isinstance(v, list) and v:
                lines.append(f"{pad}{_yaml_key(k)}:\n{to_yaml(v, indent + 1)}")
            elif isinstance(v, dict):
                lines.append(f"{pad}{_yaml_key(k)}: {{}}\n")
            elif isinstance(v, list):
                lines.append(f"{pad}{_yaml_key(k)}: []\n")
            else:
                lines.append(f"{pad}{_yaml_key(k)}: {_yaml_scalar(v)}\n")
        return "".join(lines)
    if isinstance(obj, list):
        for item in obj:
            if isinstance(item, (dict, list)) and item:
                body = to_yaml(item, indent + 1)
                # "- " then the first line of the block at the same column as the rest
                first, _, rest = body.partition("\n")
                lines.append(f"{pad}- {first.lstrip()}\n{rest}")
            else:
                lines.append(f"{pad}- {_yaml_scalar(item) if not isinstance(item, (dict, list)) else to_yaml(item).strip()}\n")
        return "".join(lines)
    return pad + _yaml_scalar(obj) + "\n"


def push_monitor(name: str, expected_interval="60s", grace_period="0s", **extra) -> dict:
    """A push monitor entry for a config dict. extra: enabled, group, interval,
    require_payload (goes under config:)."""
    m = {"name": name, "type": "push"}
    for key in ("enabled", "group", "interval"):
        if key in extra:
            m[key] = extra.pop(key)
    cfg = {"expected_interval": expected_interval, "grace_period": grace_period}
    if "require_payload" in extra:
        cfg["require_payload"] = extra.pop("require_payload")
    assert not extra, f"unknown monitor options {extra}"
    m["config"] = cfg
    return m


def make_config(monitors, server=None, database=None, **top) -> dict:
    cfg = {"server": {"host": "127.0.0.1", "port": 0}}
    if server:
        cfg["server"].update(server)
    if database:
        cfg["database"] = dict(database)
    cfg.update(top)
    cfg["monitors"] = list(monitors)
    return cfg


# ---- HTTP ------------------------------------------------------------------------------------

class Response:
    """status, headers (http.client.HTTPMessage, case-insensitive), json (parsed or None), raw."""

    def __init__(self, status: int, headers, raw: bytes):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.json = None
        if raw:
            try:
                self.json = json.loads(raw)
            except ValueError:
                self.json = None

    def __iter__(self):  # (status, headers, json, raw) unpacking
        return iter((self.status, self.headers, self.json, self.raw))

    def __repr__(self):
        return f"<Response {self.status} {self.raw[:300]!r}>"


def read_response(conn: http.client.HTTPConnection) -> Response:
    r = conn.getresponse()
    raw = r.read()
    return Response(r.status, r.headers, raw)


def _encode_body(body):
    if body is None:
        return None
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode()
    if isinstance(body, str):
        return body.encode()
    return body


# ---- the server ------------------------------------------------------------------------------

class Server:
    """One uptime-monitor process on its own temporary folder (config.yaml, data/uptime.db,
    server.log). The folder survives restarts; close() removes it."""

    def __init__(self, config, start: bool = True, env: dict | None = None,
                 nofile: tuple[int, int] | None = None):
        self.dir = tempfile.mkdtemp(prefix="uptime-it-")
        self.config_path = os.path.join(self.dir, "config.yaml")
        self.log_path = os.path.join(self.dir, "server.log")
        self.db_path = os.path.join(self.dir, "data", "uptime.db")
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.monitors: dict[str, tuple[int, str]] = {}  # name -> (id, push URL), current run
        self._log_offset = 0
        self.returncodes: list[int] = []
        self.env = dict(os.environ, **(env or {}))
        self.nofile = nofile  # (soft, hard) RLIMIT_NOFILE for the process, else inherited
        self.write_config(config)
        if start:
            self.start()

    # -- config

    def write_config(self, config) -> None:
        text = config if isinstance(config, str) else to_yaml(config)
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config_path)

    def config_text(self) -> str:
        with open(self.config_path) as f:
            return f.read()

    # -- process

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = START_TIMEOUT, wait: bool = True) -> None:
        """Starts the server; unless wait is False, waits until it listens and reads the
        push URLs from the log."""
        assert not self.running, "already running"
        require_binary()
        self._log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [UPTIME_BIN, "serve", "--config", self.config_path],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.dir, env=self.env, preexec_fn=self._preexec)
        _live_processes.add(self.proc)
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while True:
            m = LISTENING_RE.search(self.run_log())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"uptime-monitor exited with {self.proc.returncode} before listening:\n"
                    + self.run_log())
            if time.monotonic() >= deadline:
                self.kill9()
                raise AssertionError(f"uptime-monitor did not listen within {timeout}s:\n"
                                     + self.run_log())
            time.sleep(0.02)
        self.monitors = {}
        self.refresh_monitors()

    def _preexec(self) -> None:  # runs in the child between fork and exec
        _die_with_parent()
        if self.nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, self.nofile)

    def refresh_monitors(self) -> dict:
        """Re-reads this run's `Push monitor initialized` lines (later lines win)."""
        for m in INITIALIZED_RE.finditer(self.run_log()):
            self.monitors[m.group(2)] = (int(m.group(1)), m.group(5))
        return self.monitors

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM; waits; asserts exit code 0."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"uptime-monitor did not stop within {timeout}s of SIGTERM")
        rc = self.proc.returncode
        _live_processes.discard(self.proc)
        self.returncodes.append(rc)
        if rc != 0:
            raise AssertionError(f"uptime-monitor exited with {rc} after SIGTERM:\n"
                                 + self.run_log()[-4000:])
        return rc

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        if self.proc is not None:
            _live_processes.discard(self.proc)

    def cpu_seconds(self) -> float:
        """User + system CPU time the running process has used so far (Linux /proc), to tell
        an idle server from one that spins."""
        assert self.running, "not running"
        with open(f"/proc/{self.proc.pid}/stat") as f:
            # the command name (2nd field) is in parentheses and may hold spaces
            fields = f.read().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def rss_bytes(self) -> int:
        """The running process's resident set size (Linux /proc)."""
        assert self.running, "not running"
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def restart(self) -> None:
        if self.running:
            self.stop()
        self.start()

    def reload(self, expect: str | None = "ok", timeout: float = 10.0) -> str:
        """SIGHUP. expect "ok": waits for "Configuration reloaded", "refused": for "reload
        refused", None: does not wait. Returns the log written since the signal."""
        before = len(self.log_text())
        self.proc.send_signal(signal.SIGHUP)
        if expect is None:
            return ""
        marker = {"ok": "Configuration reloaded", "refused": "Configuration reload refused"}[expect]

        def seen():
            text = self.log_text()[before:]
            if marker in text:
                return text
            other = "Configuration reload refused" if expect == "ok" else "Configuration reloaded"
            if other in text:
                raise AssertionError(f"expected {marker!r} after SIGHUP, got:\n{text}")
            return None

        text = wait_until(seen, timeout, 0.05, f"{marker!r} in the log")
        self.refresh_monitors()
        return text

    def close(self) -> None:
        """Kills the process if still running and removes the folder."""
        self.kill9()
        if os.environ.get("UPTIME_KEEP_TMP"):
            sys.stderr.write(f"[kept {self.dir}]\n")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- logs

    def log_text(self) -> str:
        """The whole log of every run in this folder."""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def run_log(self) -> str:
        """The log of the current (or last) run only."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_offset)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern: str, timeout: float = 10.0, since: int = 0) -> re.Match:
        rx = re.compile(pattern)
        return wait_until(lambda: rx.search(self.log_text(), since), timeout, 0.05,
                          f"/{pattern}/ in the log")

    # -- database

    def db(self, timeout: float = 10.0) -> sqlite3.Connection:
        c = sqlite3.connect(self.db_path, timeout=timeout)
        c.row_factory = sqlite3.Row
        return c

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        c = self.db()
        try:
            return c.execute(sql, params).fetchall()
        finally:
            c.close()

    def query_one(self, sql: str, params=()):
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def wait_written_behind(self, monitor_id: int, timeout: float = 3.0) -> None:
        """push_monitors' push fields are written a moment after the push (push_history has
        the push when it is answered): wait until they reflect every push in the history.
        Returns quietly after `timeout` (a stopped server writes nothing more)."""
        sql = ("SELECT coalesce((SELECT push_count FROM push_monitors WHERE monitor_id = ?1), 0) "
               ">= coalesce((SELECT max(seq) FROM push_history WHERE monitor_id = ?1), 0)")
        deadline = time.monotonic() + timeout
        while not self.query_one(sql, (monitor_id,))[0] and time.monotonic() < deadline:
            time.sleep(0.02)

    def monitor_row(self, monitor_id: int):
        self.wait_written_behind(monitor_id)
        return self.query_one(
            "SELECT m.*, p.secret_key, p.last_push_at, p.next_expected_at, p.push_count "
            "FROM monitors m LEFT JOIN push_monitors p ON p.monitor_id = m.id WHERE m.id = ?",
            (monitor_id,))

    def status_of(self, name: str) -> str:
        return self.query_one("SELECT status FROM monitors WHERE name = ?", (name,))["status"]

    def state_changes(self, monitor_id: int) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM state_changes WHERE monitor_id = ? ORDER BY id",
                          (monitor_id,))

    def check_results(self, monitor_id: int) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM check_results WHERE monitor_id = ? ORDER BY id",
                          (monitor_id,))

    def push_history(self, monitor_id: int) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM push_history WHERE monitor_id = ? ORDER BY seq",
                          (monitor_id,))

    # -- HTTP

    def connection(self, timeout: float = HTTP_TIMEOUT) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, body=None, headers=None,
                timeout: float = HTTP_TIMEOUT, conn: http.client.HTTPConnection | None = None
                ) -> Response:
        """One request (on a new connection unless conn is given)."""
        own = conn is None
        if own:
            conn = self.connection(timeout)
        try:
            conn.request(method, path, body=_encode_body(body), headers=dict(headers or {}))
            return read_response(conn)
        finally:
            if own:
                conn.close()

    def monitor_id(self, name: str) -> int:
        if name not in self.monitors:
            self.refresh_monitors()
        return self.monitors[name][0]

    def push_path(self, name: str) -> str:
        if name not in self.monitors:
            self.refresh_monitors()
        return urllib.parse.urlsplit(self.monitors[name][1]).path

    def secret_key(self, name: str) -> str:
        return self.push_path(name).rsplit("/", 1)[1]

    def push(self, name: str, body=None, method: str = "GET", headers=None, key: str | None = None,
             conn=None, timeout: float = HTTP_TIMEOUT) -> Response:
        path = self.push_path(name)
        if key is not None:
            path = path.rsplit("/", 1)[0] + "/" + key
        return self.request(method, path, body=body, headers=headers, conn=conn, timeout=timeout)

    def raw_socket(self, timeout: float = 5.0) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)


def recv_all(sock: socket.socket, timeout: float = 5.0) -> bytes:
    """Reads until the peer closes, an error, or timeout (then returns what was read)."""
    sock.settimeout(timeout)
    chunks = []
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    except (socket.timeout, ConnectionResetError):
        pass
    return b"".join(chunks)


def parse_raw_response(data: bytes):
    """(status, headers dict lower-case, body bytes) from a raw HTTP/1.1 response."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return status, headers, body


def run_cli(*args, timeout: float = 30.0, cwd: str | None = None) -> subprocess.CompletedProcess:
    require_binary()
    return subprocess.run([UPTIME_BIN, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, stdin=subprocess.DEVNULL)


# ---- test base -------------------------------------------------------------------------------

class ServerTestCase(unittest.TestCase):
    """start_server() starts a Server that is killed and removed after the test; when the test
    failed, the tail of its log is printed to stderr."""

    maxDiff = None

    def start_server(self, config, start: bool = True, env: dict | None = None,
                     nofile: tuple[int, int] | None = None) -> Server:
        server = Server(config, start=False, env=env, nofile=nofile)
        self.addCleanup(self._finish_server, server)
        if start:
            server.start()
        return server

    def _finish_server(self, server: Server) -> None:
        outcome = getattr(self, "_outcome", None)
        failed = outcome is not None and not getattr(outcome, "success", True)
        if failed:
            sys.stderr.write(f"\n----- server log ({server.dir}) -----\n"
                             + server.log_text()[-6000:] + "\n----- end of log -----\n")
        server.close()

    # -- assertions

    def hold_write_lock(self, server: "Server"):
        """Takes the database's write lock from another connection (as a user's `sqlite3`
        session would); returns a release() function, also called at cleanup."""
        c = sqlite3.connect(server.db_path, timeout=10, isolation_level=None,
                            check_same_thread=False)
        c.execute("BEGIN IMMEDIATE")
        c.execute("INSERT OR REPLACE INTO server_meta(key, value) VALUES('test_lock', 'held')")
        released = False

        def release():
            nonlocal released
            if not released:
                released = True
                c.execute("ROLLBACK")
                c.close()

        self.addCleanup(release)
        return release

    def assertJsonError(self, r: Response, status: int, message: str | None = None):
        self.assertEqual(r.status, status, r)
        ctype = r.headers.get("Content-Type", "")
        self.assertTrue(ctype.startswith("application/json"),
                        f"Content-Type {ctype!r} for {r}")
        self.assertIsInstance(r.json, dict, f"error body is not a JSON object: {r}")
        self.assertIn("error", r.json, r)
        self.assertIsInstance(r.json["error"], str, r)
        if message is not None:
            self.assertEqual(r.json, {"error": message})

    def assertPushOk(self, r: Response, monitor_id: int | None = None) -> dict:
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"), r)
        body = r.json
        self.assertIsInstance(body, dict, r)
        self.assertEqual(set(body), {"success", "monitor_id", "received_at", "next_expected_by"}, r)
        self.assertIs(body["success"], True)
        if monitor_id is not None:
            self.assertEqual(body["monitor_id"], monitor_id)
        parse_iso(body["received_at"])
        parse_iso(body["next_expected_by"])
        return body

    def assertDeadlineIn(self, body: dict, seconds: int) -> None:
        """next_expected_by is the push's own instant + interval + grace, rounded up to the whole
        second; received_at is that instant cut to its second: so it is `seconds` after
        received_at for a push in the first millisecond of its second, else one more."""
        gap = parse_iso(body["next_expected_by"]) - parse_iso(body["received_at"])
        self.assertIn(gap, (seconds, seconds + 1), body)


class ConfigFilesTestCase(ServerTestCase):
    """A ServerTestCase with a temporary folder for config files written by the test."""

    dir_prefix = "uptime-files-"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.dir_prefix)
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path
