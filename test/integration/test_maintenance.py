"""Maintenance windows against the real binary: during a window a monitor's state is decided
and recorded but its DOWN alert is held; still DOWN when the window ends, it is alerted then,
once; recovered inside the window, nothing is alerted. The API says in_maintenance."""

import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ServerTestCase, format_iso, make_config, wait_until  # noqa: E402
from sinks import HttpSink, json_event, monitor  # noqa: E402

READ_KEY = "read-key-0123456789abcdef"


class MaintenanceTest(ServerTestCase):
    def start_sink(self):
        sink = HttpSink().start()
        self.addCleanup(sink.stop)
        return sink

    def test_a_down_held_by_a_window_is_alerted_once_at_its_end_and_a_recovered_one_never(self):
        sink = self.start_sink()
        now = time.time()
        window_end = int(now) + 7
        cfg = make_config(
            [monitor("Held", ["hook"], expected_interval="2s"),
             monitor("Recovers", ["hook"], expected_interval="2s"),
             monitor("Outside", ["hook"], expected_interval="60s")],
            notifications={"hook": {"type": "webhook", "url": sink.url("/hook")}},
            api_keys=[{"name": "r", "key": READ_KEY, "scope": "read"}],
            maintenance=[{"name": "Migration", "start": format_iso(now - 1),
                          "end": format_iso(window_end), "monitors": ["Held", "Recovers"]}])
        s = self.start_server(cfg)
        s.push("Held")
        s.push("Recovers")
        m = s.request("GET", f"/api/v1/monitors/{s.monitor_id('Held')}",
                      headers={"Authorization": f"Bearer {READ_KEY}"}).json
        self.assertIs(m["in_maintenance"], True)
        other = s.request("GET", f"/api/v1/monitors/{s.monitor_id('Outside')}",
                          headers={"Authorization": f"Bearer {READ_KEY}"}).json
        self.assertIs(other["in_maintenance"], False)

        # Both go DOWN inside the window: recorded, not alerted.
        wait_until(lambda: s.status_of("Held") == "down" and s.status_of("Recovers") == "down", 6,
                   message="both DOWN inside the window")
        self.assertLess(time.time(), window_end)
        self.assertEqual(sink.requests("/hook"), [])
        s.push("Recovers")  # recovers inside the window: nothing to say
        self.assertEqual(s.status_of("Recovers"), "up")
        # and stays UP from then on (its job keeps running)
        stop = threading.Event()
        keeper = threading.Thread(target=lambda: [s.push("Recovers") for _ in iter(lambda: stop.wait(0.5), True)])
        keeper.start()
        self.addCleanup(keeper.join)
        self.addCleanup(stop.set)

        # At the window's end the DOWN still DOWN is alerted, once.
        got = sink.wait_for(1, "/hook", timeout=window_end - time.time() + 5)
        self.assertGreaterEqual(time.time(), window_end - 0.5)
        self.assertEqual([(r.json()["monitor"]["name"], json_event(r)) for r in got], [("Held", "down")])
        time.sleep(2)
        self.assertEqual(len(sink.requests("/hook")), 1, "alerted once, not again")
        # Recovering after the window is news again.
        s.push("Held")
        ups = sink.wait_for(2, "/hook", timeout=10)
        self.assertEqual(json_event(ups[-1]), "up")


if __name__ == "__main__":
    unittest.main()
