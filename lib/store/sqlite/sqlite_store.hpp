// The SQLite implementation of the store interface (store/store.hpp). Only open_store() uses
// this header; everything SQLite is behind it in this folder.
#pragma once

#include <memory>

#include "net.hpp"
#include "store/store.hpp"

namespace uptime::store {

std::unique_ptr<store> open_sqlite_store(const store_settings& settings,
                                         net::io_context::executor_type io, store_events events);

}  // namespace uptime::store
