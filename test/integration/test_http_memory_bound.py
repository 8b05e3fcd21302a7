"""Issue 12, defect 2: whatever one connection sends, the server's memory stays bounded. A
chunked body whose chunk extension or trailer line never ends used to sit whole in the read
buffer (RSS 18 MB -> 1 GB in 5 s); now the buffer has a maximum, extensions and trailers count
against the header limit, and the client gets 431 and a closed connection."""

import socket
import time
import unittest

from harness import ServerTestCase, make_config, parse_raw_response, push_monitor, recv_all

STREAM_BYTES = 50 * 1024 * 1024  # what the hostile client tries to send
RSS_GROWTH_LIMIT_KB = 30 * 1024
BLOCK = b"a" * (1024 * 1024)


def vm_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS in /proc/{pid}/status")


class MemoryBoundTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config([push_monitor("Backup", "1h")]))

    def stream(self, prefix: bytes):
        """Sends `prefix`, then up to STREAM_BYTES of 'a' that never end the line, sampling the
        server's RSS. Returns (answer bytes, seconds taken, peak RSS growth in kB)."""
        s = self.server
        pid = s.proc.pid
        before = vm_rss_kb(pid)
        peak = before
        sock = s.raw_socket(timeout=10)
        self.addCleanup(sock.close)
        t0 = time.monotonic()
        sent = 0
        try:
            sock.sendall(prefix)
            while sent < STREAM_BYTES:
                sock.sendall(BLOCK)
                sent += len(BLOCK)
                peak = max(peak, vm_rss_kb(pid))
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass  # the server stopped reading: what we want
        took = time.monotonic() - t0
        peak = max(peak, vm_rss_kb(pid))
        return recv_all(sock, 3), took, peak - before

    def check(self, prefix: bytes):
        s = self.server
        data, took, growth_kb = self.stream(prefix)
        if data:  # the answer may be lost to a reset, since we kept sending after it
            status, headers, body = parse_raw_response(data)
            self.assertEqual(status, 431, data[:300])
            self.assertTrue(headers.get("content-type", "").startswith("application/json"))
            self.assertIn(b'"error"', body)
            self.assertEqual(headers.get("connection"), "close")
        self.assertLess(growth_kb, RSS_GROWTH_LIMIT_KB,
                        f"the server's RSS grew by {growth_kb // 1024} MB for one connection")
        self.assertLess(took, 10, f"the server kept reading for {took:.1f}s")
        self.assertPushOk(s.push("Backup", timeout=3))
        self.assertEqual(len(s.push_history(s.monitor_id("Backup"))), 1)

    def test_an_endless_chunk_extension_gets_431_and_memory_stays_bounded(self):
        path = self.server.push_path("Backup").encode()
        self.check(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   b"\r\n5;")

    def test_an_endless_trailer_line_gets_431_and_memory_stays_bounded(self):
        path = self.server.push_path("Backup").encode()
        self.check(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   b"\r\n2\r\n{}\r\n0\r\nX-Trailer: ")

    def test_an_endless_chunk_size_gets_an_error_and_memory_stays_bounded(self):
        path = self.server.push_path("Backup").encode()
        s = self.server
        data, _, growth_kb = self.stream(
            b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        if data:
            status, _, _ = parse_raw_response(data)
            self.assertIn(status, (400, 413, 431), data[:300])
        self.assertLess(growth_kb, RSS_GROWTH_LIMIT_KB)
        self.assertPushOk(s.push("Backup", timeout=3))

    def test_many_small_chunk_extensions_count_against_the_header_limit(self):
        # Each line is short; together they pass max_header_bytes (16 KiB).
        s = self.server
        path = s.push_path("Backup").encode()
        sock = s.raw_socket(timeout=5)
        self.addCleanup(sock.close)
        body = b"".join(b"1;ext=" + b"e" * 1000 + b"\r\n{\r\n" for _ in range(40))
        try:
            sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                         b"\r\n\r\n" + body + b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(5)
        data = b""
        try:
            while True:
                more = sock.recv(65536)
                if not more:
                    break
                data += more
        except (socket.timeout, ConnectionResetError):
            pass
        if data:
            status, _, _ = parse_raw_response(data)
            self.assertEqual(status, 431, data[:300])
        self.assertEqual(len(s.push_history(s.monitor_id("Backup"))), 0)
        self.assertPushOk(s.push("Backup", timeout=3))


if __name__ == "__main__":
    unittest.main()
