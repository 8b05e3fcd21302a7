// The push history sweep (see history_sweep.hpp).
#include "store/sqlite/history_sweep.hpp"

#include "store/sqlite/rows.hpp"

namespace uptime::store {

namespace {
// Ids above this are remembered nowhere (looked up each time): the table of newest seqs
// is indexed by id, and ids come from SQLite's rowids, which a normal install keeps small.
constexpr monitor_id max_remembered_id = 10'000'000;
}  // namespace

void history_sweep::record(connection& c, const push_row& row) {
  write_push(c, row);
  if (row.id <= 0 || row.id > max_remembered_id) return;
  const auto slot = static_cast<std::size_t>(row.id);
  if (slot >= newest_by_id_.size()) newest_by_id_.resize(slot + 1, -1);
  undo_.emplace_back(slot, newest_by_id_[slot]);
  newest_by_id_[slot] = std::max(newest_by_id_[slot], row.seq);
}

void history_sweep::transaction_ended(bool committed) {
  if (!committed)
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) newest_by_id_[it->first] = it->second;
  undo_.clear();
}

std::optional<std::int64_t> history_sweep::newest_seq(connection& c, monitor_id id) {
  const bool remembered = id > 0 && id <= max_remembered_id;
  const auto slot = static_cast<std::size_t>(id);
  if (remembered && slot < newest_by_id_.size() && newest_by_id_[slot] >= 0) return newest_by_id_[slot];
  auto& s = c.cached("SELECT push_count FROM push_monitors WHERE monitor_id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  const auto stored = s.int64(0);
  s.reset();
  if (remembered) {
    if (slot >= newest_by_id_.size()) newest_by_id_.resize(slot + 1, -1);
    newest_by_id_[slot] = stored;
  }
  return stored;
}

void history_sweep::floor_function(sqlite3_context* ctx, int, sqlite3_value** args) {
  auto& self = *static_cast<history_sweep*>(sqlite3_user_data(ctx));
  const auto newest = self.newest_seq(*self.current_, sqlite3_value_int64(args[0]));
  if (newest)
    sqlite3_result_int64(ctx, *newest - sqlite3_value_int64(args[1]));
  else
    sqlite3_result_null(ctx);  // `seq <= NULL` holds for no row: nothing deleted
}

std::int64_t history_sweep::step(connection& c, int keep, int window, std::int64_t trail) {
  if (registered_on_ != c.handle()) {
    // The rule a row is judged by, as an SQL function, so that one DELETE looks at and
    // deletes a whole window's rows (a SELECT, then a DELETE per run of old rows, cost twice
    // as much per row looked at).
    const int rc = sqlite3_create_function_v2(c.handle(), "uptime_history_floor", 2,
                                              SQLITE_UTF8 | SQLITE_DIRECTONLY, this,
                                              &history_sweep::floor_function, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw sqlite_error(rc, "cannot register uptime_history_floor");
    registered_on_ = c.handle();
  }
  current_ = &c;
  auto& next_after = next_after_[trail > 0 ? 1 : 0];
  const auto end = std::min(history_end(c) - trail, state_flushed_through(c));
  if (next_after >= end) next_after = 0;  // past the end: start over from the oldest rows
  // The window's last id: `window` rows on (the ids of rows already deleted cost nothing).
  auto& last = c.cached(
      "SELECT id FROM push_history WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT 1 OFFSET ?3");
  last.bind(1, next_after).bind(2, end).bind(3, window - 1);
  const bool reached_end = !last.step();
  const auto to_id = reached_end ? end : last.int64(0);
  last.reset();

  auto& remove = c.cached(
      "DELETE FROM push_history WHERE id > ?1 AND id <= ?2 AND seq <= uptime_history_floor(monitor_id, ?3)");
  remove.bind(1, next_after).bind(2, to_id).bind(3, keep);
  remove.run();
  next_after = reached_end ? 0 : to_id;
  return to_id;
}

}  // namespace uptime::store
