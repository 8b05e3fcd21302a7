// maintenance: (see maintenance_section.hpp). The schedule, time zone and duration are read as
// for a push monitor's schedule, with the same messages; the rules between keys (schedule or
// start/end, duration with a schedule) are checked once the whole entry is read, so each is
// reported once, at the key that breaks it.
#include "config/detail/maintenance_section.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

#include "core/cron.hpp"

namespace uptime::config::detail {

namespace {

constexpr std::string_view maintenance_keys[] = {"name",  "schedule", "duration", "timezone",
                                                 "start", "end",      "monitors", "groups"};

// What the entry's names may refer to.
struct declared {
  std::set<std::string_view, std::less<>> monitors;
  std::set<std::string_view, std::less<>> groups;
};

// An instant written as ISO-8601 UTC ending in Z, e.g. 2026-12-24T00:00:00Z.
std::optional<core::utc_time> parse_instant(reader& r, const entry& f) {
  auto v = r.text(f, true);
  if (!v) return std::nullopt;
  std::optional<core::utc_time> t;
  if (v->back() == 'Z' && v->find('T') != std::string::npos) t = core::parse_iso(*v);
  if (!t) {
    r.error(
        f, fmt::format(
               "must be an ISO-8601 UTC time ending in Z, such as 2026-12-24T00:00:00Z; got \"{}\"",
               *v));
  }
  return t;
}

// A list of names of `what` ("monitor", "group"), each one that `known` holds, none twice.
void names(reader& r, const entry& f, std::string_view what, std::string_view example,
           const std::set<std::string_view, std::less<>>& known, std::vector<std::string>& out) {
  for (const entry& item : r.list(f, example)) {
    auto v = r.text(item, true);
    if (!v) continue;
    if (!known.contains(*v)) {
      r.error(item, fmt::format("unknown {} \"{}\"", what, *v));
    } else if (std::find(out.begin(), out.end(), *v) != out.end()) {
      r.error(item, fmt::format("\"{}\" is listed twice", *v));
    } else {
      out.push_back(std::move(*v));
    }
  }
}

void window(reader& r, const entry& item, const declared& d, maintenance_settings& w,
            std::map<std::string, int, std::less<>>& name_lines) {
  bool has_name = false;
  std::optional<entry> schedule_entry, duration_entry, timezone_entry, start_entry, end_entry;
  for (const entry& f : r.mapping(item, maintenance_keys)) {
    if (f.key == "name") {
      has_name = true;
      auto v = r.label(f);
      if (!v) continue;
      w.name = *v;
      if (auto [first, inserted] = name_lines.emplace(*v, w.line); !inserted) {
        r.error(f, fmt::format("name \"{}\" is already used by the window on line {}", *v,
                               first->second));
      }
    } else if (f.key == "schedule") {
      schedule_entry = f;
      if (auto v = r.text(f, true)) {
        auto parsed = core::parse_cron(*v);
        if (auto* why = std::get_if<std::string>(&parsed)) {
          r.error(f, *why);
        } else {
          w.schedule = std::get<core::cron_schedule>(std::move(parsed));
        }
      }
    } else if (f.key == "duration") {
      duration_entry = f;
      if (auto v = r.duration(f, false)) w.duration = *v;
    } else if (f.key == "timezone") {
      timezone_entry = f;
      if (auto v = r.text(f, true)) {
        w.timezone = *v;
        w.zone = core::find_zone(*v);
        if (!w.zone) {
          r.error(f,
                  fmt::format("unknown time zone \"{}\"; use an IANA name such as Europe/Berlin or "
                              "America/New_York",
                              *v));
        }
      }
    } else if (f.key == "start") {
      start_entry = f;
      w.start = parse_instant(r, f);
    } else if (f.key == "end") {
      end_entry = f;
      w.end = parse_instant(r, f);
    } else if (f.key == "monitors") {
      names(r, f, "monitor", "[Daily Backup Job]", d.monitors, w.monitors);
    } else if (f.key == "groups") {
      names(r, f, "group", "[backups]", d.groups, w.groups);
    }
  }

  // An item that is not a mapping was reported as such; more would be noise.
  if (!item.empty() && !item.is_mapping()) return;
  if (!has_name) r.error(item.mark, join(item.path, "name"), "is required");
  if (timezone_entry && !schedule_entry) r.error(*timezone_entry, "applies only with a schedule");
  if (duration_entry && !schedule_entry) r.error(*duration_entry, "applies only with a schedule");
  if (schedule_entry) {
    if (start_entry || end_entry) {
      r.error(start_entry ? *start_entry : *end_entry,
              "use either schedule (with duration) or start and end, not both");
    }
    if (!duration_entry)
      r.error(item.mark, join(item.path, "duration"),
              "is required with a schedule, e.g. duration: 2h");
    if (!w.zone && !timezone_entry) w.zone = core::find_zone("UTC");
    if (w.schedule && w.zone && !core::next_run_after(*w.schedule, *w.zone, core::utc_time{}))
      r.error(*schedule_entry, fmt::format("\"{}\" never runs", w.schedule->text));
    return;
  }
  if (!start_entry && !end_entry) {
    r.error(item.mark, item.path, "needs a schedule and a duration, or a start and an end");
    return;
  }
  if (!end_entry) r.error(item.mark, join(item.path, "end"), "is required with start");
  if (!start_entry) r.error(item.mark, join(item.path, "start"), "is required with end");
  if (w.start && w.end && *w.end <= *w.start) {
    r.error(*end_entry, fmt::format("must be after start ({})", core::format_iso(*w.start)));
  }
}

}  // namespace

void parse_maintenance(reader& r, const entry& e, const std::vector<monitor_settings>& monitors,
                       std::vector<maintenance_settings>& out) {
  const list_items items =
      r.list(e, "[{name: Sunday patching, schedule: \"0 3 * * 0\", duration: 2h}]");
  if (items.size() == 0) return;
  declared d;
  for (const monitor_settings& m : monitors) {
    if (!m.name.empty()) d.monitors.insert(m.name);
    if (!m.group.empty()) d.groups.insert(m.group);
  }
  std::map<std::string, int, std::less<>> name_lines;  // name -> line of its entry
  out.reserve(items.size());
  for (const entry& item : items) {
    maintenance_settings w;
    w.line = item.line();
    window(r, item, d, w, name_lines);
    out.push_back(std::move(w));
  }
}

}  // namespace uptime::config::detail
