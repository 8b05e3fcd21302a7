"""Contract 14: the startup log has exactly one `Push monitor initialized` line per enabled
push monitor (id, name, push URL), and no other log line carries a secret key."""

import unittest

from harness import INITIALIZED_RE, ServerTestCase, make_config, push_monitor


class LogSecretsTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config([
            push_monitor("Nightly backup", "2s", "0s", group="backups"),
            push_monitor("Hourly sync", "1h"),
            push_monitor("With \"quotes\" and spaces", "1h"),
            push_monitor("Disabled one", "1h", enabled=False),
        ]))

    def all_keys(self):
        return {r["monitor_id"]: r["secret_key"]
                for r in self.server.query("SELECT monitor_id, secret_key FROM push_monitors")}

    def test_the_startup_log_has_one_init_line_per_enabled_monitor_with_id_name_and_url(self):
        s = self.server
        log = s.run_log()
        startup = log[:log.index("Listening on")]
        lines = [l for l in startup.splitlines() if "Push monitor initialized" in l]
        self.assertEqual(len(lines), 3, lines)
        rows = {r["name"]: r for r in s.query(
            "SELECT m.id, m.name, m.group_name, p.secret_key FROM monitors m "
            "JOIN push_monitors p ON p.monitor_id = m.id")}
        for name in ["Nightly backup", "Hourly sync", 'With "quotes" and spaces']:
            with self.subTest(name=name):
                row = rows[name]
                url = f"http://127.0.0.1:{s.port}/api/push/{row['id']}/{row['secret_key']}"
                matching = [l for l in lines if f"id={row['id']} " in l]
                self.assertEqual(len(matching), 1, lines)
                m = INITIALIZED_RE.search(matching[0])
                self.assertIsNotNone(m, matching[0])
                self.assertEqual(int(m.group(1)), row["id"])
                self.assertEqual(m.group(5), url)
                self.assertIn(name, matching[0])
                self.assertEqual(m.group(3), row["group_name"])
        self.assertNotIn("Disabled one", "\n".join(lines))

    def test_no_other_log_line_carries_a_secret_key(self):
        s = self.server
        keys = self.all_keys()
        self.assertEqual(len(keys), 4)  # the disabled monitor has a key too
        # pushes of every kind, failures, a wrong key, a DOWN by deadline, errors
        for name in ["Nightly backup", "Hourly sync"]:
            self.assertPushOk(s.push(name))
            self.assertPushOk(s.push(name, method="POST",
                                     body={"status": "fail", "message": "boom"}))
            self.assertEqual(s.push(name, method="HEAD").status, 200)
        wrong = s.secret_key("Hourly sync")[:-2] + "zz"
        self.assertJsonError(s.push("Hourly sync", key=wrong), 403)
        self.assertJsonError(s.request("DELETE", s.push_path("Hourly sync")), 405)
        self.assertJsonError(s.request("GET", s.push_path("Hourly sync") + "/x"), 400)
        s.request("GET", "/health")
        s.wait_for_log(r'"Nightly backup" is DOWN.*No push since', timeout=10)
        # a reload that adds, removes and re-times monitors, and a refused one
        s.write_config(make_config([
            push_monitor("Nightly backup", "3s", "0s", group="backups"),
            push_monitor("Added later", "1h"),
            push_monitor('With "quotes" and spaces', "1h"),
        ]))
        s.reload()
        self.assertPushOk(s.push("Added later"))
        s.write_config("monitors:\n  - name: x\n    config: {expected_interval: -1}\n")
        s.reload(expect="refused")
        s.stop()

        keys = self.all_keys()
        log = s.log_text()
        disabled = s.query_one("SELECT id FROM monitors WHERE name = 'Disabled one'")["id"]
        for mid, key in keys.items():
            if mid == disabled:
                continue
            with self.subTest(monitor_id=mid):
                carrying = [l for l in log.splitlines() if key in l]
                for line in carrying:
                    self.assertIn("Push monitor initialized", line,
                                  f"a log line other than the init line carries the key:\n{line}")
                    self.assertIn(f"id={mid} ", line)
                # startup (and, for the monitor added by the reload, the reload) only
                self.assertEqual(len(carrying), 1, carrying)
        self.assertNotIn(wrong, log, "the wrong key sent by a client was logged")
        # the disabled monitor's key never shows up
        disabled = s.query_one("SELECT id FROM monitors WHERE name = 'Disabled one'")["id"]
        self.assertNotIn(keys[disabled], log)


if __name__ == "__main__":
    unittest.main()
