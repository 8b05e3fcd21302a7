"""Contract 7: SIGHUP reloads the config: monitors are added (new id, init log line), removed
(404, rows kept, monitors.enabled=0), re-timed (deadline re-armed from the last push); an
invalid config is refused whole with file:line:col errors; ids are stable."""

import re
import time
import unittest

from harness import ServerTestCase, make_config, parse_iso, push_monitor, wait_until


def config(*monitors, **kw):
    return make_config(list(monitors), **kw)


class ReloadTest(ServerTestCase):
    def setUp(self):
        self.a = push_monitor("Alpha", "60s", "5s")
        self.b = push_monitor("Bravo", "60s", "5s")
        self.server = self.start_server(config(self.a, self.b))

    def test_an_added_monitor_gets_a_new_id_an_init_line_and_accepts_pushes(self):
        s = self.server
        ids_before = {n: s.monitor_id(n) for n in ("Alpha", "Bravo")}
        s.write_config(config(self.a, self.b, push_monitor("Charlie", "30s", "2s", group="new")))
        text = s.reload()
        m = re.search(r'Push monitor initialized: id=(\d+) name="Charlie" group="new" '
                      r'status=pending url=(\S+)', text)
        self.assertIsNotNone(m, text)
        cid = int(m.group(1))
        self.assertNotIn(cid, ids_before.values())
        self.assertNotIn('name="Alpha"', text, "existing monitors are not re-initialized")
        self.assertEqual(s.monitor_id("Charlie"), cid)
        body = self.assertPushOk(s.push("Charlie"), cid)
        self.assertDeadlineIn(body, 32)
        for name, mid in ids_before.items():
            self.assertEqual(s.monitor_id(name), mid)
            self.assertPushOk(s.push(name), mid)

    def test_a_removed_monitor_answers_404_and_keeps_its_rows_with_enabled_0(self):
        s = self.server
        bid = s.monitor_id("Bravo")
        self.assertPushOk(s.push("Bravo", method="POST", body={"message": "last one"}), bid)
        s.write_config(config(self.a))
        s.reload()
        self.assertJsonError(s.push("Bravo"), 404, "Push monitor not found")
        self.assertJsonError(s.push("Bravo", method="POST", body={"status": "down"}), 404,
                             "Push monitor not found")
        row = s.monitor_row(bid)
        self.assertEqual(row["name"], "Bravo")
        self.assertEqual(row["enabled"], 0)
        self.assertIsNotNone(row["secret_key"])
        self.assertEqual([r["message"] for r in s.push_history(bid)], ["last one"])
        self.assertEqual(len(s.state_changes(bid)), 1)
        self.assertPushOk(s.push("Alpha"))
        self.assertEqual(s.monitor_row(s.monitor_id("Alpha"))["enabled"], 1)

    def test_a_monitor_set_to_enabled_false_answers_404_after_reload(self):
        s = self.server
        bid = s.monitor_id("Bravo")
        self.assertPushOk(s.push("Bravo"), bid)
        s.write_config(config(self.a, push_monitor("Bravo", "60s", "5s", enabled=False)))
        s.reload()
        self.assertJsonError(s.push("Bravo"), 404, "Push monitor not found")
        self.assertEqual(s.monitor_row(bid)["enabled"], 0)

    def test_a_removed_monitor_does_not_go_down_while_removed(self):
        s = self.server
        s.write_config(config(push_monitor("Alpha", "60s", "5s"),
                              push_monitor("Bravo", "1s", "0s")))
        s.reload()
        bid = s.monitor_id("Bravo")
        self.assertPushOk(s.push("Bravo"), bid)
        s.write_config(config(self.a))
        s.reload()
        time.sleep(2.5)
        self.assertEqual(s.status_of("Bravo"), "up")
        self.assertEqual([(c["from_status"], c["to_status"]) for c in s.state_changes(bid)],
                         [("pending", "up")])

    def test_re_adding_a_removed_monitor_gives_back_its_id_and_key(self):
        s = self.server
        bid = s.monitor_id("Bravo")
        path = s.push_path("Bravo")
        s.write_config(config(self.a))
        s.reload()
        self.assertJsonError(s.push("Bravo"), 404)
        s.write_config(config(push_monitor("Zulu", "60s"), self.b, self.a))
        text = s.reload()
        self.assertRegex(text, rf'Push monitor initialized: id={bid} name="Bravo"')
        self.assertEqual(s.monitor_id("Bravo"), bid)
        self.assertEqual(s.push_path("Bravo"), path)
        self.assertPushOk(s.push("Bravo"), bid)
        self.assertEqual(s.monitor_row(bid)["enabled"], 1)

    def test_reordering_monitors_keeps_their_ids(self):
        s = self.server
        ids = {n: s.monitor_id(n) for n in ("Alpha", "Bravo")}
        s.write_config(config(push_monitor("New First", "60s"), self.b, self.a))
        s.reload()
        for name, mid in ids.items():
            self.assertEqual(s.monitor_id(name), mid)
            self.assertPushOk(s.push(name), mid)
        s.restart()
        for name, mid in ids.items():
            self.assertEqual(s.monitor_id(name), mid)

    def test_a_changed_expected_interval_re_arms_the_deadline_from_the_last_push(self):
        s = self.server
        aid = s.monitor_id("Alpha")
        body = self.assertPushOk(s.push("Alpha"), aid)
        last = parse_iso(body["received_at"])
        self.assertDeadlineIn(body, 65)
        s.write_config(config(push_monitor("Alpha", "3s", "1s"), self.b))
        text = s.reload()
        self.assertIn("re-timed", text)
        row = wait_until(lambda: (lambda r: r if r["next_expected_at"] != body["next_expected_by"]
                                  else None)(s.monitor_row(aid)), 5, 0.05,
                         "next_expected_at to change")
        self.assertEqual(row["last_push_at"], body["received_at"])
        # re-armed from the last push (its second's end, as read back): never early
        self.assertIn(parse_iso(row["next_expected_at"]), (last + 4, last + 5))
        self.assertEqual(s.query_one("SELECT expected_interval, grace_period FROM push_monitors "
                                     "WHERE monitor_id = ?", (aid,))[:], (3, 1))
        # and the timer follows: DOWN around last push + 4 s, not at + 65 s
        wait_until(lambda: s.status_of("Alpha") == "down", last + 4 + 2 - time.time(), 0.1,
                   "Alpha DOWN at its new deadline")
        self.assertGreaterEqual(time.time(), last + 4 - 0.2)
        reason = s.state_changes(aid)[-1]["reason"]
        self.assertEqual(reason, f"No push since {body['received_at']}, "
                                 "expected every 3s + 1s grace")
        # a longer interval moves the deadline later again; the next push uses it too
        s.write_config(config(push_monitor("Alpha", "2h", "0s"), self.b))
        s.reload()
        body2 = self.assertPushOk(s.push("Alpha"), aid)
        self.assertDeadlineIn(body2, 7200)

    def test_a_changed_grace_period_alone_re_arms_the_deadline_from_the_last_push(self):
        s = self.server
        bid = s.monitor_id("Bravo")
        body = self.assertPushOk(s.push("Bravo"), bid)
        s.write_config(config(self.a, push_monitor("Bravo", "60s", "2h")))
        s.reload()
        row = wait_until(lambda: (lambda r: r if r["next_expected_at"] != body["next_expected_by"]
                                  else None)(s.monitor_row(bid)), 5, 0.05,
                         "next_expected_at to change")
        # from the push's own instant, rounded up to the second
        self.assertIn(parse_iso(row["next_expected_at"]) - parse_iso(body["received_at"]),
                      (60 + 7200, 60 + 7201))
        self.assertEqual(row["last_push_at"], body["received_at"])

    def test_a_changed_check_interval_takes_effect_after_reload(self):
        s = self.server  # Alpha and Bravo are checked every default_interval (60 s)
        aid = s.monitor_id("Alpha")
        self.assertPushOk(s.push("Alpha"), aid)
        before = len(s.check_results(aid))
        s.write_config(config(push_monitor("Alpha", "60s", "5s", interval=1), self.b))
        s.reload()
        wait_until(lambda: len(s.check_results(aid)) >= before + 2, 6, 0.1,
                   "check_results rows every second after the interval became 1 s")

    def test_an_invalid_config_is_refused_with_located_errors_and_the_old_one_keeps_working(self):
        s = self.server
        ids = {n: s.monitor_id(n) for n in ("Alpha", "Bravo")}
        bad = (
            "server:\n"                                  # 1
            "  host: 127.0.0.1\n"                        # 2
            "  port: 0\n"                                # 3
            "monitors:\n"                                # 4
            "  - name: Alpha\n"                          # 5
            "    type: push\n"                           # 6
            "    config:\n"                              # 7
            "      expected_interval: -5\n"              # 8, value at column 26
            "      grace_period: 5s\n"                   # 9
            "  - name: Delta\n"                          # 10
            "    type: push\n"                           # 11
            "    config: {expected_interval: 30s}\n"     # 12
        )
        s.write_config(bad)
        text = s.reload(expect="refused")
        path = re.escape(s.config_path)
        self.assertRegex(text, path + r":8:26: monitors\[0\]\.config\.expected_interval: ")
        self.assertTrue(s.running)
        # nothing of the refused config was applied: Bravo still answers, Delta does not exist
        for name, mid in ids.items():
            self.assertPushOk(s.push(name), mid)
        self.assertIsNone(s.query_one("SELECT id FROM monitors WHERE name = 'Delta'"))
        self.assertEqual(s.monitor_row(ids["Bravo"])["enabled"], 1)
        self.assertEqual(s.request("GET", "/health").status, 200)
        body = self.assertPushOk(s.push("Alpha"), ids["Alpha"])
        self.assertDeadlineIn(body, 65)
        # a good config afterwards is applied as usual
        s.write_config(config(self.a, self.b, push_monitor("Echo", "60s")))
        s.reload()
        self.assertPushOk(s.push("Echo"))

    def test_a_config_with_a_yaml_syntax_error_is_refused_and_the_server_keeps_running(self):
        s = self.server
        s.write_config("server: {host: 127.0.0.1, port: 0\nmonitors: [\n")
        text = s.reload(expect="refused")
        self.assertIn(s.config_path, text)
        self.assertTrue(s.running)
        self.assertPushOk(s.push("Alpha"))
        self.assertPushOk(s.push("Bravo"))

    def test_several_reloads_in_a_row_leave_one_working_set_of_monitors(self):
        s = self.server
        for i in range(5):
            extra = [push_monitor(f"Extra {i}", "60s")]
            s.write_config(config(self.a, self.b, *extra))
            s.reload()
            self.assertPushOk(s.push(f"Extra {i}"))
            if i:
                self.assertJsonError(s.push(f"Extra {i - 1}"), 404)
        self.assertEqual(
            s.query_one("SELECT COUNT(*) FROM monitors WHERE enabled = 1")[0], 3)


if __name__ == "__main__":
    unittest.main()
