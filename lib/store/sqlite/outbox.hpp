// The notification outbox: alerts waiting to be delivered, with their attempts, last error and
// delivery or give-up time. Rows are added in the same transaction as the state change that
// causes them (so a crash never loses an alert) and updated by the dispatcher's results.
// Plain functions on a connection, called inside the writer's transactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace uptime::store {


// Inserts the row; returns its id.
std::int64_t enqueue_alert(connection& c, const outbox_row& row);

// Every alert still to deliver, oldest first.
std::vector<outbox_row> pending_alerts(connection& c);

void record_failed_attempt(connection& c, std::int64_t id, int attempts,
                           core::utc_time next_attempt_at, const std::string& error);
void mark_delivered(connection& c, std::int64_t id, int attempts, core::utc_time at);
void mark_given_up(connection& c, std::int64_t id, int attempts, core::utc_time at,
                   const std::string& error);

// Drops delivered and given-up rows older than `before` (at most `limit`); returns how many.
std::int64_t prune_outbox(connection& c, core::utc_time before, int limit);

}  // namespace uptime::store
