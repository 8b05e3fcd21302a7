// Where /metrics gets its numbers in the running server: every monitor of the registry, the
// push endpoint's answer counts, the dispatcher's delivery totals and queue, the store's commit
// times and the process's own. A wiring adapter between api/metrics.hpp and the parts server/
// owns; it decides nothing. Knows today's registry (status, pushes, last push, deadline):
// paused, maintenance and last run durations are added when the registry has them.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "api/metrics.hpp"
#include "api/push.hpp"
#include "monitors/engine.hpp"
#include "net.hpp"
#include "notify/dispatcher.hpp"
#include "store/store.hpp"

namespace uptime::server {

// Io thread only. Created with the routes (before the parts it reads exist); attach() gives it
// those parts before the listener starts, and they must outlive it.
class registry_metrics_source final : public api::metrics_source {
 public:
  // Monitors sampled per turn of the io thread. Measured at 100,000 monitors on a loaded
  // 2-core machine: about 0.5 µs a monitor (a lookup, two names copied), so a slice holds a
  // push up for about a millisecond; a whole scrape's gathering costs the io thread ~50-85 ms
  // of CPU spread over ~50 turns.
  static constexpr std::size_t slice = 2048;

  registry_metrics_source(net::io_context& io, const api::push_answer_counts& pushes)
      : io_(io), pushes_(pushes) {}

  void attach(monitors::engine& engine, const notify::dispatcher& dispatcher, const store::store& db) {
    engine_ = &engine;
    dispatcher_ = &dispatcher;
    store_ = &db;
  }

  void sample_monitors(util::move_only_function<void(std::vector<api::monitor_sample>)> done) override;
  api::server_sample sample_server() override;

 private:
  struct gathering;
  void next_slice(std::unique_ptr<gathering> g);

  net::io_context& io_;
  const api::push_answer_counts& pushes_;
  monitors::engine* engine_ = nullptr;
  const notify::dispatcher* dispatcher_ = nullptr;
  const store::store* store_ = nullptr;
};

}  // namespace uptime::server
