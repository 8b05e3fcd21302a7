// The push path (see push.hpp).
#include "monitors/push.hpp"

#include <algorithm>
#include <charconv>
#include <variant>

#include "core/push_body.hpp"
#include "core/text.hpp"
#include "util/secret.hpp"

namespace uptime::monitors {

namespace {

std::optional<monitor_id> parse_id(std::string_view text) {
  monitor_id id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

push_result refused(push_result::outcome what, std::string message = {}) {
  push_result r;
  r.what = what;
  r.message = std::move(message);
  return r;
}

}  // namespace

void push_path::receive(push_request call, push_done done) {
  const auto id = parse_id(call.monitor_id);
  auto* found = id ? monitors_.find(*id) : nullptr;
  if (!found) return done(refused(push_result::outcome::not_found));
  monitor_entry& m = *found;
  if (!util::secrets_equal(m.secret_key.view(), call.secret_key))
    return done(refused(push_result::outcome::wrong_key));
  auto body = core::read_push({call.signal, call.body, std::move(call.query), m.require_payload});
  if (auto* bad = std::get_if<core::push_body_error>(&body))
    return done(refused(push_result::outcome::bad_request, std::move(bad->message)));
  const auto& report = std::get<core::push_report>(body);

  auto outcome = core::on_push(m.state, m.rules, report, wall_.now());
  m.state = std::move(outcome.state);
  ++m.push_count;  // this push's number; given back if it is not written (forget_failed_push)
  m.last_message = report.message;
  ++pushes_since_;
  deadlines_.arm(m);

  store::batch b;
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
    b.changes.push_back({m.id, *outcome.change, monitors_.snapshot(m), false,
                         alerts_.rows_for(m, *outcome.change)});
  } else {
    monitors_.mark_dirty(m);
  }
  push_result accepted;
  accepted.accepted = {m.id, outcome.received_at, outcome.next_expected_by, outcome.duration,
                       row.signal, !call.signal.empty(), report.run_id};
  const auto seq = row.seq;
  db_.commit(std::move(b), store::store::lane::interactive,
             [this, id = m.id, seq, accepted = std::move(accepted), done = std::move(done)](bool ok) mutable {
               if (!ok) {
                 // Not acknowledged: the push is not counted or kept. What it did to the
                 // monitor's state (and the alerts that causes) the store keeps until written.
                 if (auto* m = monitors_.find(id)) monitors_.mark_dirty(*m);  // its push fields
                 forget_failed_push(id, seq);
                 return done(refused(push_result::outcome::not_written));
               }
               if (!failed_seqs_.empty()) forget_failed_below(id, seq);
               done(std::move(accepted));
             });
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
