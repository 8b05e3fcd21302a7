// The push kind's `config:` block: when pushes are expected (expected_interval, or a cron
// schedule in a time zone), how late they may be (grace_period), what a run may take
// (max_runtime, min_runtime), how many failures make a DOWN, whether a push needs a body, and
// reminders while DOWN, and whether a push ends a pause (manual_resume). Also the rules between those keys and the monitor's own `interval`:
// expected_interval falls back to interval, then to default_interval.
#include <fmt/format.h>

#include <optional>
#include <string_view>
#include <variant>

#include "config/detail/kinds.hpp"
#include "core/cron.hpp"

namespace uptime::config::detail {

namespace {
constexpr std::string_view push_keys[] = {
    "expected_interval", "grace_period", "require_payload", "remind_every", "schedule",
    "timezone",          "max_runtime",  "min_runtime",     "failures_before_down", "manual_resume"};
}  // namespace

void parse_push_block(reader& r, const entry* block, monitor_settings& m,
                      const monitor_context& context) {
  std::optional<std::chrono::seconds> expected;
  std::optional<entry> schedule_entry;  // where config.schedule was written, for messages
  std::optional<entry> timezone_entry;
  if (block) {
    for (const entry& cf : r.mapping(*block, push_keys)) {
      if (cf.key == "expected_interval") {
        expected = r.duration(cf, false);
      } else if (cf.key == "grace_period") {
        if (auto v = r.duration(cf, true)) m.grace_period = *v;
      } else if (cf.key == "require_payload") {
        if (auto v = r.boolean(cf)) m.require_payload = *v;
      } else if (cf.key == "remind_every") {
        if (auto v = r.duration(cf, false)) m.remind_every = *v;
      } else if (cf.key == "schedule") {
        schedule_entry = cf;
        if (auto v = r.text(cf, true)) {
          auto parsed = core::parse_cron(*v);
          if (auto* why = std::get_if<std::string>(&parsed))
            r.error(cf, *why);
          else
            m.schedule = std::get<core::cron_schedule>(std::move(parsed));
        }
      } else if (cf.key == "timezone") {
        timezone_entry = cf;
        if (auto v = r.text(cf, true)) {
          m.timezone = *v;
          m.zone = core::find_zone(*v);
          if (!m.zone)
            r.error(cf, fmt::format("unknown time zone \"{}\"; use an IANA name such as "
                                    "Europe/Berlin or America/New_York",
                                    *v));
        }
      } else if (cf.key == "max_runtime") {
        if (auto v = r.duration(cf, false)) m.max_runtime = *v;
      } else if (cf.key == "min_runtime") {
        if (auto v = r.duration(cf, false)) m.min_runtime = *v;
      } else if (cf.key == "failures_before_down") {
        if (auto v = r.integer(cf, 1, 1000)) m.failures_before_down = static_cast<int>(*v);
      } else if (cf.key == "manual_resume") {
        if (auto v = r.boolean(cf)) m.manual_resume = *v;
      }
    }
  }
  m.expected_interval = expected                  ? *expected
                        : m.interval.count() != 0 ? m.interval
                                                  : context.default_interval;
  if (schedule_entry && expected)
    r.error(*schedule_entry, "use either schedule or expected_interval, not both");
  if (timezone_entry && !schedule_entry)
    r.error(*timezone_entry, "applies only with a schedule (config.schedule)");
  if (m.schedule) {
    if (!m.zone && !timezone_entry) m.zone = core::find_zone("UTC");
    if (m.zone && !core::next_run_after(*m.schedule, *m.zone, core::utc_time{}))
      r.error(*schedule_entry, fmt::format("\"{}\" never runs", m.schedule->text));
  }
}

}  // namespace uptime::config::detail
