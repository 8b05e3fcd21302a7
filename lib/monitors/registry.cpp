// The monitor registry (see registry.hpp).
#include "monitors/registry.hpp"

#include <algorithm>

namespace uptime::monitors {

monitor_entry& registry::add(const store::monitor_record& r) {
  auto entry = std::make_unique<monitor_entry>(io_);
  entry->id = r.id;
  // The store keeps the kind's name; a kind unknown to this build (a newer database) is
  // refused by config loading before it gets here, so push is only the fallback.
  entry->kind = &core::rules_of(core::parse_kind(r.type).value_or(core::monitor_kind::push));
  entry->secret_key.assign(r.secret_key);
  entry->state = r.state;
  entry->push_count = r.push_count;
  entry->last_message = r.last_message;
  entry->state_version = r.state_version;
  entry->name = r.name;
  entry->group = r.group;
  entry->rules = r.rules;
  auto& m = *entry;
  monitors_[r.id] = std::move(entry);
  ordered_stale_ = true;
  if (r.replayed) mark_dirty(m);  // pushes the last run acknowledged but had not written behind
  return m;
}

void registry::remove(map::iterator it) {
  it->second->deadline_timer.cancel();
  if (it->second->dirty) save_state(it->first);  // its last pushes, before it goes
  history_.forget(it->first);
  monitors_.erase(it);
  ordered_stale_ = true;
}

const std::vector<monitor_id>& registry::ids_in_order() {
  if (ordered_stale_) {
    ordered_.clear();
    ordered_.reserve(monitors_.size());
    for (const auto& [id, m] : monitors_) ordered_.push_back(id);
    std::sort(ordered_.begin(), ordered_.end());
    ordered_stale_ = false;
  }
  return ordered_;
}

store::state_snapshot registry::snapshot(monitor_entry& m) {
  m.dirty = false;
  return {m.id, ++m.state_version, m.push_count, m.last_message, m.state};
}

store::state_snapshot registry::status_of(const monitor_entry& m) {
  return {m.id, 0, m.push_count, {}, m.state};
}

void registry::save_change(monitor_id id, std::optional<core::transition> t,
                           std::vector<store::outbox_row> alerts, bool status_only,
                           store::store::done_fn done) {
  if (!t && alerts.empty()) {
    if (done) done(true);
    return;
  }
  store::change_row change{id, std::move(t), std::nullopt, status_only, std::move(alerts)};
  // A monitor removed by a reload meanwhile keeps the state it had saved.
  if (change.transition) {
    note_change(id, *change.transition);
    if (auto* m = find(id)) change.after = status_only ? status_of(*m) : snapshot(*m);
  }
  store::batch b;
  b.changes.push_back(std::move(change));
  if (done)
    db_.commit(std::move(b), store::store::lane::interactive, std::move(done));
  else
    db_.commit(std::move(b), store::store::lane::must_commit);
}

void registry::save_state(monitor_id id) {
  auto* m = find(id);
  if (!m) return;
  store::batch b;
  b.changes.push_back({id, std::nullopt, snapshot(*m), false, {}});
  db_.commit(std::move(b), store::store::lane::must_commit);
}

std::vector<monitor_id> registry::take_dirty() {
  const auto pushed = dirty_.size();
  auto out = std::exchange(dirty_, {});
  dirty_.reserve(pushed);  // about as many by the next round: no growing it again
  return out;
}

}  // namespace uptime::monitors
