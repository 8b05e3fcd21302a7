"""Contract 13: the command line: check-config, monitors, --version, --help."""

import json
import os
import re
import shutil
import tempfile
import unittest

from harness import ConfigFilesTestCase, ServerTestCase, make_config, push_monitor, run_cli, to_yaml

HEADER = ["ID", "NAME", "GROUP", "STATUS", "LAST PUSH", "NEXT DEADLINE", "PUSH URL"]

GOOD = to_yaml(make_config([push_monitor("Nightly backup", "24h", "30m", group="backups"),
                            push_monitor("Hourly sync", "1h", "5m")],
                           default_interval="1m"))

BAD = (
    "server:\n"                          # 1
    "  host: 127.0.0.1\n"                # 2
    "  prot: 8080\n"                     # 3: unknown key at column 3
    "monitors:\n"                        # 4
    "  - name: Nightly backup\n"         # 5
    "    type: push\n"                   # 6
    "    config:\n"                      # 7
    "      expected_interval: -5\n"      # 8: negative, value at column 26
)


class CliTest(ConfigFilesTestCase):
    dir_prefix = "uptime-cli-"

    # ---- check-config -----------------------------------------------------------------------

    def test_check_config_accepts_a_good_config_with_exit_code_0(self):
        path = self.write("good.yaml", GOOD)
        r = run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Nightly backup", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "data", "uptime.db")),
                         "check-config must not create the database")

    def test_check_config_reports_every_error_with_file_line_column_and_field(self):
        path = self.write("bad.yaml", BAD)
        r = run_cli("check-config", "--config", path)
        self.assertNotEqual(r.returncode, 0)
        out = r.stdout + r.stderr
        error_lines = [l for l in out.splitlines() if l.startswith(path + ":")]
        self.assertEqual(len(error_lines), 2, out)
        self.assertRegex(error_lines[0], "^" + re.escape(path) + r":3:3: server\.prot: \S")
        self.assertRegex(error_lines[1], "^" + re.escape(path)
                         + r":8:26: monitors\[0\]\.config\.expected_interval: \S")
        for line in error_lines:
            self.assertRegex(line, r"^.+:\d+:\d+: [\w.\[\]]+: .+$")

    def test_check_config_with_a_relative_path_names_that_path_in_errors(self):
        self.write("bad.yaml", BAD)
        r = run_cli("check-config", "--config", "bad.yaml", cwd=self.dir)
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stdout + r.stderr, r"(^|\n)(\./)?bad\.yaml:3:3: server\.prot: ")
        self.assertRegex(r.stdout + r.stderr,
                         r"(^|\n)(\./)?bad\.yaml:8:26: monitors\[0\]\.config\.expected_interval: ")

    def test_check_config_on_a_missing_file_fails(self):
        r = run_cli("check-config", "--config", os.path.join(self.dir, "missing.yaml"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("missing.yaml", r.stdout + r.stderr)

    def test_serve_refuses_to_start_with_a_bad_config_and_names_the_errors(self):
        path = self.write("bad.yaml", BAD)
        r = run_cli("serve", "--config", path, timeout=15)
        self.assertNotEqual(r.returncode, 0)
        out = r.stdout + r.stderr
        self.assertIn(path + ":3:3: server.prot:", out)
        self.assertIn(path + ":8:26: monitors[0].config.expected_interval:", out)
        self.assertNotIn("Listening on", out)

    # ---- monitors ---------------------------------------------------------------------------

    def parse_table(self, text):
        lines = [l for l in text.splitlines() if l.strip()]
        header = lines[0]
        self.assertEqual(header.split(), "ID NAME GROUP STATUS LAST PUSH NEXT DEADLINE PUSH URL"
                         .split(), text)
        # columns start where the header's titles start
        starts = [header.index(h) for h in HEADER]
        rows = []
        for line in lines[1:]:
            cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [len(line)])]
            rows.append(dict(zip(HEADER, cells)))
        return rows

    def test_monitors_lists_every_monitor_with_its_push_url_after_a_server_ran(self):
        s = self.start_server(make_config(
            [push_monitor("Nightly backup", "24h", "30m", group="backups"),
             push_monitor("Hourly sync", "1h", "5m")],
            server={"base_url": "https://status.example.com/"}))
        body = self.assertPushOk(s.push("Nightly backup"))
        urls = {n: s.monitors[n][1] for n in ("Nightly backup", "Hourly sync")}
        for url in urls.values():
            self.assertTrue(url.startswith("https://status.example.com/api/push/"), url)
        s.stop()
        r = run_cli("monitors", "--config", s.config_path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rows = {row["NAME"]: row for row in self.parse_table(r.stdout)}
        self.assertEqual(set(rows), {"Nightly backup", "Hourly sync"}, r.stdout)
        nb, hs = rows["Nightly backup"], rows["Hourly sync"]
        self.assertEqual(nb["ID"], str(s.monitor_id("Nightly backup")))
        self.assertEqual(nb["GROUP"], "backups")
        self.assertEqual(nb["STATUS"], "up")
        self.assertEqual(nb["LAST PUSH"], body["received_at"])
        self.assertEqual(nb["NEXT DEADLINE"], body["next_expected_by"])
        self.assertEqual(nb["PUSH URL"], urls["Nightly backup"])
        self.assertEqual(hs["STATUS"], "pending")
        self.assertEqual(hs["PUSH URL"], urls["Hourly sync"])

    def test_monitors_json_shows_each_monitor_as_the_api_will(self):
        s = self.start_server(make_config(
            [push_monitor("Nightly backup", "1d", "1h", group="backups"),
             push_monitor("Hourly sync", "1h", "5m")],
            server={"base_url": "https://status.example.com/"}))
        body = self.assertPushOk(s.push("Nightly backup"))
        s.stop()
        r = run_cli("monitors", "--json", "--config", s.config_path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        doc = json.loads(r.stdout)
        by_name = {m["name"]: m for m in doc["monitors"]}
        nb, hs = by_name["Nightly backup"], by_name["Hourly sync"]
        self.assertEqual(set(nb), {"id", "name", "group", "type", "enabled", "status", "paused",
                                   "in_maintenance", "last_push_at", "next_expected_by",
                                   "last_message", "push_count", "last_duration_seconds",
                                   "uptime_ratio", "badge_url", "push_url"})
        self.assertEqual((nb["id"], nb["group"], nb["type"], nb["status"], nb["push_count"]),
                         (s.monitor_id("Nightly backup"), "backups", "push", "up", 1))
        self.assertEqual(nb["last_push_at"], body["received_at"])
        self.assertEqual(nb["next_expected_by"], body["next_expected_by"])
        self.assertEqual(nb["push_url"], s.monitors["Nightly backup"][1])
        self.assertEqual((hs["status"], hs["last_push_at"], hs["next_expected_by"]),
                         ("pending", None, None))

    def test_monitors_works_while_the_server_is_running(self):
        s = self.start_server(make_config([push_monitor("Live", "1h")]))
        self.assertPushOk(s.push("Live"))
        r = run_cli("monitors", "--config", s.config_path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rows = self.parse_table(r.stdout)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["STATUS"], "up")
        self.assertTrue(rows[0]["PUSH URL"].endswith(s.push_path("Live")), r.stdout)
        self.assertTrue(s.running)
        self.assertPushOk(s.push("Live"))

    def test_environment_variables_in_values_are_substituted(self):
        os.environ["UPTIME_IT_BASE_URL"] = "https://env.example.com"
        self.addCleanup(os.environ.pop, "UPTIME_IT_BASE_URL", None)
        s = self.start_server(make_config([push_monitor("Env", "1h")],
                                          server={"base_url": "${UPTIME_IT_BASE_URL}"}))
        url = s.monitors["Env"][1]
        self.assertTrue(url.startswith("https://env.example.com/api/push/"), url)
        self.assertPushOk(s.push("Env"))
        path = self.write("env.yaml", s.config_text())
        del os.environ["UPTIME_IT_BASE_URL"]
        r = run_cli("check-config", "--config", path)
        self.assertNotEqual(r.returncode, 0, "an unset variable must be an error")
        self.assertIn("UPTIME_IT_BASE_URL", r.stdout + r.stderr)

    def test_monitors_without_a_database_fails_with_a_hint(self):
        path = self.write("good.yaml", GOOD)
        r = run_cli("monitors", "--config", path)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("serve", r.stdout + r.stderr)

    def test_serve_exits_non_zero_when_the_port_is_taken(self):
        first = self.start_server(make_config([push_monitor("One", "1h")]))
        path = self.write("clash.yaml", to_yaml(make_config([push_monitor("One", "1h")],
                                                            server={"port": first.port})))
        r = run_cli("serve", "--config", path, timeout=15)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(str(first.port), r.stdout + r.stderr)
        self.assertPushOk(first.push("One"))

    # ---- version and help -------------------------------------------------------------------

    def test_version_prints_the_version(self):
        r = run_cli("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.strip(), r"^uptime-monitor \d+\.\d+\.\d+")

    def test_help_works_for_each_subcommand(self):
        r = run_cli("--help")
        self.assertEqual(r.returncode, 0)
        for sub in ("serve", "check-config", "monitors"):
            self.assertIn(sub, r.stdout)
        for sub in ("serve", "check-config", "monitors"):
            with self.subTest(subcommand=sub):
                r = run_cli(sub, "--help")
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("--config", r.stdout)
                self.assertIn(sub, r.stdout)

    def test_no_subcommand_or_an_unknown_one_fails(self):
        self.assertNotEqual(run_cli().returncode, 0)
        self.assertNotEqual(run_cli("frobnicate").returncode, 0)


if __name__ == "__main__":
    unittest.main()
