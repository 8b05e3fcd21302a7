"""Badges against the real binary: a monitor's and a group's badge_url from the API serve an
SVG (well-formed XML naming the status), JSON, the shields.io endpoint format and the 30-day
uptime, with no API key and Cache-Control max-age=60; the status follows the monitor; a made-up
key, or a monitor's key with one digit changed, is a 404 that says nothing more."""

import unittest
import xml.etree.ElementTree as ET

from harness import ServerTestCase, make_config, push_monitor

READ_KEY = "read-key-0123456789abcdef"
WRITE_KEY = "write-key-0123456789abcdef"


class BadgeTest(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(make_config(
            [push_monitor("Nightly <Backup>", group="backups"), push_monitor("Other")],
            api_keys=[{"name": "r", "key": READ_KEY, "scope": "read"},
                      {"name": "w", "key": WRITE_KEY, "scope": "write"}]))
        s = self.server
        self.mid = s.monitor_id("Nightly <Backup>")
        m = s.request("GET", f"/api/v1/monitors/{self.mid}", headers={"Authorization": f"Bearer {READ_KEY}"}).json
        self.key = m["badge_url"].split("/badge/", 1)[1][: -len(".svg")]
        groups = s.request("GET", "/api/v1/groups", headers={"Authorization": f"Bearer {READ_KEY}"}).json["groups"]
        self.group_key = {g["name"]: g for g in groups}["backups"]["badge_url"].split("/badge/", 1)[1][: -len(".svg")]

    def badge(self, path):
        r = self.server.request("GET", path)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Cache-Control"), "max-age=60")
        return r

    def test_every_format_shows_the_status_without_a_key(self):
        r = self.badge(f"/badge/{self.key}.svg")
        self.assertTrue(r.headers["Content-Type"].startswith("image/svg+xml"))
        svg = ET.fromstring(r.raw)  # well-formed, the name escaped
        text = "".join(svg.itertext())
        self.assertIn("Nightly <Backup>", text)
        self.assertIn("pending", text)
        self.assertEqual(self.badge(f"/badge/{self.key}.json").json, {"name": "Nightly <Backup>", "status": "pending"})
        self.server.push("Nightly <Backup>")
        self.assertEqual(self.badge(f"/badge/{self.key}.json").json["status"], "up")
        shields = self.badge(f"/badge/{self.key}.shields").json
        self.assertEqual(shields, {"schemaVersion": 1, "label": "Nightly <Backup>", "message": "up",
                                   "color": "brightgreen"})
        self.server.request("POST", f"/api/v1/monitors/{self.mid}/pause", headers={"X-Api-Key": WRITE_KEY})
        self.assertEqual(self.badge(f"/badge/{self.key}.shields").json["message"], "paused")
        uptime = ET.fromstring(self.badge(f"/badge/{self.key}/uptime-30d.svg").raw)
        self.assertIn("100%", "".join(uptime.itertext()))

    def test_a_group_has_its_own_badge(self):
        self.server.push("Nightly <Backup>")
        self.assertEqual(self.badge(f"/badge/{self.group_key}.json").json, {"name": "backups", "status": "up"})

    def test_unknown_or_altered_keys_are_404(self):
        other = f"{self.mid + 1}-" + self.key.split("-", 1)[1]  # someone else's id, this signature
        flipped = self.key[:-1] + ("0" if self.key[-1] != "0" else "1")
        for path in (f"/badge/{other}.svg", f"/badge/{flipped}.svg", f"/badge/{self.key}.png",
                     "/badge/g-000000000000000000000000.json", "/badge/..%2f..%2fetc.svg"):
            with self.subTest(path=path):
                self.assertJsonError(self.server.request("GET", path), 404, "Badge not found")
        secret = self.server.secret_key("Nightly <Backup>")
        self.assertNotIn(secret, self.key)


if __name__ == "__main__":
    unittest.main()
