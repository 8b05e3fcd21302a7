// The push path (see push.hpp).
#include "monitors/push.hpp"

#include <algorithm>
#include <variant>

#include "core/push_body.hpp"
#include "core/text.hpp"
#include "util/secret.hpp"

namespace uptime::monitors {

push_path::prepared push_path::prepare(push_request call) {
  prepared p;
  auto* found = monitors_.find(call.id);
  if (!found || !found->kind->on_push) {  // (a kind that takes no pushes has no push URL)
    p.refusal = push_not_found{};
    return p;
  }
  monitor_entry& m = *found;
  if (!util::secrets_equal(m.secret_key.view(), call.secret_key)) {
    p.refusal = push_wrong_key{};
    return p;
  }
  auto body = core::read_push({call.signal, call.body, std::move(call.query), m.require_payload});
  if (auto* bad = std::get_if<core::push_body_error>(&body)) {
    p.refusal = push_bad_body{std::move(bad->message)};
    return p;
  }
  const auto& report = std::get<core::push_report>(body);

  auto outcome = m.kind->on_push(m.state, m.rules, report, wall_.now());
  m.state = std::move(outcome.state);
  ++m.push_count;  // this push's number; given back if it is not written (forget_failed_push)
  m.last_message = report.message;
  ++pushes_since_;
  deadlines_.arm(m);

  auto& b = p.batch.emplace();
  auto& row = b.push.emplace();
  row.id = m.id;
  row.seq = m.push_count;
  row.received_at = outcome.received_at;
  row.method = std::move(call.method);
  row.source_address = std::move(call.source_address);
  // What the job sent is made valid UTF-8 as it enters (the message by read_push): stored
  // as it came, it could not be read back as text, by us or by the API.
  row.user_agent = std::move(call.user_agent);
  core::make_valid_utf8(row.user_agent);
  core::make_valid_utf8(call.body);
  row.signal = outcome.failure ? core::push_signal::failure : report.signal;
  row.exit_code = report.exit_code;
  row.run_id = report.run_id;
  row.duration = outcome.duration;
  row.message = report.message;
  row.payload = std::move(call.body);
  // Only a push that changes the status carries its alerts and state snapshot; the others'
  // push fields are written behind.
  if (outcome.change) {
    alerts::log(m, *outcome.change);
    monitors_.note_change(m.id, *outcome.change);
    // The alerts first: a maintenance window holding one marks the state the snapshot saves.
    auto rows = alerts_.rows_for(m, *outcome.change);
    b.changes.push_back({m.id, *outcome.change, monitors_.snapshot(m), false, std::move(rows)});
  } else {
    monitors_.mark_dirty(m);
  }
  p.accepted = {m.id, outcome.received_at, outcome.next_expected_by, outcome.duration, row.signal,
                report.run_id};
  p.seq = row.seq;
  return p;
}

void push_path::not_written(monitor_id id, std::int64_t seq) {
  // Not acknowledged: the push is not counted or kept. What it did to the monitor's state
  // (and the alerts that causes) the store keeps until it is written.
  if (auto* m = monitors_.find(id)) monitors_.mark_dirty(*m);  // its push fields
  forget_failed_push(id, seq);
}

void push_path::forget_failed_below(monitor_id id, std::int64_t seq) {
  const auto f = failed_seqs_.find(id);
  if (f == failed_seqs_.end()) return;
  std::erase_if(f->second, [seq](std::int64_t failed) { return failed < seq; });
  if (f->second.empty()) failed_seqs_.erase(f);
}

void push_path::forget_failed_push(monitor_id id, std::int64_t seq) {
  auto* m = monitors_.find(id);
  if (!m) return;
  auto& failed = failed_seqs_[id];
  failed.push_back(seq);
  for (auto top = std::find(failed.begin(), failed.end(), m->push_count); top != failed.end();
       top = std::find(failed.begin(), failed.end(), m->push_count)) {
    failed.erase(top);
    --m->push_count;
  }
  if (failed.empty()) failed_seqs_.erase(id);
  monitors_.mark_dirty(*m);  // push_count changed
}

}  // namespace uptime::monitors
