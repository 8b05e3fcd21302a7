// Maintenance windows (see maintenance.hpp). A recurring window's occurrences are found with
// next_run_after, which only looks forward; looking back from an instant is done by asking
// for the first run after "that instant minus the duration", which is the earliest run whose
// occurrence still reaches it.
#include "core/maintenance.hpp"

#include <algorithm>

namespace uptime::core {

namespace {

using std::chrono::milliseconds;

bool recurring(const maintenance_window& w) {
  return w.schedule && w.zone != nullptr && w.duration > seconds{0};
}

bool one_off(const maintenance_window& w) { return w.start && w.end && *w.start < *w.end; }

std::optional<utc_time> run_after(const maintenance_window& w, utc_time after) {
  return next_run_after(*w.schedule, *w.zone, after);
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

bool covers(const maintenance_window& w, std::string_view monitor_name, std::string_view group) {
  if (w.monitors.empty() && w.groups.empty()) return true;
  if (contains(w.monitors, monitor_name)) return true;
  return !group.empty() && contains(w.groups, group);
}

std::optional<time_span> occurrence_at(const maintenance_window& w, utc_time now) {
  if (!recurring(w)) {
    if (one_off(w) && *w.start <= now && now < *w.end) return time_span{*w.start, *w.end};
    return std::nullopt;
  }
  // The earliest run whose occurrence [run, run + duration) can still contain `now`.
  const auto first = run_after(w, now - w.duration);
  if (!first || *first > now) return std::nullopt;

  time_span span{*first, *first + w.duration};
  // Back: the earliest run in [from - duration, from) reaches `from`, so it joins the span.
  for (int i = 0; i < max_merged_runs; ++i) {
    const auto earlier = run_after(w, span.from - w.duration - milliseconds{1});
    if (!earlier || *earlier >= span.from) break;
    span.from = *earlier;
  }
  // Forward: each later run that starts before the span ends (or as it ends) extends it. Runs
  // come one at a time here, as next_run_after gives no way to jump to the last of them.
  utc_time run = *first;
  for (int i = 0; i < max_merged_runs; ++i) {
    const auto later = run_after(w, run);
    if (!later || *later > span.to) break;
    run = *later;
    span.to = std::max(span.to, run + w.duration);
  }
  return span;
}

std::optional<utc_time> next_change(const maintenance_window& w, utc_time now) {
  if (!recurring(w)) {
    if (!one_off(w)) return std::nullopt;
    if (now < *w.start) return *w.start;
    if (now < *w.end) return *w.end;
    return std::nullopt;
  }
  if (auto open = occurrence_at(w, now)) return open->to;
  return run_after(w, now);
}

std::vector<time_span> occurrences(const maintenance_window& w, utc_time from, utc_time to) {
  std::vector<time_span> out;
  if (from >= to) return out;
  if (!recurring(w)) {
    if (!one_off(w)) return out;
    const time_span clipped{std::max(*w.start, from), std::min(*w.end, to)};
    if (clipped.from < clipped.to) out.push_back(clipped);
    return out;
  }
  // A run after from - duration is the first whose occurrence ends after `from`.
  utc_time after = from - w.duration;
  while (const auto run = run_after(w, after)) {
    if (*run >= to) break;
    const time_span clipped{std::max(*run, from), std::min(*run + w.duration, to)};
    if (!out.empty() && clipped.from <= out.back().to) {
      out.back().to = std::max(out.back().to, clipped.to);
    } else {
      out.push_back(clipped);
    }
    after = *run;
  }
  return out;
}

std::vector<time_span> merge_spans(std::vector<time_span> spans) {
  std::erase_if(spans, [](const time_span& s) { return s.from >= s.to; });
  std::sort(spans.begin(), spans.end(),
            [](const time_span& a, const time_span& b) { return a.from < b.from; });
  std::vector<time_span> out;
  out.reserve(spans.size());
  for (const time_span& s : spans) {
    if (!out.empty() && s.from <= out.back().to) {
      out.back().to = std::max(out.back().to, s.to);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace uptime::core
