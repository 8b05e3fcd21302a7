// The configuration file: what a user declares (server, database, channels, monitors, API keys,
// maintenance windows), loaded
// from YAML with every value checked. Loading is all-or-nothing: either a complete `config` or
// the list of every error, each naming file:line:column and the field's path, e.g.
//   config.yaml:14:27: monitors[2].config.expected_interval: must be a positive duration, got -5
// This folder does no other I/O than reading the file and the environment (for ${VAR}).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cron.hpp"
#include "core/kinds.hpp"

namespace uptime::config {

struct server_settings {
  std::string host = "0.0.0.0";
  std::uint16_t port = 5000;           // 0 = let the OS choose (tests)
  std::string base_url;                // "" = derived from host and port, see public_base_url()
  std::size_t max_body_bytes = 100 * 1024;
  std::size_t max_connections = 10000;
  std::chrono::seconds header_timeout{10};  // to receive a request's header once it has begun
  std::chrono::seconds idle_timeout{60};    // a keep-alive connection with no request is closed
  // server.cors_origins: browsers on these origins may call the API. Each "scheme://host[:port]",
  // lowercase, without a trailing '/' or a default port (80 for http, 443 for https), as a
  // browser's Origin header spells it. Empty: CORS is off.
  std::vector<std::string> cors_origins;
};

struct database_settings {
  std::filesystem::path path;          // absolute: resolved against the config file's folder
  int retention_days = 30;             // check_results / state_changes older than this are pruned
  int max_check_results = 10000;       // per monitor
  int push_history_per_monitor = 100;  // newest N pushes kept per monitor (1..1000000)
  std::chrono::milliseconds busy_timeout{5000};
  std::string synchronous = "normal";  // "normal" or "full"
};

enum class alert_event { down, up };

// A monitor as declared. The keys of its `config:` block depend on its kind (one parser per
// kind, config/kinds/); the fields from expected_interval to failures_before_down are the
// push kind's.
struct monitor_settings {
  std::string name;
  core::monitor_kind kind = core::monitor_kind::push;  // `type:`; core::to_string gives the name
  bool enabled = true;
  std::string group;
  std::chrono::seconds interval{0};           // periodic check period; 0 = default_interval
  std::chrono::seconds expected_interval{0};  // resolved: config.expected_interval, else interval, else default_interval
  std::chrono::seconds grace_period{0};
  bool require_payload = false;
  std::vector<std::string> notifications;     // channel names, each defined under notifications:
  std::vector<alert_event> alert_on{alert_event::down, alert_event::up};
  std::chrono::seconds remind_every{0};       // config.remind_every: re-alert while DOWN; 0 = never
  // config.schedule (cron) in config.timezone, instead of expected_interval.
  std::optional<core::cron_schedule> schedule;
  std::string timezone = "UTC";
  const date::time_zone* zone = nullptr;      // set with schedule
  std::chrono::seconds max_runtime{0};        // a started run must finish within; 0 = grace_period
  std::chrono::seconds min_runtime{0};        // a shorter finished run is a failure; 0 = none
  int failures_before_down = 1;
  bool manual_resume = false;                 // config.manual_resume: a push does not end a pause
  int line = 0;                               // 1-based line of the entry, for messages
};

enum class api_key_scope { read, write };

// An entry of api_keys:. Only the key's SHA-256 is kept: the key itself (`key:`, hashed when
// loaded) is never stored, logged or shown; `key_sha256:` gives the hash directly, so the file
// need not hold the secret. Names are unique, and so are the hashes.
struct api_key_settings {
  std::string name;
  std::array<unsigned char, 32> sha256{};
  api_key_scope scope = api_key_scope::read;
  int line = 0;
};

// An entry of maintenance:. Either recurring (schedule, duration, timezone: each run of the
// schedule opens the window for `duration` of real time) or one-off ([start, end) in UTC).
// It covers the monitors named and the monitors of the groups named (both: the union); with
// neither, every monitor. Every name refers to a declared monitor or group. to_window()
// (config/maintenance.hpp) turns it into the core rule.
struct maintenance_settings {
  std::string name;
  std::optional<core::cron_schedule> schedule;   // with duration, timezone
  std::chrono::seconds duration{0};
  std::string timezone = "UTC";
  const date::time_zone* zone = nullptr;          // set with schedule
  std::optional<core::utc_time> start, end;       // a one-off window [start, end)
  std::vector<std::string> monitors;              // names;
  std::vector<std::string> groups;                // neither: every monitor
  int line = 0;
};

// A named notification channel, checked against its type's fields (core/channel_schema.hpp):
// `type` is a known type and every field is known and valid. `fields` holds every field that
// has a value: the ones written (after ${VAR} substitution) and the defaults of the others, so
// a renderer needs no defaults of its own; optional fields without a default that were not
// given (or given empty) are absent.
struct channel_settings {
  std::string name;
  std::string type;
  // Text: lists (e-mail `to`) joined with ","; maps (webhook `headers`) as "Name: value" lines
  // joined with "\n".
  std::map<std::string, std::string> fields;
  int line = 0;
};

struct config {
  std::filesystem::path file;  // the file this came from (absolute)
  server_settings server;
  database_settings database;
  std::chrono::seconds default_interval{60};
  int notify_retry_hours = 24;  // a failing alert is retried this long, then given up
  std::map<std::string, channel_settings> notifications;
  std::vector<monitor_settings> monitors;  // in file order; names are unique
  std::vector<api_key_settings> api_keys;          // api_keys:, in file order
  std::vector<maintenance_settings> maintenance;   // maintenance:, in file order; names are unique
  bool metrics_public = false;                     // metrics: {public: true}: /metrics needs no key

  // base_url if set (without a trailing '/'), else "http://<host>:<port>" with a wildcard
  // host (0.0.0.0, ::, empty) shown as "localhost".
  std::string public_base_url() const;
};

// The URL a monitor's job calls: "<base_url>/api/push/<id>/<key>", with base_url as
// public_base_url() gives it. The one place that spells it (startup log, `monitors` command).
std::string push_url(std::string_view base_url, std::int64_t monitor_id, std::string_view secret_key);

// Looks up an environment variable; injectable for tests.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;
env_lookup process_environment();

struct load_result {
  std::optional<config> value;      // set iff errors is empty
  std::vector<std::string> errors;  // every problem found, in file order
};

load_result load_file(const std::filesystem::path& file, const env_lookup& env = process_environment());

// Parses `yaml` as if it were the contents of `file` (used for messages and to resolve
// database.path); does not read `file`.
load_result load_string(std::string_view yaml, const std::filesystem::path& file,
                        const env_lookup& env = process_environment());

}  // namespace uptime::config
