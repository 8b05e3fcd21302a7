// How rendered alerts leave the machine. `transport` is the seam (tests wrap it to inject
// faults); `curl_transport` sends with libcurl's multi interface on one notifier thread, so any
// number of transfers run at once and one slow or dead server never holds up another. Results
// come back on the io executor. Proxies come from the environment (http_proxy, https_proxy,
// no_proxy), TLS is verified, and every transfer has a connect and a total timeout.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "net.hpp"
#include "notify/alert.hpp"
#include "util/move_only_function.hpp"

namespace uptime::notify {

struct delivery_result {
  bool ok = false;
  std::string error;  // what the server said, or why it could not be reached
};

using delivery_done = util::move_only_function<void(delivery_result)>;

class transport {
 public:
  virtual ~transport() = default;
  // Starts sending; `done` runs later on the io executor, exactly once. Never blocks.
  virtual void send(outbound what, delivery_done done) = 0;
};

class curl_transport final : public transport {
 public:
  struct timeouts {
    std::chrono::seconds connect{10};
    std::chrono::seconds total{30};
  };
  curl_transport(net::any_io_executor io, timeouts t);
  explicit curl_transport(net::any_io_executor io) : curl_transport(std::move(io), timeouts{}) {}
  ~curl_transport() override;
  curl_transport(const curl_transport&) = delete;
  curl_transport& operator=(const curl_transport&) = delete;

  void send(outbound what, delivery_done done) override;
  // Abandons transfers in flight (their `done` is not called) and joins the thread.
  void stop();

 private:
  struct job {
    outbound what;
    delivery_done done;
  };
  void run();

  // Constant after construction
  net::any_io_executor io_;
  timeouts timeouts_;
  void* multi_ = nullptr;  // CURLM*, used by the notifier thread (and curl_multi_wakeup)

  // State below is protected by mutex_
  std::mutex mutex_;
  std::deque<job> queue_;
  bool stopping_ = false;

  std::thread thread_;
};

}  // namespace uptime::notify
