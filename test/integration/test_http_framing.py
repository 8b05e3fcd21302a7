"""Issue 12, defect 3: request smuggling. A request whose framing the server might read
differently from a proxy in front of it (an unknown or non-final Transfer-Encoding,
Transfer-Encoding next to Content-Length or in HTTP/1.0, no Host or two) gets exactly one
answer, 400 or 501 with a JSON body, and the connection is closed: a push hidden in its body
is never taken as a second request."""

import re
import unittest

from harness import ServerTestCase, make_config, parse_raw_response, push_monitor, recv_all


class FramingTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config([push_monitor("Backup", "1h")]))
        s = self.server
        self.path = s.push_path("Backup").encode()
        # The push a smuggler hides in the body: a failure nobody sent.
        self.smuggled = b"GET " + self.path + b"/fail HTTP/1.1\r\nHost: x\r\n\r\n"

    def send(self, request: bytes) -> bytes:
        sock = self.server.raw_socket()
        try:
            try:
                sock.sendall(request)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return recv_all(sock, 5)
        finally:
            sock.close()

    def assert_one_answer(self, request: bytes, status: int):
        s = self.server
        data = self.send(request)
        self.assertEqual(len(re.findall(rb"HTTP/1\.[01] \d{3} ", data)), 1,
                         f"not exactly one answer: {data[:600]!r}")
        got, headers, body = parse_raw_response(data)
        self.assertEqual(got, status, data[:600])
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), data)
        self.assertIn(b'"error"', body)
        self.assertEqual(headers.get("connection"), "close", data)
        self.assertEqual(len(s.push_history(s.monitor_id("Backup"))), 0,
                         "a push hidden in the body was recorded")
        self.assertEqual(s.status_of("Backup"), "pending")

    def post_with(self, fields: bytes, body: bytes, version: bytes = b"HTTP/1.1") -> bytes:
        return (b"POST " + self.path + b" " + version + b"\r\nHost: x\r\n" + fields + b"\r\n"
                + body)

    def test_an_unknown_transfer_encoding_gets_400_and_its_body_is_not_a_second_request(self):
        for coding in [b"xchunked", b"gzip", b"chunked, gzip", b"chunked, chunked", b"",
                       b"chunked;ext=1", b"identity"]:
            with self.subTest(coding=coding):
                self.assert_one_answer(
                    self.post_with(b"Transfer-Encoding: " + coding + b"\r\n", self.smuggled), 400)

    def test_a_coding_before_chunked_gets_501_and_what_follows_is_not_read(self):
        for coding in [b"gzip, chunked", b"deflate,chunked", b"x-custom , chunked"]:
            with self.subTest(coding=coding):
                self.assert_one_answer(
                    self.post_with(b"Transfer-Encoding: " + coding + b"\r\n",
                                   b"2\r\n{}\r\n0\r\n\r\n" + self.smuggled), 501)

    def test_two_transfer_encoding_fields_read_as_one_list(self):
        self.assert_one_answer(
            self.post_with(b"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
                           b"2\r\n{}\r\n0\r\n\r\n" + self.smuggled), 501)
        self.assert_one_answer(
            self.post_with(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                           b"2\r\n{}\r\n0\r\n\r\n" + self.smuggled), 400)

    def test_transfer_encoding_with_content_length_gets_400(self):
        chunked = b"2\r\n{}\r\n0\r\n\r\n"
        for fields in [b"Transfer-Encoding: chunked\r\nContent-Length: %d\r\n" % len(chunked),
                       b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n" % len(chunked),
                       b"Transfer-Encoding: gzip\r\nContent-Length: %d\r\n" % len(chunked)]:
            with self.subTest(fields=fields):
                self.assert_one_answer(self.post_with(fields, chunked + self.smuggled), 400)

    def test_transfer_encoding_in_http_1_0_gets_400(self):
        self.assert_one_answer(
            self.post_with(b"Transfer-Encoding: chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n"
                           + self.smuggled, version=b"HTTP/1.0"), 400)

    def test_an_http_1_1_request_without_host_gets_400(self):
        self.assert_one_answer(b"GET " + self.path + b" HTTP/1.1\r\nUser-Agent: t\r\n\r\n", 400)

    def test_a_request_with_two_host_fields_gets_400(self):
        self.assert_one_answer(
            b"GET " + self.path + b" HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)

    def test_an_http_1_0_request_without_host_is_served(self):
        data = self.send(b"GET " + self.path + b" HTTP/1.0\r\n\r\n")
        status, _, _ = parse_raw_response(data)
        self.assertEqual(status, 200, data)

    def test_a_chunked_push_with_extensions_and_a_trailer_is_served(self):
        s = self.server
        first, second = b'{"me', b'ssage": "chunked"}'
        data = self.send(self.post_with(
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n",
            b"%x;a=b\r\n%s\r\n%x\r\n%s\r\n0\r\nX-Trailer: t\r\n\r\n"
            % (len(first), first, len(second), second)))
        status, _, _ = parse_raw_response(data)
        self.assertEqual(status, 200, data)
        rows = s.push_history(s.monitor_id("Backup"))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["message"], "chunked")


if __name__ == "__main__":
    unittest.main()
