// Open maintenance windows, and the alerts they held (see maintenance.hpp).
#include "monitors/maintenance.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace uptime::monitors {

namespace {
// Even with no window changing for months, the open set is re-read this often: a steady
// timer does not follow wall-clock steps, and a window is a wall-clock thing.
constexpr std::chrono::seconds max_wait{60};
}  // namespace

maintenance::maintenance(net::io_context& io, registry& monitors, alerts& alerting, wall_clock& wall,
                         store::store& db)
    : monitors_(monitors), alerts_(alerting), wall_(wall), db_(db), timer_(io) {}

void maintenance::set_windows(std::vector<core::maintenance_window> windows) {
  windows_ = std::move(windows);
  open_.clear();
  update();
}

bool maintenance::in_maintenance(const monitor_entry& m) const {
  return std::any_of(open_.begin(), open_.end(),
                     [&](const core::maintenance_window* w) { return core::covers(*w, m.name, m.group); });
}

std::vector<core::time_span> maintenance::spans(const monitor_entry& m, core::utc_time from,
                                                core::utc_time to) const {
  std::vector<core::time_span> out;
  for (const auto& w : windows_) {
    if (!core::covers(w, m.name, m.group)) continue;
    const auto more = core::occurrences(w, from, to);
    out.insert(out.end(), more.begin(), more.end());
  }
  // Several windows may overlap.
  return core::merge_spans(std::move(out));
}

void maintenance::update() {
  if (stopping_) return;
  const auto now = wall_.now();
  std::vector<const core::maintenance_window*> open;
  std::optional<core::utc_time> next;
  for (const auto& w : windows_) {
    if (core::occurrence_at(w, now)) open.push_back(&w);
    if (const auto change = core::next_change(w, now)) next = next ? std::min(*next, *change) : *change;
  }
  for (const auto* w : open)
    if (std::find(open_.begin(), open_.end(), w) == open_.end())
      spdlog::info("Maintenance window \"{}\" is open: alerts of the monitors it covers are held", w->name);
  for (const auto* w : open_)
    if (std::find(open.begin(), open.end(), w) == open.end())
      spdlog::info("Maintenance window \"{}\" is over", w->name);
  open_ = std::move(open);
  // Every time, not only when a window closed: also at start and after a reload (a window
  // that ended while the server was not running, or that the reload removed). A pass over a
  // flag per monitor, at most once a minute.
  release_held();

  timer_.cancel();
  if (windows_.empty()) return;
  auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(max_wait);
  if (next) wait = std::clamp<std::chrono::steady_clock::duration>(*next - now, std::chrono::milliseconds(1), wait);
  timer_.expires_after(wait);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) update();
  });
}

void maintenance::release_held() {
  for (auto& [id, entry] : monitors_) {
    auto& m = *entry;
    if (!m.state.alert_held || in_maintenance(m)) continue;
    m.state.alert_held = false;
    std::vector<store::outbox_row> rows;
    if (m.state.status == core::monitor_status::down) {
      spdlog::warn("Monitor {} \"{}\" is still DOWN after its maintenance window: alerting now", m.id, m.name);
      rows = alerts_.rows_for(m, notify::alert_event::down, core::monitor_status::up,
                              m.state.status_since.value_or(wall_.now()), m.state.reason);
    }
    store::batch b;
    b.changes.push_back({m.id, std::nullopt, registry::status_of(m), true, std::move(rows)});
    db_.commit(std::move(b), store::store::lane::must_commit);
  }
}

void maintenance::stop() {
  stopping_ = true;
  timer_.cancel();
}

}  // namespace uptime::monitors
