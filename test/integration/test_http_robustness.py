"""Contract 12: HTTP robustness: keep-alive, malformed requests, slowloris clients, huge
headers and the connection cap (idle connections shed for new ones, 503 only when none is
idle) never stop the server from answering others."""

import re
import socket
import time
import unittest

from harness import (ServerTestCase, make_config, parse_raw_response, push_monitor, recv_all,
                     wait_until)


class HttpRobustnessTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config([push_monitor("Backup", "1h")],
                                                    server={"header_timeout": "2s"}))

    def assert_server_works(self):
        self.assertPushOk(self.server.push("Backup", timeout=3))
        self.assertEqual(self.server.request("GET", "/health", timeout=3).status, 200)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        s = self.server
        conn = s.connection()
        self.addCleanup(conn.close)
        self.assertPushOk(s.push("Backup", conn=conn))
        sock = conn.sock
        self.assertIsNotNone(sock)
        for i in range(5):
            self.assertPushOk(s.push("Backup", conn=conn, method="POST",
                                     body={"message": f"keep-alive {i}"}))
            self.assertEqual(s.request("GET", "/health", conn=conn).status, 200)
            self.assertJsonError(s.request("GET", "/nope", conn=conn), 404)
            self.assertIs(conn.sock, sock, "the server closed a keep-alive connection")
        r = s.push("Backup", conn=conn, method="HEAD")
        self.assertEqual(r.status, 200)
        self.assertPushOk(s.push("Backup", conn=conn))
        self.assertIs(conn.sock, sock)
        self.assertEqual(len(s.push_history(s.monitor_id("Backup"))), 8)

    def test_pipelined_requests_on_one_connection_are_all_answered_in_order(self):
        s = self.server
        path = s.push_path("Backup").encode()
        sock = s.raw_socket()
        self.addCleanup(sock.close)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                     + b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n"
                     + b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = recv_all(sock, 5)
        statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", data)]
        self.assertEqual(statuses, [200, 200, 404], data)

    def test_a_malformed_request_line_gets_400_and_the_server_keeps_working(self):
        s = self.server
        for garbage in [b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9.9\r\n\r\n",
                        b"\x00\x01\x02\xff\r\n\r\n", b"GET /health HTTP/1.1\r\nBad Header\r\n\r\n"]:
            with self.subTest(request=garbage):
                sock = s.raw_socket()
                try:
                    sock.sendall(garbage)
                    data = recv_all(sock, 5)
                finally:
                    sock.close()
                self.assertTrue(data, "no answer to a malformed request")
                status, headers, body = parse_raw_response(data)
                self.assertEqual(status, 400, data)
                self.assertTrue(headers.get("content-type", "").startswith("application/json"),
                                data)
                self.assertIn(b'"error"', body)
                self.assert_server_works()

    def test_a_slowloris_client_does_not_block_others_and_is_cut_off_after_header_timeout(self):
        s = self.server
        slow = s.raw_socket()
        self.addCleanup(slow.close)
        slow.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sent_at = time.monotonic()
        # a normal push on another connection answers at once
        t0 = time.monotonic()
        self.assertPushOk(s.push("Backup", timeout=3))
        self.assertLess(time.monotonic() - t0, 1.0)
        # trickle a byte every 0.5 s: the header as a whole must still be cut off
        slow.settimeout(0.5)
        closed_at = None
        while time.monotonic() - sent_at < 6:
            try:
                slow.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.monotonic()
                break
            try:
                data = slow.recv(4096)
                if data == b"" or data.startswith(b"HTTP/1.1 4"):
                    closed_at = time.monotonic()
                    break
            except socket.timeout:
                continue
            except ConnectionResetError:
                closed_at = time.monotonic()
                break
        self.assertIsNotNone(closed_at, "the slowloris connection was still open after 6 s")
        self.assertLessEqual(closed_at - sent_at, 3.5,
                             f"cut off after {closed_at - sent_at:.1f}s with header_timeout 2s")
        self.assert_server_works()

    def test_a_connection_that_sends_nothing_is_closed_after_header_timeout(self):
        s = self.server
        sock = s.raw_socket()
        self.addCleanup(sock.close)
        t0 = time.monotonic()
        data = recv_all(sock, 6)
        took = time.monotonic() - t0
        self.assertEqual(data, b"")
        self.assertLessEqual(took, 3.5, f"idle new connection kept {took:.1f}s")
        self.assert_server_works()

    def test_many_stalled_clients_do_not_block_others(self):
        s = self.server
        stalled = []
        for _ in range(50):
            sock = s.raw_socket()
            self.addCleanup(sock.close)
            sock.sendall(b"POST /api/push/1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            stalled.append(sock)
        for _ in range(5):
            t0 = time.monotonic()
            self.assertPushOk(s.push("Backup", timeout=3))
            self.assertLess(time.monotonic() - t0, 1.0)

    def test_a_huge_header_gets_431_or_a_closed_connection_and_the_server_keeps_working(self):
        s = self.server
        path = s.push_path("Backup").encode()
        for name, request in [
            ("one big header", b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nX-Big: "
             + b"a" * (20 * 1024) + b"\r\n\r\n"),
            ("many headers", b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n"
             + b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 100) for i in range(300)) + b"\r\n"),
            ("long target", b"GET " + path + b"?" + b"q" * (20 * 1024) + b" HTTP/1.1\r\n"
             b"Host: x\r\n\r\n"),
        ]:
            with self.subTest(name):
                sock = s.raw_socket()
                try:
                    try:
                        sock.sendall(request)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    data = recv_all(sock, 5)
                finally:
                    sock.close()
                if data:
                    status, headers, _ = parse_raw_response(data)
                    self.assertEqual(status, 431, data[:300])
                    self.assertTrue(headers.get("content-type", "").startswith("application/json"))
                self.assert_server_works()
        self.assertEqual(len(s.push_history(s.monitor_id("Backup"))), 3)


class IdleTimeoutTest(ServerTestCase):
    def test_an_idle_keep_alive_connection_is_closed_after_idle_timeout(self):
        s = self.start_server(make_config([push_monitor("Backup", "1h")],
                                          server={"idle_timeout": "2s"}))
        conn = s.connection()
        self.addCleanup(conn.close)
        self.assertPushOk(s.push("Backup", conn=conn))
        t0 = time.monotonic()
        data = recv_all(conn.sock, 6)
        took = time.monotonic() - t0
        self.assertEqual(data, b"")
        self.assertGreater(took, 1.5, f"closed after {took:.1f}s, before idle_timeout")
        self.assertLess(took, 3.5, f"still open {took:.1f}s after the last answer")
        self.assertPushOk(s.push("Backup"))


class ConnectionCapTest(ServerTestCase):
    def busy_connection(self, s):
        """A connection in the middle of a request's header (a slowloris): busy, never shed."""
        sock = s.raw_socket(timeout=5)
        self.addCleanup(sock.close)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        return sock

    def ask_health(self, s) -> bytes:
        sock = s.raw_socket(timeout=5)
        try:
            try:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return recv_all(sock, 3)
        finally:
            sock.close()

    def test_at_max_connections_the_oldest_idle_connection_makes_room_for_a_new_one(self):
        s = self.start_server(make_config([push_monitor("Backup", "1h")],
                                          server={"max_connections": 5}))
        conns = []
        for _ in range(5):
            c = s.connection(timeout=5)
            self.addCleanup(c.close)
            self.assertPushOk(s.push("Backup", conn=c))  # open, counted, now idle
            conns.append(c)

        # A sixth is served: the connection idle the longest (the first) is closed for it.
        self.assertPushOk(s.push("Backup", timeout=3))
        self.assertEqual(recv_all(conns[0].sock, 3), b"", "the oldest idle connection was kept")
        conns[0].close()
        # the other four still work (each, now busy a moment, is idle again afterwards)
        for c in conns[1:]:
            self.assertPushOk(s.push("Backup", conn=c))

    def test_a_sixth_connection_over_max_connections_5_gets_503_when_none_is_idle(self):
        s = self.start_server(make_config([push_monitor("Backup", "1h")],
                                          server={"max_connections": 5, "header_timeout": "10s"}))
        busy = [self.busy_connection(s) for _ in range(5)]
        time.sleep(0.3)  # the server has read their first bytes
        data = self.ask_health(s)
        if data:
            status, headers, body = parse_raw_response(data)
            self.assertEqual(status, 503, data)
            self.assertTrue(headers.get("content-type", "").startswith("application/json"))
            self.assertIn(b'"error"', body)
        # the busy ones are still open and finish their requests
        busy[1].sendall(b"a\r\n\r\n")
        busy[1].settimeout(5)
        self.assertIn(b" 200 ", busy[1].recv(4096))
        # once one closes, a new connection is served again
        busy[0].close()
        wait_until(lambda: s.request("GET", "/health", timeout=3).status == 200, 5, 0.1,
                   "a new connection to be served after one closed")

    def test_refused_connections_do_not_use_up_the_cap(self):
        s = self.start_server(make_config([push_monitor("Backup", "1h")],
                                          server={"max_connections": 2, "header_timeout": "10s"}))
        keep = self.busy_connection(s)
        other = self.busy_connection(s)
        time.sleep(0.3)
        for _ in range(20):
            data = self.ask_health(s)
            if data:
                self.assertEqual(parse_raw_response(data)[0], 503, data)
        other.close()
        wait_until(lambda: s.request("GET", "/health", timeout=3).status == 200, 5, 0.1,
                   "a free slot after a connection closed")
        keep.sendall(b"a\r\n\r\n")
        keep.settimeout(5)
        self.assertIn(b" 200 ", keep.recv(4096))


if __name__ == "__main__":
    unittest.main()
