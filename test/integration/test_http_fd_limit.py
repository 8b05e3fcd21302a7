"""Issue 12, defect 8: file descriptors. Started from a shell with `ulimit -n 1024`, 1,100
idle connections used to make accept() fail (EMFILE) and real pushes wait 5-10 s. Now the
server raises its soft limit to the hard one, keeps its connection cap below what the
descriptors allow (one startup line says so), and when full closes the connection idle the
longest to admit a new one."""

import re
import resource
import socket
import time
import unittest

from harness import ServerTestCase, make_config, push_monitor

IDLE_CONNECTIONS = 1100


def open_files_limits(pid: int) -> tuple[int, int]:
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise AssertionError(f"no 'Max open files' in /proc/{pid}/limits")


class FdLimitTest(ServerTestCase):
    def need_own_limit(self, wanted: int):
        """Raises this test process's soft limit to at least `wanted` (restored after)."""
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft >= wanted:
            return
        if hard != resource.RLIM_INFINITY and hard < wanted:
            self.skipTest(f"needs {wanted} file descriptors in the test process; the hard limit "
                          f"is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))

    def test_1100_idle_connections_under_ulimit_1024_do_not_delay_a_push(self):
        self.need_own_limit(IDLE_CONNECTIONS + 300)
        s = self.start_server(make_config([push_monitor("Backup", "1h")],
                                          server={"header_timeout": "60s", "idle_timeout": "60s"}),
                              nofile=(1024, 1024))
        self.assertEqual(open_files_limits(s.proc.pid), (1024, 1024))

        idle = []
        self.addCleanup(lambda: [c.close() for c in idle])
        # Half of them have pushed once and wait on keep-alive; the rest never sent a byte.
        path = s.push_path("Backup").encode()
        for i in range(IDLE_CONNECTIONS):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            idle.append(c)
            if i % 2 == 0:
                c.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertIn(b" 200 ", c.recv(4096))
        time.sleep(0.5)  # let the server accept the last ones

        t0 = time.monotonic()
        self.assertPushOk(s.push("Backup", timeout=5))
        took = time.monotonic() - t0
        self.assertLess(took, 2.0, f"a push took {took:.1f}s with {IDLE_CONNECTIONS} idle "
                        "connections open")
        # The oldest idle connections made room: the first one is closed, the last is open.
        idle[0].settimeout(2)
        try:
            self.assertEqual(idle[0].recv(1), b"", "the oldest idle connection is still open")
        except ConnectionResetError:
            pass
        idle[-1].sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        idle[-1].settimeout(5)
        self.assertIn(b" 200 ", idle[-1].recv(4096))
        self.assertNotIn("accept failed", s.run_log())
        m = re.search(r"Connections: at most (\d+) \(file descriptor limit 1024\b", s.run_log())
        self.assertIsNotNone(m, "no 'Connections: at most N (file descriptor limit 1024' line")
        self.assertLess(int(m.group(1)), 1024 - 32, "the cap leaves too few descriptors for the rest")
        self.assertEqual(len(re.findall(r"Connections: at most", s.run_log())), 1)

    def test_the_soft_limit_is_raised_to_the_hard_limit_at_start(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 4096:
            self.skipTest(f"the test process's hard limit ({hard}) is below 4096")
        s = self.start_server(make_config([push_monitor("Backup", "1h")]), nofile=(512, 4096))
        self.assertEqual(open_files_limits(s.proc.pid), (4096, 4096))
        self.assertRegex(s.run_log(), r"Connections: at most \d+ \(file descriptor limit 4096\b")
        self.assertPushOk(s.push("Backup", timeout=3))


if __name__ == "__main__":
    unittest.main()
