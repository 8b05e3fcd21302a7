// The liveness mark and the periodic checks (see periodic.hpp).
#include "monitors/periodic.hpp"

namespace uptime::monitors {

void periodic::start() {
  record_alive();
  schedule_alive();
  schedule_checks();
}

void periodic::stop() {
  check_timer_.cancel();
  alive_timer_.cancel();
}

void periodic::set_check_interval(monitor_entry& m, std::chrono::seconds interval) {
  if (interval == m.check_interval) return;
  // The check queued for the old period is dropped (next_check no longer matches it).
  m.check_interval = interval;
  // Spread over the period by id: monitors loaded together must not all be checked in the
  // same second (100,000 rows and evaluations at once would stall the io thread).
  const auto period_ms = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
  const auto phase = std::chrono::milliseconds(static_cast<std::int64_t>(
      (static_cast<std::uint64_t>(m.id) * 2654435761u) % static_cast<std::uint64_t>(period_ms)));
  m.next_check = steady::now() + phase + std::chrono::milliseconds(1);
  check_queue_.push({m.next_check, m.id});
}

void periodic::record_alive(store::store::done_fn done) {
  store::batch b;
  b.alive = wall_.now();
  db_.commit(std::move(b), store::store::lane::background, std::move(done));
}

void periodic::schedule_alive() {
  alive_timer_.expires_after(alive_period);
  alive_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    record_alive();
    schedule_alive();
  });
}

void periodic::schedule_checks() {
  check_timer_.expires_after(check_tick);
  check_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    run_due_checks();
    schedule_checks();
  });
}

void periodic::run_due_checks() {
  const auto steady_now = steady::now();
  const auto now = wall_.now();
  store::batch b;
  while (!check_queue_.empty() && check_queue_.top().at <= steady_now) {
    auto due = check_queue_.top();
    check_queue_.pop();
    auto* found = monitors_.find(due.id);
    // Removed by a reload, or removed and added again (its newer entry is the live one).
    if (!found || found->next_check != due.at) continue;
    auto& m = *found;
    deadlines_.evaluate(m, now);
    b.checks.push_back({m.id, now, m.state.status,
                        m.state.status == core::monitor_status::down      ? m.state.reason
                        : m.state.status == core::monitor_status::pending ? "No push received yet"
                                                                          : std::string()});
    auto next = due.at + m.check_interval;
    if (next <= steady_now) next = steady_now + m.check_interval;
    m.next_check = next;
    check_queue_.push({next, m.id});
  }
  if (b.checks.empty() || db_.failing()) return;  // (a record, not a state: lost in an outage)
  db_.commit(std::move(b), store::store::lane::background);
}

}  // namespace uptime::monitors
