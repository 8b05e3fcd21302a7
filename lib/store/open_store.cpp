// Picks the store implementation for the settings: SQLite today (store/sqlite/).
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace uptime::store {

std::unique_ptr<store> open_store(const store_settings& settings, net::io_context::executor_type io,
                                  store_events events) {
  return open_sqlite_store(settings, io, std::move(events));
}

}  // namespace uptime::store
