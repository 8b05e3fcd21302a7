// Runs an io_context in short turns until a condition holds (or 10 s pass, then the test's
// own checks fail): for tests of code whose completions come back through the io loop.
#pragma once

#include <chrono>
#include <functional>

#include "net.hpp"

namespace uptime::test {

inline void run_until(net::io_context& io, const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
}

}  // namespace uptime::test
