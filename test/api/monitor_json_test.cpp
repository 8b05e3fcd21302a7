// The one JSON shape of a monitor (api/monitor_json.hpp): fields, nulls for what is unknown,
// the deadline only while up, and the push URL (which holds the secret) only when asked for.
#include <catch2/catch.hpp>

#include "api/monitor_json.hpp"

using namespace uptime;

namespace {
core::utc_time at(const char* iso) { return *core::parse_iso(iso); }

store::monitor_record backup() {
  store::monitor_record r;
  r.id = 7;
  r.name = "Nightly backup";
  r.group = "db";
  r.type = "push";
  r.secret_key = "s3cr3t-key";
  r.push_count = 42;
  r.last_message = "12 GB";
  r.state.status = core::monitor_status::up;
  r.state.last_push_at = at("2025-01-15T02:00:07.250Z");
  r.state.next_expected_at = at("2025-01-16T02:30:08Z");
  return r;
}
}  // namespace

TEST_CASE("a monitor's JSON has its fields, times in ISO UTC, and no secret unless asked") {
  const auto r = backup();
  const auto o = api::monitor_to_json(api::view_of(r), {"https://up.example.com", false});
  CHECK(json::serialize(o) ==
        R"({"id":7,"name":"Nightly backup","group":"db","type":"push","enabled":true,)"
        R"("status":"up","paused":false,"in_maintenance":false,"last_push_at":"2025-01-15T02:00:07Z",)"
        R"("next_expected_by":"2025-01-16T02:30:08Z","last_message":"12 GB","push_count":42,)"
        R"("last_duration_seconds":null,"uptime_ratio":{"24h":null,"7d":null,"30d":null},"badge_url":null})");
  CHECK(json::serialize(o).find("s3cr3t") == std::string::npos);
}

TEST_CASE("the push URL is there for a caller allowed to see the key") {
  const auto r = backup();
  const auto o = api::monitor_to_json(api::view_of(r), {"https://up.example.com", true});
  CHECK(o.at("push_url") == "https://up.example.com/api/push/7/s3cr3t-key");
}

TEST_CASE("a pending or down monitor shows no deadline, and unknown times are null") {
  auto r = backup();
  r.state.status = core::monitor_status::down;
  CHECK(api::monitor_to_json(api::view_of(r), {}).at("next_expected_by").is_null());
  store::monitor_record fresh;
  fresh.id = 1;
  fresh.name = "new";
  fresh.type = "push";
  const auto o = api::monitor_to_json(api::view_of(fresh), {});
  CHECK(o.at("status") == "pending");
  CHECK(o.at("last_push_at").is_null());
  CHECK(o.at("next_expected_by").is_null());
}

TEST_CASE("a disabled monitor has no push URL even for a caller who may see keys") {
  auto r = backup();
  r.enabled = false;
  const auto o = api::monitor_to_json(api::view_of(r), {"https://up.example.com", true});
  CHECK(o.at("enabled") == false);
  CHECK_FALSE(o.contains("push_url"));
}
