// The database schema and its migrations. The version lives in PRAGMA user_version; every
// earlier version (including a seed database with no version) is migrated forward in one
// transaction at open. Tables and columns named in DESIGN.md are a public contract: users
// query them with sqlite3; extend, never rename.
#pragma once

#include "store/sqlite/connection.hpp"

namespace uptime::store {

inline constexpr int schema_version = 6;

// Pragmas every connection of ours sets: WAL, busy timeout, synchronous level.
struct connection_options {
  int busy_timeout_ms = 5000;
  bool synchronous_full = false;
};
void configure_connection(connection& c, const connection_options& o);

// Creates or upgrades the schema to schema_version. Throws sqlite_error, or
// std::runtime_error for a database written by a newer version of uptime-monitor.
void migrate(connection& c);

}  // namespace uptime::store
