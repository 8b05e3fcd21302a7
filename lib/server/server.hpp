// The running service: wires the config, the store's writer, the HTTP listener, a deadline
// timer per push monitor, periodic checks, the liveness record, retention and signals onto one
// io_context. The only folder that knows every other one. Not for CLI read-only commands
// (those use store/ directly, see app/).
#pragma once

#include <memory>

#include "config/config.hpp"
#include "monitors/clock.hpp"

namespace uptime::server {

struct run_options {
  const monitors::clock* wall_clock = nullptr;  // nullptr: the system clock
};

// Runs until SIGTERM or SIGINT (SIGHUP reloads the config file). Returns the process exit
// code: 0 after a clean stop, 1 when the database or the listening socket cannot be opened.
int serve(config::config cfg, const run_options& options = {});

}  // namespace uptime::server
