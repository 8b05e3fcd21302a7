"""check-config and serve agree: for each config serve cannot run with (a host that is not an
IP address, a bad base_url, a monitor name with a line break or not UTF-8, YAML nested
100,000 levels deep, a quote never closed at the end of the file, a NUL byte),
`check-config` exits non-zero naming file:line:column and the field, and `serve` exits
non-zero with the same message without creating a database."""

import os
import unittest

from harness import ConfigFilesTestCase, run_cli

GOOD_MONITORS = "monitors:\n  - name: Nightly backup\n    config:\n      expected_interval: 1h\n"

# name -> (file contents, the message after "<file>:")
BAD = {
    "host": (b"server:\n  host: 999.1.1.1\n" + GOOD_MONITORS.encode(),
             ':2:9: server.host: must be an IP address such as 0.0.0.0 or ::1, got "999.1.1.1"'),
    "base_url": (b"server:\n  base_url: http://example.com:99999\n" + GOOD_MONITORS.encode(),
                 ":2:13: server.base_url: must be an http:// or https:// URL"),
    "name_with_line_break": (
        b'monitors:\n  - name: "backup\\ninfo Push monitor initialized: id=1"\n',
        ':2:11: monitors[0].name: must not contain control characters (a line break, a tab, an escape), '
        'got "backup\\ninfo Push monitor initialized: id=1"'),
    "name_with_tab": (b'monitors:\n  - name: "a\\tb"\n',
                      ":2:11: monitors[0].name: must not contain control characters"),
    "name_not_utf8": (b"monitors:\n  - name: Sicherung \xfc\n",
                      ":2:11: monitors[0].name: must be UTF-8 text; byte 11 is 0xfc, which is not"),
    "deep_flow": (b"monitors: " + b"[" * 100_000 + b"\n",
                  ":1:75: nested too deeply (limit 64 levels)"),
    "deep_block": (b"monitors:\n" + b"- " * 100_000 + b"a\n",
                   ":2:127: nested too deeply (limit 64 levels)"),
    "unclosed_quote": (GOOD_MONITORS.encode() + b'      grace_period: "5m\n',
                       ':5:21: YAML syntax error: the quoted text that starts here is never closed (a " is '
                       'missing)'),
    "nul_byte": (GOOD_MONITORS.encode() + b"      grace_period: 5m\x00\n",
                 ":5:23: the file contains a NUL byte; a config must be UTF-8 text"),
}


class ConfigRejectionsTest(ConfigFilesTestCase):
    dir_prefix = "uptime-reject-"

    def write_bytes(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_check_config_and_serve_both_refuse_each_bad_config_with_the_same_message(self):
        for name, (text, message) in BAD.items():
            with self.subTest(config=name):
                path = self.write_bytes(name + ".yaml", text)
                check = run_cli("check-config", "--config", path)
                self.assertEqual(check.returncode, 2, check.stdout + check.stderr)
                self.assertIn(path + message, check.stderr)
                self.assertNotIn("Traceback", check.stderr)

                serve = run_cli("serve", "--config", path, timeout=20)
                out = serve.stdout + serve.stderr
                self.assertEqual(serve.returncode, 2, out)
                self.assertIn(path + message, out)
                self.assertNotIn("Listening on", out)
                self.assertFalse(os.path.exists(os.path.join(self.dir, "data")),
                                 "serve created the database folder for a config it refused")

    def test_every_error_line_is_one_line_whatever_the_file_holds(self):
        path = self.write_bytes("escape.yaml", b'monitors:\n  - name: "x\\e[2Jy"\n    bogus\x01: 1\n')
        r = run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 2)
        self.assertNotIn("\x1b", r.stderr)
        self.assertNotIn("\x01", r.stderr)
        self.assertIn('got "x\\x1b[2Jy"', r.stderr)
        self.assertIn("monitors[0].bogus\\x01: unknown key", r.stderr)

    def test_the_good_config_these_are_made_from_is_accepted(self):
        path = self.write_bytes("good.yaml", b"server:\n  host: \"::1\"\n" + GOOD_MONITORS.encode()
                                + b'      grace_period: "5m"\n')
        r = run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
