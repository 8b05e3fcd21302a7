"""Tools for the fault tests (test_fault_*.py): a steady stream of pushes from a thread that
records every answer, a small tmpfs that can be filled to the last byte, the immutable flag on
files, and the skip checks for what a machine may not allow (root, mount, chattr).

Only the Python standard library and the commands of util-linux and e2fsprogs. Every fault
set up here is undone by a cleanup the caller registers (unittest's addCleanup), also when
the test fails.
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import shutil
import sys
import subprocess
import tempfile
import threading
import time
import unittest

from harness import HTTP_TIMEOUT, Server


def require_root(test: unittest.TestCase, what: str) -> None:
    if os.geteuid() != 0:
        test.skipTest(f"{what} needs root (run as root, as CI does)")


def require_tool(test: unittest.TestCase, tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        test.skipTest(f"the {tool} command is not installed")
    return path


# ---- pushes ------------------------------------------------------------------------------------

class PushResult:
    """One push as the client saw it: monitor name, its unique message, the HTTP status (None:
    no answer, the connection failed), the parsed JSON answer, when it was answered
    (time.monotonic()) and how long the answer took (seconds)."""

    __slots__ = ("name", "message", "status", "json", "at", "took")

    def __init__(self, name, message, status, body, at, took=0.0):
        self.name, self.message, self.status, self.json = name, message, status, body
        self.at, self.took = at, took

    def __repr__(self):
        return f"<push {self.name} {self.message} -> {self.status} {self.json}>"


class Pusher:
    """A thread that pushes (POST, a JSON body with a unique message) to the named monitors in
    turn, at most `rate` pushes a second (None: as fast as answers come), over one keep-alive
    connection, until stop(). `pad` bytes of padding go in the body's details, so the database
    grows by about that much per push (the whole body is kept as the push's payload).

    After a failed connection it connects again, unless the server is no longer running (then
    the thread ends: a killed server is part of some tests)."""

    def __init__(self, server: Server, names, rate: float | None = 200.0, pad: int = 0,
                 tag: str = "p"):
        self.server = server
        self.names = list(names)
        self.rate = rate
        self.pad = "x" * pad
        self.tag = tag
        self.results: list[PushResult] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Pusher":
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0, wait: bool = True) -> "Pusher":
        """Asks the thread to stop after the push in flight; unless wait is False, waits."""
        self._stop.set()
        if not wait:
            return self
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError("a pushing thread hung")
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def snapshot(self) -> list[PushResult]:
        with self._lock:
            return list(self.results)

    def acknowledged(self, name: str | None = None) -> list[str]:
        """Messages of the pushes answered 200 (to `name`, if given)."""
        return [r.message for r in self.snapshot()
                if r.status == 200 and (name is None or r.name == name)]

    def wait_for_status(self, status, timeout: float, after: int = 0) -> PushResult:
        """Waits until a push answered after the first `after` results has this status."""
        deadline = time.monotonic() + timeout
        while True:
            for r in self.snapshot()[after:]:
                if r.status == status:
                    return r
            if time.monotonic() >= deadline:
                seen = sorted({r.status for r in self.snapshot()[after:]}, key=str)
                raise AssertionError(f"no push answered {status} within {timeout:.0f}s "
                                     f"(answers seen: {seen})")
            if not self.alive:
                raise AssertionError(f"the pushing thread ended before a {status}")
            time.sleep(0.02)

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=HTTP_TIMEOUT)

    def _run(self) -> None:
        paths = {n: self.server.push_path(n) for n in self.names}
        conn = self._connect()
        next_at = time.monotonic()
        i = 0
        try:
            while not self._stop.is_set():
                if self.rate:
                    now = time.monotonic()
                    if next_at > now:
                        time.sleep(next_at - now)
                    # behind schedule (a slow answer): go on at the rate, without a burst
                    next_at = max(next_at, time.monotonic() - 1.0 / self.rate) + 1.0 / self.rate
                name = self.names[i % len(self.names)]
                message = f"{self.tag}-{i}"
                i += 1
                body = {"message": message}
                if self.pad:
                    body["details"] = {"pad": self.pad}
                status, answer = None, None
                sent = time.monotonic()
                try:
                    conn.request("POST", paths[name], body=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
                    r = conn.getresponse()
                    raw = r.read()
                    status = r.status
                    try:
                        answer = json.loads(raw)
                    except ValueError:
                        answer = raw
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = self._connect()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = self._connect()
                with self._lock:
                    now = time.monotonic()
                    self.results.append(PushResult(name, message, status, answer, now,
                                                   now - sent))
                if status is None:
                    time.sleep(0.05)  # the server may be on its way down
                    if not self.server.running:
                        return
        finally:
            conn.close()


def push_until(server: Server, name: str, status: int, timeout: float, every: float = 0.2,
               tag: str = "probe") -> tuple[float, list[PushResult]]:
    """Pushes (POST, message "<tag>-<n>") every `every` seconds until one is answered
    `status`; returns the seconds that took and every push tried (the last one answered
    `status`)."""
    t0 = time.monotonic()
    tries: list[PushResult] = []
    while True:
        message = f"{tag}-{len(tries)}"
        try:
            r = server.push(name, method="POST", body={"message": message})
            tries.append(PushResult(name, message, r.status, r.json, time.monotonic()))
        except OSError:
            tries.append(PushResult(name, message, None, None, time.monotonic()))
        if tries[-1].status == status:
            return time.monotonic() - t0, tries
        if time.monotonic() - t0 >= timeout:
            raise AssertionError(f"no push to {name} answered {status} within {timeout:.0f}s; "
                                 f"last: {tries[-1]!r}")
        time.sleep(every)


def count_lines(text: str) -> int:
    return len([line for line in text.splitlines() if line.strip()])


# ---- a small full file system ------------------------------------------------------------------

class Tmpfs:
    """A tmpfs of `size` mounted on a fresh folder; fill() takes every free byte with a filler
    file, empty() deletes it. The caller registers unmount() as a cleanup."""

    def __init__(self, test: unittest.TestCase, size: str = "8m"):
        require_root(test, "mounting a tmpfs")
        require_tool(test, "mount")
        self.dir = os.path.realpath(tempfile.mkdtemp(prefix="uptime-tmpfs-"))
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                            self.dir], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            os.rmdir(self.dir)
            test.skipTest(f"cannot mount a tmpfs here: {r.stderr.strip() or r.returncode}")
        self.filler = os.path.join(self.dir, "filler")

    def free_bytes(self) -> int:
        st = os.statvfs(self.dir)
        return st.f_bavail * st.f_frsize

    def fill(self) -> int:
        """Writes a filler file until the file system has no byte left; returns its size."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            free = self.free_bytes()
            if free > 0:
                try:
                    os.posix_fallocate(fd, 0, free)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
            chunk = b"\0" * 4096
            while True:  # whatever fallocate left, a page at a time, then a byte at a time
                try:
                    os.write(fd, chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    if len(chunk) == 1:
                        break
                    chunk = b"\0"
        finally:
            os.close(fd)
        return os.path.getsize(self.filler)

    def empty(self) -> None:
        if os.path.exists(self.filler):
            os.unlink(self.filler)

    def unmount(self) -> None:
        r = subprocess.run(["umount", self.dir], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:  # something still holds a file: detach it now, freed when closed
            subprocess.run(["umount", "-l", self.dir], capture_output=True, timeout=30)
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


# ---- immutable files ---------------------------------------------------------------------------

def chattr(flag: str, *paths: str) -> subprocess.CompletedProcess:
    return subprocess.run(["chattr", flag, *paths], capture_output=True, text=True, timeout=30)


# ---- the outage scenario -----------------------------------------------------------------------

INTERNAL_ERROR = {"error": "Internal server error"}


def odd_answers(results) -> list:
    """The answers that are neither 200 nor the documented 500 {"error":"Internal server error"}."""
    return [r for r in results
            if not (r.status == 200 or (r.status == 500 and r.json == INTERNAL_ERROR))]


class OutageScenario:
    """A mixin for ServerTestCase: one database outage under a steady stream of pushes, and
    every promise checked about it (each in its own subTest, so one broken promise does not
    hide the others).

    Pushes once to each of `names`, then at `rate` (each padded with `pad` bytes); after 1.5 s
    induce() the fault and wait for the first push answered 500; `outage_window` s more
    pushes, then `idle_window` s without any (still broken); repair(); push until one is
    answered 200; 1 s more pushes; SIGTERM. Then check: every answer is 200 or 500
    {"error":"Internal server error"}; the server never died; /health 503 during, 200 after;
    idle CPU below `idle_cpu_limit` of a core; RSS grown by less than `rss_growth_limit`; the
    log gained at most `log_lines_limit` lines over the outage, one of them "Database writes
    are failing", and one "Database writes succeed again" after it; a 200 within
    `recovery_limit` s of the repair; integrity_check ok; push_history holds every push
    answered 200 and none answered 500; push_count equals the pushes answered 200."""

    rate = 200.0
    outage_window = 5.0
    idle_window = 5.0
    idle_cpu_limit = 0.10
    log_lines_limit = 6
    rss_growth_limit = 64 * 1024 * 1024
    recovery_limit = 10.0

    def run_pusher(self, pusher: Pusher) -> Pusher:
        self.addCleanup(pusher.stop)  # stopped even when an assertion ends the test early
        return pusher.start()

    def outage_scenario(self, s: Server, names, induce, repair, pad: int = 0,
                        what: str = "outage") -> None:
        ids = {n: s.monitor_id(n) for n in names}
        opening = []
        for n in names:
            r = s.push(n, method="POST", body={"message": f"opening-{n}"})
            opening.append(PushResult(n, f"opening-{n}", r.status, r.json, time.monotonic()))
        self.assertEqual([r.status for r in opening], [200] * len(names), opening)
        before = self.run_pusher(Pusher(s, names, self.rate, pad, tag="before"))
        # The log is flushed every second: the UP lines of the first pushes come before the mark.
        time.sleep(1.5)
        self.assertTrue(before.snapshot() and all(r.status == 200 for r in before.snapshot()),
                        f"pushes failed before the {what}: {before.snapshot()[-3:]}")

        log_mark = len(s.log_text())
        rss_before = s.rss_bytes()
        mark = len(before.snapshot())
        induce()
        first = before.wait_for_status(500, 15.0, after=mark)
        first_failure = before.snapshot().index(first)
        time.sleep(self.outage_window)
        before.stop()
        window_lines = count_lines(s.log_text()[log_mark:])
        health_during = s.request("GET", "/health")

        cpu_mark = s.cpu_seconds()
        time.sleep(self.idle_window)
        idle_cpu = (s.cpu_seconds() - cpu_mark) / self.idle_window
        rss_growth = s.rss_bytes() - rss_before
        outage_log = s.log_text()[log_mark:]
        self.assertTrue(s.running, f"the server died in the {what}:\n" + outage_log[-3000:])

        repair()
        took, probes = push_until(s, names[0], 200, self.recovery_limit + 20)
        after = self.run_pusher(Pusher(s, names, self.rate, pad, tag="after"))
        time.sleep(1.0)
        after.stop()
        health_after = s.request("GET", "/health")
        # The end of an outage is logged once writes have committed for a few seconds.
        try:
            s.wait_for_log("Database writes succeed again", timeout=10.0, since=log_mark)
        except AssertionError:
            pass  # the subTest below says what is missing
        time.sleep(1.2)  # flushed every second
        whole_log = s.log_text()[log_mark:]
        s.stop()

        during = before.snapshot()[first_failure:]
        results = opening + before.snapshot() + probes + after.snapshot()
        sys.stderr.write(
            f"\n[{what}: {len(during)} pushes in the outage ({sum(r.status == 500 for r in during)}"
            f" answered 500); idle CPU {idle_cpu * 100:.1f} % of a core; RSS "
            f"{rss_growth / 1e6:+.1f} MB; log +{window_lines} "
            f"lines in the push window, +{count_lines(outage_log)} by the end of the idle "
            f"window; first 200 {took:.1f}s after the repair]\n")

        with self.subTest("every answer is 200 or 500 Internal server error"):
            odd = odd_answers(results)
            self.assertEqual(odd[:10], [], f"{len(odd)} pushes answered otherwise")
            self.assertGreater(sum(r.status == 500 for r in during), 0.8 * len(during),
                               f"most pushes in the {what} were not answered 500")
        with self.subTest("/health answers 503 during the outage and 200 after"):
            self.assertEqual(health_during.status, 503, health_during)
            self.assertEqual(health_after.status, 200, health_after)
        with self.subTest("no retry storm: the idle server uses little CPU"):
            self.assertLess(idle_cpu, self.idle_cpu_limit,
                            f"the idle server used {idle_cpu * 100:.0f} % of a core")
        with self.subTest("memory stays bounded: what failed does not pile up"):
            self.assertLess(rss_growth, self.rss_growth_limit,
                            f"RSS grew by {rss_growth / 1e6:.0f} MB in the {what}")
        with self.subTest("no retry storm: the log gains a handful of lines"):
            self.assertLessEqual(count_lines(outage_log), self.log_lines_limit,
                                 f"the log grew by {count_lines(outage_log)} lines; its end:\n"
                                 + outage_log[-1500:])
        with self.subTest("the outage and its end are logged once each"):
            self.assertEqual(whole_log.count("Database writes are failing"), 1, whole_log[-1500:])
            self.assertEqual(whole_log.count("Database writes succeed again"), 1,
                             whole_log[-1500:])
        with self.subTest("pushes work again soon after the repair, without a restart"):
            self.assertLess(took, self.recovery_limit,
                            f"the first 200 came {took:.1f}s after the repair")
            self.assertEqual([r for r in after.snapshot() if r.status != 200][:5], [])

        self.assertEqual(s.query_one("PRAGMA integrity_check")[0], "ok")
        acked: dict[str, set] = {n: set() for n in names}
        failed: dict[str, set] = {n: set() for n in names}
        for r in results:
            (acked if r.status == 200 else failed)[r.name].add(r.message)
        for name in names:
            stored = {row["message"] for row in s.push_history(ids[name])}
            with self.subTest("every acknowledged push is in the history", monitor=name):
                lost = acked[name] - stored
                self.assertEqual(sorted(lost)[:10], [], f"{len(lost)} of {len(acked[name])} "
                                 f"acknowledged pushes to {name} are not in push_history")
            with self.subTest("no push answered 500 is in the history", monitor=name):
                kept = failed[name] & stored
                self.assertEqual(sorted(kept)[:10], [], f"{len(kept)} pushes to {name} "
                                 "answered 500 are in push_history")
            with self.subTest("push_count counts the acknowledged pushes only", monitor=name):
                count = s.query_one("SELECT push_count FROM push_monitors WHERE monitor_id = ?",
                                    (ids[name],))["push_count"]
                self.assertEqual(count, len(acked[name]))
