// The registry, the dispatcher, the store and the process as /metrics sees them (see
// metrics_source.hpp).
#include "server/metrics_source.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "core/kinds.hpp"
#include "util/process_stats.hpp"

namespace uptime::server {

namespace {

double unix_seconds(core::utc_time t) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()) /
         1000.0;
}

}  // namespace

// One scrape's gathering, carried from slice to slice.
struct registry_metrics_source::gathering {
  std::vector<monitors::monitor_id> ids;  // every monitor when it started
  std::size_t next = 0;                   // ids[next] is sampled in the next slice
  std::vector<api::monitor_sample> samples;
  util::move_only_function<void(std::vector<api::monitor_sample>)> done;
};

void registry_metrics_source::sample_monitors(
    util::move_only_function<void(std::vector<api::monitor_sample>)> done) {
  auto g = std::make_unique<gathering>();
  g->done = std::move(done);
  if (engine_) {
    // The ids now, then the monitors by id slice by slice: a reload between two slices may
    // remove some (they are skipped) or add some (they wait for the next scrape), and never
    // invalidates where the walk is, as an iterator into the registry would be.
    auto& registry = engine_->monitors();
    g->ids.reserve(registry.size());
    for (const auto& [id, entry] : registry) g->ids.push_back(id);
    g->samples.reserve(g->ids.size());
  }
  next_slice(std::move(g));
}

void registry_metrics_source::next_slice(std::unique_ptr<gathering> g) {
  const std::size_t end = std::min(g->ids.size(), g->next + slice);
  for (; g->next < end; ++g->next) {
    const auto* m = engine_->monitors().find(g->ids[g->next]);
    if (!m) continue;  // removed by a reload since the scrape began
    auto& s = g->samples.emplace_back();
    s.id = m->id;
    s.name = m->name;
    s.group = m->group;
    s.status = core::to_string(m->state.status);
    if (m->state.last_push_at) s.last_push_seconds = unix_seconds(core::floor_to_second(*m->state.last_push_at));
    if (const auto down_at = m->kind->going_down_at(m->state, m->rules)) s.deadline_seconds = unix_seconds(*down_at);
    s.pushes_total = m->push_count;
    auto& windows = engine_->maintenance_windows();
    s.in_maintenance = windows.any() && windows.in_maintenance(*m);
    if (m->state.last_duration)
      s.last_duration_seconds = static_cast<double>(m->state.last_duration->count()) / 1000;
  }
  if (g->next < g->ids.size()) {
    // The rest in a later turn: pushes read meanwhile are answered first.
    net::post(io_, [this, g = std::move(g)]() mutable { next_slice(std::move(g)); });
    return;
  }
  auto done = std::move(g->done);
  done(std::move(g->samples));
}

api::server_sample registry_metrics_source::sample_server() {
  api::server_sample s;
  s.push_answers = pushes_.totals();
  if (dispatcher_) {
    s.alerts_pending = dispatcher_->pending();
    for (const auto& [channel, t] : dispatcher_->totals()) {
      s.deliveries.push_back({channel, "delivered", t.delivered});
      s.deliveries.push_back({channel, "failed", t.failed});
      s.deliveries.push_back({channel, "given_up", t.given_up});
    }
  }
  if (store_) s.commit_seconds = store_->commit_seconds().snapshot();
  s.start_time_seconds = util::process_start_time_seconds();
  s.resident_memory_bytes = util::resident_memory_bytes();
  return s;
}

}  // namespace uptime::server
