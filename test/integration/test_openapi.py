"""The OpenAPI document (/api/v1/openapi.json) against the real answers: every path and method
it lists is called, and each answer's status must be one the document lists for it, with a
body valid under the schema it gives (JSON Schema 2020-12, python3-jsonschema)."""

import json
import unittest

from harness import ServerTestCase, make_config, push_monitor

try:
    import jsonschema
except ImportError:  # pragma: no cover - packaging/install-deps installs python3-jsonschema
    jsonschema = None

READ_KEY = "read-key-0123456789abcdef"
WRITE_KEY = "write-key-0123456789abcdef"


class OpenApiTest(ServerTestCase):
    def setUp(self):
        if jsonschema is None:
            self.skipTest("python3-jsonschema is not installed")
        self.server = self.start_server(make_config(
            [push_monitor("Backup", group="nightly"), push_monitor("Report")],
            api_keys=[{"name": "r", "key": READ_KEY, "scope": "read"},
                      {"name": "w", "key": WRITE_KEY, "scope": "write"}]))
        r = self.server.request("GET", "/api/v1/openapi.json")
        self.assertEqual(r.status, 200, r)
        self.doc = r.json
        self.resolver = jsonschema.RefResolver.from_schema(self.doc)
        self.called = set()

    def deref(self, obj):
        while isinstance(obj, dict) and "$ref" in obj:
            node = self.doc
            for part in obj["$ref"].lstrip("#/").split("/"):
                node = node[part]
            obj = node
        return obj

    def check(self, method, template, path, key=None, body=None, want=None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        r = self.server.request(method.upper(), path, body=body, headers=headers)
        if want is not None:
            self.assertEqual(r.status, want, r)
        op = self.doc["paths"][template][method]
        self.called.add((template, method))
        responses = op["responses"]
        self.assertIn(str(r.status), responses, f"{method} {path}: {r.status} is not documented")
        resp = self.deref(responses[str(r.status)])
        ctype = r.headers.get("Content-Type", "").split(";")[0]
        content = resp.get("content", {})
        if method == "head":
            return r
        self.assertIn(ctype, content, f"{method} {path}: {ctype} is not documented for {r.status}")
        if ctype == "application/json":
            schema = content[ctype]["schema"]
            validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
            errors = sorted(validator.iter_errors(r.json), key=str)
            self.assertFalse(errors, f"{method} {path}: {errors[:3]}\n{json.dumps(r.json)[:2000]}")
        return r

    def test_every_documented_endpoint_answers_as_documented(self):
        s = self.server
        mid = s.monitor_id("Backup")
        key = s.secret_key("Backup")
        push = "/api/push/{id}/{key}"
        signal = "/api/push/{id}/{key}/{signal}"
        self.check("get", push, f"/api/push/{mid}/{key}", want=200)
        self.check("post", push, f"/api/push/{mid}/{key}", body={"status": "ok", "message": "fine"}, want=200)
        self.check("head", push, f"/api/push/{mid}/{key}", want=200)
        self.check("get", push, f"/api/push/{mid}/wrong", want=403)
        self.check("get", push, f"/api/push/999999/{key}", want=404)
        self.check("get", signal, f"/api/push/{mid}/{key}/start?rid=2f1c4a9e-8d1b-4c1e-9a7e-3b5d2c7e9f10", want=200)
        self.check("post", signal, f"/api/push/{mid}/{key}/0?rid=2f1c4a9e-8d1b-4c1e-9a7e-3b5d2c7e9f10", want=200)
        self.check("head", signal, f"/api/push/{mid}/{key}/log", want=200)

        self.check("get", "/api/v1/monitors", "/api/v1/monitors", READ_KEY, want=200)
        self.check("get", "/api/v1/monitors", "/api/v1/monitors", WRITE_KEY, want=200)
        self.check("get", "/api/v1/monitors", "/api/v1/monitors?limit=1", READ_KEY, want=200)
        self.check("get", "/api/v1/monitors", "/api/v1/monitors?limit=0", READ_KEY, want=400)
        self.check("get", "/api/v1/monitors", "/api/v1/monitors", None, want=401)
        one = "/api/v1/monitors/{id}"
        self.check("get", one, f"/api/v1/monitors/{mid}", READ_KEY, want=200)
        self.check("get", one, f"/api/v1/monitors/{mid}", WRITE_KEY, want=200)
        self.check("get", one, "/api/v1/monitors/999999", READ_KEY, want=404)
        for part in ("pushes", "changes", "alerts"):
            t = "/api/v1/monitors/{id}/" + part
            self.check("get", t, f"/api/v1/monitors/{mid}/{part}", READ_KEY, want=200)
            self.check("get", t, f"/api/v1/monitors/{mid}/{part}?limit=0", READ_KEY, want=400)
        self.check("get", "/api/v1/monitors/{id}/pushes", f"/api/v1/monitors/{mid}/pushes?before=2",
                   READ_KEY, want=200)
        self.check("post", "/api/v1/monitors/{id}/pause", f"/api/v1/monitors/{mid}/pause", READ_KEY, want=403)
        self.check("post", "/api/v1/monitors/{id}/pause", f"/api/v1/monitors/{mid}/pause", WRITE_KEY, want=200)
        self.check("post", "/api/v1/monitors/{id}/resume", f"/api/v1/monitors/{mid}/resume", WRITE_KEY, want=200)
        self.check("post", "/api/v1/monitors/{id}/resume", f"/api/v1/monitors/{mid}/resume", WRITE_KEY, want=409)
        self.check("post", "/api/v1/monitors/{id}/rotate-key", f"/api/v1/monitors/{mid}/rotate-key",
                   WRITE_KEY, want=200)
        self.check("get", "/api/v1/groups", "/api/v1/groups", READ_KEY, want=200)
        self.check("get", "/api/v1/status", "/api/v1/status", READ_KEY, want=200)
        self.check("get", "/api/v1/openapi.json", "/api/v1/openapi.json", want=200)
        self.check("get", "/health", "/health", want=200)
        self.check("get", "/metrics", "/metrics", READ_KEY, want=200)
        self.check("get", "/metrics", "/metrics", None, want=401)

        m = s.request("GET", f"/api/v1/monitors/{mid}", headers={"Authorization": f"Bearer {READ_KEY}"}).json
        badge = m["badge_url"].split("/badge/", 1)[1][: -len(".svg")]
        for suffix in (".svg", ".json", ".shields"):
            self.check("get", "/badge/{file}", f"/badge/{badge}{suffix}", want=200)
        self.check("get", "/badge/{file}", "/badge/0-000000000000000000000000.svg", want=404)
        self.check("get", "/badge/{key}/uptime-30d.svg", f"/badge/{badge}/uptime-30d.svg", want=200)

        documented = {(p, m) for p, item in self.doc["paths"].items() for m in item
                      if m in ("get", "post", "head", "put", "delete", "patch")}
        self.assertEqual(documented - self.called, set(), "documented but not exercised")


if __name__ == "__main__":
    unittest.main()
