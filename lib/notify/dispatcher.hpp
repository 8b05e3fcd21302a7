// The notification dispatcher: takes alerts from the outbox and delivers them through their
// channels, in order per monitor and channel, at least once. A failed delivery is retried with
// exponential backoff (core/alerting.hpp) until it succeeds or the retry window closes, when it
// is given up with a log line. Each (monitor, channel) pair is its own queue, so one slow or
// dead channel never delays another; the transport runs transfers concurrently.
//
// Thread contract: everything runs on the io thread. The outcome of each attempt is reported
// through `outcomes` (the server writes it to the outbox through the store's writer).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/alerting.hpp"
#include "net.hpp"
#include "notify/alert.hpp"
#include "notify/transport.hpp"

namespace uptime::notify {

// An alert for one channel, as the outbox holds it.
struct queued_alert {
  std::int64_t outbox_id = 0;
  std::string channel;
  alert what;
  int attempts = 0;                 // failed attempts so far
  core::utc_time created_at;
  core::utc_time next_attempt_at;   // not before this
};

class dispatcher {
 public:
  struct outcomes {
    std::function<void(const queued_alert&, core::utc_time at)> delivered;
    std::function<void(const queued_alert&, const std::string& error)> failed;  // will retry at next_attempt_at
    std::function<void(const queued_alert&, core::utc_time at, const std::string& error)> gave_up;
  };

  dispatcher(net::io_context& io, transport& t, std::function<core::utc_time()> now,
             core::retry_policy policy, outcomes report);

  // The channels by name; replaced whole on a config reload. An alert whose channel is gone
  // is given up when its turn comes.
  void set_channels(std::map<std::string, channel> channels);
  void set_policy(core::retry_policy policy) { policy_ = policy; }

  void enqueue(queued_alert a);

  // Stops starting new attempts (shutdown); what is pending stays in the outbox.
  void stop();

  // Alerts queued, being sent or waiting for a retry (uptime_alerts_pending).
  std::size_t pending() const;

  // Delivery attempts that ended each way, per channel name, since the start (for /metrics).
  // A failed attempt that is retried counts as failed; one after which the alert is given up
  // (the retry window closed, the channel is gone, its settings cannot render) as given_up.
  struct delivery_totals {
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;
    std::uint64_t given_up = 0;
  };
  const std::map<std::string, delivery_totals, std::less<>>& totals() const { return totals_; }

 private:
  using key = std::pair<std::int64_t, std::string>;  // (monitor id, channel)
  struct lane {
    explicit lane(net::io_context& io) : timer(io) {}
    std::deque<queued_alert> queue;
    net::steady_timer timer;
    bool busy = false;  // the head is being sent or waits for its retry time
  };

  void pump(const key& k);
  void attempt(const key& k);
  void on_result(const key& k, delivery_result r);
  void give_up(const key& k, const std::string& why);

  net::io_context& io_;
  transport& transport_;
  std::function<core::utc_time()> now_;
  core::retry_policy policy_;
  outcomes report_;
  std::map<std::string, channel> channels_;
  std::map<key, std::unique_ptr<lane>> lanes_;
  std::map<std::string, delivery_totals, std::less<>> totals_;  // by channel
  bool stopped_ = false;
};

}  // namespace uptime::notify
