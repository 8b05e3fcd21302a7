// The reads the API and the CLI need beyond the monitor list (rows.hpp load_monitors): a
// monitor's push history, status changes and alert deliveries, newest first. Plain functions
// on a connection, run by the SQLite store's reader thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace uptime::store {

// push_history has no index keyed on monitor (the push path only appends: see schema.cpp), so
// this reads the table backwards from its newest row; with the sweep keeping each monitor to
// its newest N, that is a scan of the whole table for a monitor pushed rarely. Fine for one
// monitor's page in the API; not for a loop over every monitor.
std::vector<push_row> read_push_history(connection& c, monitor_id id, std::size_t limit,
                                        std::optional<std::int64_t> before_seq = std::nullopt);
std::vector<change_record> read_state_changes(connection& c, monitor_id id, std::size_t limit);
std::vector<outbox_row> read_deliveries(connection& c, monitor_id id, std::size_t limit);
// Every monitor's status changes at or after `since`, oldest first (a start's uptime history).
std::vector<monitor_change> read_changes_since(connection& c, core::utc_time since);
// The secret badge keys are derived from (made by the schema migration).
std::string read_badge_secret(connection& c);

}  // namespace uptime::store
