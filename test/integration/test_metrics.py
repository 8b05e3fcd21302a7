"""Issue 14, Prometheus /metrics: the real binary scraped and its answer read by a real
Prometheus parser (Debian's python3-prometheus-client): every family's name, type and HELP,
per-monitor labels and values after pushes, a monitor gone DOWN, the push answer counters, the
store's commit histogram, the process metrics, and a renamed monitor whose old series are gone
at the next scrape (Uptime Kuma #598 keeps them)."""

import time
import unittest

from harness import ServerTestCase, make_config, parse_iso, push_monitor, wait_until

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # CI installs it (packaging/install-deps); a bare machine may not have it
    text_string_to_metric_families = None

# family (as the parser names it: a counter without its _total) -> (type, what its HELP says)
FAMILIES = {
    "uptime_monitor_up": ("gauge", "down"),
    "uptime_monitor_state": ("gauge", "state"),
    "uptime_monitor_in_maintenance": ("gauge", "maintenance"),
    "uptime_monitor_last_push_timestamp_seconds": ("gauge", "push"),
    "uptime_monitor_deadline_timestamp_seconds": ("gauge", "down"),
    "uptime_monitor_last_run_duration_seconds": ("gauge", "run"),
    "uptime_monitor_pushes": ("counter", "Pushes"),
    "uptime_push_requests": ("counter", "push endpoint"),
    "uptime_alerts_pending": ("gauge", "Alerts"),
    "uptime_alert_deliveries": ("counter", "delivery"),
    "uptime_store_commit_seconds": ("histogram", "transaction"),
    "process_start_time_seconds": ("gauge", "Start time"),
    "process_resident_memory_bytes": ("gauge", "memory"),
}
MONITOR_FAMILIES = [f for f in FAMILIES if f.startswith("uptime_monitor_")]


class MetricsTest(ServerTestCase):
    def setUp(self):
        if text_string_to_metric_families is None:
            self.skipTest("python3-prometheus-client is not installed (packaging/install-deps "
                          "installs it): the scrape must be read by a real Prometheus parser")
        self.monitors = [push_monitor("Alpha", "60s", "5s", group="ops"),
                         push_monitor('Bravo "quoted" \\ name', "60s", "0s"),
                         push_monitor("Charlie", "1s", "0s", group="batch")]
        self.server = self.start_server(make_config(self.monitors, metrics={"public": True}))

    def scrape(self):
        r = self.server.request("GET", "/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        text = r.raw.decode("utf-8")
        families = {f.name: f for f in text_string_to_metric_families(text)}
        return families, text

    def samples(self, families, family, **labels):
        return [s for s in families[family].samples
                if all(s.labels.get(k) == v for k, v in labels.items())]

    def value(self, families, family, sample_name=None, **labels):
        found = [s for s in self.samples(families, family, **labels)
                 if sample_name is None or s.name == sample_name]
        self.assertEqual(len(found), 1, f"{family} {labels}: {found}")
        return found[0].value

    def test_every_family_has_its_type_and_help_and_each_help_line_says_what_it_counts(self):
        families, text = self.scrape()
        for name, (kind, help_word) in FAMILIES.items():
            with self.subTest(family=name):
                self.assertIn(name, families)
                self.assertEqual(families[name].type, kind)
                self.assertIn(help_word, families[name].documentation)
        # The counters keep the _total suffix on the wire.
        self.assertIn("# TYPE uptime_monitor_pushes_total counter\n", text)
        self.assertIn("# TYPE uptime_push_requests_total counter\n", text)

    def test_each_monitor_has_its_series_with_id_name_and_group_labels(self):
        s = self.server
        families, _ = self.scrape()
        for name, group in (("Alpha", "ops"), ('Bravo "quoted" \\ name', ""), ("Charlie", "batch")):
            labels = {"id": str(s.monitor_id(name)), "name": name, "group": group}
            with self.subTest(monitor=name):
                self.assertEqual(self.value(families, "uptime_monitor_up", **labels), 1)
                self.assertEqual(self.value(families, "uptime_monitor_in_maintenance", **labels), 0)
                self.assertEqual(self.value(families, "uptime_monitor_pushes", **labels), 0)
                states = {x.labels["state"]: x.value
                          for x in self.samples(families, "uptime_monitor_state", **labels)}
                self.assertEqual(states, {"pending": 1, "up": 0, "down": 0, "paused": 0})
                # Never pushed: no last push, no deadline, no run.
                for family in ("uptime_monitor_last_push_timestamp_seconds",
                               "uptime_monitor_deadline_timestamp_seconds",
                               "uptime_monitor_last_run_duration_seconds"):
                    self.assertEqual(self.samples(families, family, **labels), [])
        for family in MONITOR_FAMILIES:
            for sample in families[family].samples:
                self.assertLessEqual({"id", "name", "group"}, set(sample.labels), sample)

    def test_a_push_shows_as_up_with_its_time_deadline_and_count(self):
        s = self.server
        aid = s.monitor_id("Alpha")
        body = self.assertPushOk(s.push("Alpha"), aid)
        self.assertPushOk(s.push("Alpha"), aid)
        body = self.assertPushOk(s.push("Alpha"), aid)
        families, _ = self.scrape()
        labels = {"id": str(aid), "name": "Alpha", "group": "ops"}
        self.assertEqual(self.value(families, "uptime_monitor_up", **labels), 1)
        self.assertEqual(self.value(families, "uptime_monitor_state", state="up", **labels), 1)
        self.assertEqual(self.value(families, "uptime_monitor_state", state="pending", **labels), 0)
        self.assertEqual(self.value(families, "uptime_monitor_pushes", **labels), 3)
        self.assertEqual(self.value(families, "uptime_monitor_last_push_timestamp_seconds", **labels),
                         parse_iso(body["received_at"]))
        self.assertEqual(self.value(families, "uptime_monitor_deadline_timestamp_seconds", **labels),
                         parse_iso(body["next_expected_by"]))

    def test_a_monitor_gone_down_shows_0_with_no_deadline(self):
        s = self.server
        cid = s.monitor_id("Charlie")
        self.assertPushOk(s.push("Charlie"), cid)
        labels = {"id": str(cid), "name": "Charlie", "group": "batch"}

        def down():
            families, _ = self.scrape()
            return families if self.value(families, "uptime_monitor_up", **labels) == 0 else None

        families = wait_until(down, 10, 0.2, "Charlie to show as down")
        self.assertEqual(self.value(families, "uptime_monitor_state", state="down", **labels), 1)
        self.assertEqual(self.samples(families, "uptime_monitor_deadline_timestamp_seconds", **labels), [])
        self.assertEqual(len(self.samples(families, "uptime_monitor_last_push_timestamp_seconds", **labels)), 1)

    def test_push_answers_are_counted_by_status_code(self):
        s = self.server
        families, _ = self.scrape()
        before = {x.labels["code"]: x.value for x in families["uptime_push_requests"].samples}
        self.assertEqual(before, {"200": 0, "400": 0, "403": 0, "404": 0, "500": 0})
        self.assertPushOk(s.push("Alpha"))
        self.assertPushOk(s.push("Alpha"))
        self.assertJsonError(s.push("Alpha", key="wrong-key"), 403)
        self.assertJsonError(s.request("GET", "/api/push/999999/key"), 404)
        families, _ = self.scrape()
        after = {x.labels["code"]: x.value for x in families["uptime_push_requests"].samples}
        self.assertEqual(after, {"200": 2, "400": 0, "403": 1, "404": 1, "500": 0})

    def test_the_store_commit_histogram_counts_the_transactions(self):
        s = self.server
        for _ in range(3):
            self.assertPushOk(s.push("Alpha"))
        families, _ = self.scrape()
        hist = families["uptime_store_commit_seconds"]
        buckets = [(x.labels["le"], x.value) for x in hist.samples if x.name.endswith("_bucket")]
        count = self.value(families, "uptime_store_commit_seconds", "uptime_store_commit_seconds_count")
        total = self.value(families, "uptime_store_commit_seconds", "uptime_store_commit_seconds_sum")
        self.assertEqual(buckets[-1], ("+Inf", count))
        self.assertGreaterEqual(count, 3)  # at least the three pushes' transactions
        self.assertGreater(total, 0)
        values = [v for _, v in buckets]
        self.assertEqual(values, sorted(values), "buckets are cumulative")
        bounds = [float(le) for le, _ in buckets[:-1]]
        self.assertEqual(bounds, sorted(bounds))

    def test_the_process_metrics_say_when_it_started_and_how_much_memory_it_holds(self):
        families, _ = self.scrape()
        started = self.value(families, "process_start_time_seconds")
        self.assertLess(abs(started - time.time()), 120)
        rss = self.value(families, "process_resident_memory_bytes")
        self.assertGreater(rss, 1 << 20)
        self.assertEqual(self.value(families, "uptime_alerts_pending"), 0)

    def test_a_renamed_monitor_s_old_series_are_gone_at_the_next_scrape(self):
        s = self.server
        self.assertPushOk(s.push("Alpha"))
        old_id = s.monitor_id("Alpha")
        families, text = self.scrape()
        self.assertEqual(len(self.samples(families, "uptime_monitor_up", name="Alpha")), 1)
        renamed = [push_monitor("Alpha Renamed", "60s", "5s", group="ops")] + self.monitors[1:2]
        s.write_config(make_config(renamed, metrics={"public": True}))
        s.reload()
        families, text = self.scrape()
        self.assertNotIn('name="Alpha"', text)
        self.assertNotIn('name="Charlie"', text)  # removed from the config
        self.assertNotIn(f'id="{old_id}"', text)
        new_id = s.monitor_id("Alpha Renamed")
        for family in MONITOR_FAMILIES:
            for sample in families[family].samples:
                self.assertIn(sample.labels["name"], ("Alpha Renamed", 'Bravo "quoted" \\ name'), sample)
        self.assertEqual(self.value(families, "uptime_monitor_up", id=str(new_id),
                                    name="Alpha Renamed", group="ops"), 1)

    def test_scrapes_at_the_same_time_are_all_answered(self):
        import threading
        results = []

        def one():
            r = self.server.request("GET", "/metrics")
            results.append((r.status, r.raw))

        threads = [threading.Thread(target=one) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([status for status, _ in results], [200] * 5)
        for _, raw in results:
            list(text_string_to_metric_families(raw.decode()))  # each parses whole


class MetricsKeyTest(ServerTestCase):
    """Without `metrics: {public: true}`, /metrics needs a read (or write) key as Bearer."""

    def test_metrics_need_a_key_unless_public(self):
        key = "metrics-read-key-0123456789"
        s = self.start_server(make_config([push_monitor("Alpha")],
                                          api_keys=[{"name": "prom", "key": key, "scope": "read"}]))
        r = s.request("GET", "/metrics")
        self.assertJsonError(r, 401, "API key required")
        r = s.request("GET", "/metrics", headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(r.status, 200, r)
        self.assertIn(b"uptime_monitor_up{", r.raw)


if __name__ == "__main__":
    unittest.main()
