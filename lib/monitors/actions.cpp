// Pause, resume and key rotation (see actions.hpp).
#include "monitors/actions.hpp"

#include <spdlog/spdlog.h>

#include "core/pause.hpp"
#include "util/secret.hpp"

namespace uptime::monitors {

namespace {
// Longer than the secrets poll takes to read and deliver the keys it saw.
constexpr std::chrono::seconds rotation_memory{10};

}  // namespace

void operator_actions::pause(monitor_id id, done_fn done) {
  auto* m = monitors_.find(id);
  if (!m) return done(action_result::not_found);
  auto out = core::pause(m->state, wall_.now());
  if (!out) return done(action_result::done);  // already paused
  m->state = std::move(out->state);
  spdlog::info("Monitor {} \"{}\" paused (was {})", m->id, m->name, core::to_string(out->change.from));
  deadlines_.arm(*m);  // nothing to wait for: the timer is cancelled
  monitors_.save_change(id, out->change, {}, false, [done = std::move(done)](bool ok) mutable {
    done(ok ? action_result::done : action_result::not_written);
  });
}

void operator_actions::resume(monitor_id id, done_fn done) {
  auto* m = monitors_.find(id);
  if (!m) return done(action_result::not_found);
  auto out = core::resume(m->state, m->rules, wall_.now());
  if (!out) return done(action_result::not_paused);
  m->state = std::move(out->state);
  spdlog::info("Monitor {} \"{}\" resumed: {}", m->id, m->name, core::to_string(m->state.status));
  deadlines_.arm(*m);  // its deadline, counted from now
  monitors_.save_change(id, out->change, {}, false, [done = std::move(done)](bool ok) mutable {
    done(ok ? action_result::done : action_result::not_written);
  });
}

void operator_actions::rotate_key(monitor_id id, key_done_fn done) {
  if (!monitors_.find(id)) return done(action_result::not_found, {});
  auto key = util::generate_secret();
  store::batch b;
  b.secrets.push_back({id, key});
  db_.commit(std::move(b), store::store::lane::interactive,
             [this, id, key = std::move(key), done = std::move(done)](bool ok) mutable {
               auto* m = monitors_.find(id);
               if (!ok || !m) return done(ok ? action_result::not_found : action_result::not_written, {});
               m->secret_key.assign(key);
               rotations_[id] = {key, std::chrono::steady_clock::now()};
               spdlog::info("Monitor {} \"{}\": push key rotated through the API; the old key no longer works",
                            m->id, m->name);
               done(action_result::done, std::move(key));
             });
}

bool operator_actions::rotated_recently(monitor_id id, std::string_view key_read) {
  if (rotations_.empty()) return false;
  const auto now = std::chrono::steady_clock::now();
  for (auto it = rotations_.begin(); it != rotations_.end();) {
    if (now - it->second.at > rotation_memory)
      rotations_.erase(it++);  // (the flat map's erase leaves the other iterators valid)
    else
      ++it;
  }
  const auto it = rotations_.find(id);
  return it != rotations_.end() && !util::secrets_equal(it->second.key, key_read);
}

}  // namespace uptime::monitors
