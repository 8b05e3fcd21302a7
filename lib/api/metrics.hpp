// The Prometheus endpoint: `GET|HEAD /metrics`, the text exposition format (version 0.0.4) of
// every monitor's state and of the server's own counters, built from the live registry at
// scrape time (a removed or renamed monitor's series are gone at the next scrape). This file
// owns the route, what is exposed (names, types, HELP, labels) and where the text is built;
// where the numbers come from is the metrics_source's business (server/ implements it over the
// registry). Who may scrape is the authenticator's (nullptr: anyone).
//
// Per monitor (labels id, name, group): uptime_monitor_up, uptime_monitor_state{state},
// uptime_monitor_in_maintenance, uptime_monitor_last_push_timestamp_seconds,
// uptime_monitor_deadline_timestamp_seconds, uptime_monitor_last_run_duration_seconds (each of
// those three absent when unknown), uptime_monitor_pushes_total. Server:
// uptime_push_requests_total{code}, uptime_alerts_pending,
// uptime_alert_deliveries_total{channel,result}, uptime_store_commit_seconds (histogram),
// process_start_time_seconds, process_resident_memory_bytes.
//
// Speed: 100,000 monitors are about a million lines. The samples are gathered on the io thread
// in slices (the source's job); the text is built on a thread of the endpoint's own and handed
// back, so the io thread never formats it. Scrapes that arrive while one is being built wait
// for it and get the same text: however many scrapers there are, one build runs at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/route_table.hpp"
#include "net.hpp"
#include "util/histogram.hpp"
#include "util/move_only_function.hpp"

namespace uptime::api {

// One monitor as a scrape shows it.
struct monitor_sample {
  std::int64_t id = 0;
  std::string name, group;
  std::string_view status;  // "pending"|"up"|"down"|"paused" (static text)
  bool in_maintenance = false;
  // Unix seconds / seconds; nullopt: the series is left out.
  std::optional<double> last_push_seconds, deadline_seconds, last_duration_seconds;
  std::int64_t pushes_total = 0;
};

// Alert delivery attempts of one channel that ended one way.
struct delivery_count {
  std::string channel;
  std::string_view result;  // "delivered" | "failed" | "given_up" (static text)
  std::uint64_t count = 0;
};

// The server as a scrape shows it.
struct server_sample {
  std::vector<std::pair<int, std::uint64_t>> push_answers;  // (HTTP status, answers), by status
  std::vector<delivery_count> deliveries;
  std::uint64_t alerts_pending = 0;
  util::histogram_snapshot commit_seconds;
  std::optional<double> start_time_seconds;          // Unix seconds
  std::optional<std::uint64_t> resident_memory_bytes;
};

// Where the numbers come from. Io thread only.
class metrics_source {
 public:
  virtual ~metrics_source() = default;
  // Gathers every monitor's sample on the io thread WITHOUT blocking it for long (in slices of
  // a few thousand monitors per io turn), then calls done on the io thread.
  virtual void sample_monitors(util::move_only_function<void(std::vector<monitor_sample>)> done) = 0;
  virtual server_sample sample_server() = 0;
};

// The whole scrape's text. Pure; runs on the endpoint's thread (any thread). Monitors are
// written in the order given.
std::string render_metrics(const std::vector<monitor_sample>& monitors, const server_sample& server);

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Answers scrapes: gathers through the source, builds the text on its own thread, answers
// every scrape that waited for that build. Created, used and destroyed on the io thread; must
// be destroyed before the io_context (it joins its thread, whose last answer is posted there).
class metrics_endpoint {
 public:
  metrics_endpoint(net::io_context& io, metrics_source& source);
  ~metrics_endpoint();
  metrics_endpoint(const metrics_endpoint&) = delete;
  metrics_endpoint& operator=(const metrics_endpoint&) = delete;

  // Answers with the next build's text: starts one, or joins the one under way.
  void scrape(http_api::respond_fn respond);

  // Builds finished so far (tests: two scrapes at once share one).
  std::uint64_t builds() const { return builds_; }

 private:
  void on_sampled(std::vector<monitor_sample> monitors);
  void on_built(std::string text);

  // Constant after construction
  net::io_context& io_;
  metrics_source& source_;

  // State below is owned by the io thread
  bool building_ = false;
  std::vector<http_api::respond_fn> waiting_;  // the scrapes the build under way answers
  std::uint64_t builds_ = 0;

  // Builds the text, and copies it for each extra scrape that shared a build. Last: joined
  // first, before anything its work refers to goes.
  net::thread_pool builder_{1};
};

// Adds `GET /metrics` to `routes`; `endpoint` (and `auth`, if not nullptr) must outlive the
// table. `auth`: who may scrape (nullptr: anyone).
void add_metrics_routes(http_api::route_table& routes, metrics_endpoint& endpoint,
                        http_api::authenticator* auth);

}  // namespace uptime::api
