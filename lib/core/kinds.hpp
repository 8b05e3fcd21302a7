// Monitor kinds: what a monitor is (`type:` in the config) and which rules decide its fate.
// `push` is the first and today the only kind; active checks (http, tcp, …) come next. Each
// kind is one row of one table: its name and the rule functions the registry calls for it,
// so adding a kind means adding its rules and a row, not editing if-ladders. Pure, like the
// rest of core/: no I/O, no clock.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/monitor.hpp"

namespace uptime::core {

enum class monitor_kind { push };

// The rule functions of a kind, as the registry calls them. The state and rule types are
// today's (push) ones; a kind whose state differs brings its own when it is added. A rule a
// kind does not have is nullptr (an active check takes no pushes).
struct kind_rules {
  monitor_kind kind;
  std::string_view name;  // as written in the config's `type:` and stored in monitors.type

  // The instant the monitor goes DOWN unless something arrives first (timers are armed for it).
  std::optional<utc_time> (*going_down_at)(const monitor_state&, const monitor_rules&);
  // Re-checks the deadlines at `now` (a timer fired, or a periodic check ran).
  deadline_outcome (*on_deadline)(const monitor_state&, const monitor_rules&, utc_time now);
  // The rules changed (reload, or at start): the deadline is re-armed.
  monitor_state (*apply_rules)(const monitor_state&, const monitor_rules&);
  // The server was not running between the two instants.
  monitor_state (*shift_for_outage)(const monitor_state&, const monitor_rules&, utc_time last_alive,
                                    utc_time now);
  // A state read back from the database (whole seconds).
  monitor_state (*from_whole_seconds)(monitor_state);

  // Push kinds: a push arrived, or one the database holds is replayed at start.
  push_outcome (*on_push)(const monitor_state&, const monitor_rules&, const push_report&,
                          utc_time now);
  monitor_state (*replay_push)(const monitor_state&, const monitor_rules&, const push_report&,
                               utc_time received_at);
};

// Every kind, in the order they are documented (push first).
std::span<const kind_rules> monitor_kinds();
// The row of `k` (every kind has one).
const kind_rules& rules_of(monitor_kind k);
// "push", …: the name written in the config and stored in the database.
std::string_view to_string(monitor_kind k);
// The kind named `name` exactly, or nullopt.
std::optional<monitor_kind> parse_kind(std::string_view name);

}  // namespace uptime::core
