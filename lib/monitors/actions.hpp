// What an operator does to a running monitor through the API: pause it, resume it, give it a
// new push key. Each changes the registry at once and answers once the change is written
// (a pause or resume not written yet still will be: state changes are must-commit). Io thread.
#pragma once

#include <chrono>
#include <string>

#include <boost/unordered/unordered_flat_map.hpp>

#include "monitors/deadlines.hpp"
#include "monitors/registry.hpp"
#include "monitors/wall_clock.hpp"
#include "store/store.hpp"
#include "util/move_only_function.hpp"

namespace uptime::monitors {

enum class action_result {
  done,          // changed (or already as asked: pausing a paused monitor) and written
  not_found,     // no enabled monitor with that id
  not_paused,    // resume of a monitor that is not paused
  not_written,   // the database refused it for now (a pause or resume is still kept and retried)
};

class operator_actions {
 public:
  using done_fn = util::move_only_function<void(action_result)>;
  // The new key, or empty when the result is not `done`.
  using key_done_fn = util::move_only_function<void(action_result, std::string new_key)>;

  operator_actions(registry& monitors, deadlines& timers, wall_clock& wall, store::store& db)
      : monitors_(monitors), deadlines_(timers), wall_(wall), db_(db) {}

  void pause(monitor_id id, done_fn done);
  void resume(monitor_id id, done_fn done);
  // A new random key, written first; the old one stops working once it is.
  void rotate_key(monitor_id id, key_done_fn done);

  // A key read from the database by the secrets poll (engine::on_secrets_changed) may have
  // been read just before a rotation was written: it must not bring the old key back.
  bool rotated_recently(monitor_id id, std::string_view key_read);

 private:
  registry& monitors_;
  deadlines& deadlines_;
  wall_clock& wall_;
  store::store& db_;
  struct rotation {
    std::string key;
    std::chrono::steady_clock::time_point at;
  };
  boost::unordered_flat_map<monitor_id, rotation> rotations_;
};

}  // namespace uptime::monitors
