// The Beast HTTP/1.1 listener: accepts connections, reads requests with limits (header size,
// body size -> 413, header-read and idle timeouts against slowloris, a connection cap -> 503)
// and hands each routed request to an `api`. Keep-alive, one request at a time per connection.
// Everything runs on the one io_context thread; no locks.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "http/api.hpp"
#include "net.hpp"

namespace uptime::http_api {

struct listener_settings {
  std::size_t max_body_bytes = 100 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 10000;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds body_timeout{30};
};

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Binds and listens at once (throws boost::system::system_error if it cannot).
  listener(net::io_context& io, const tcp::endpoint& at, const listener_settings& settings,
           api& target);

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start();
  // Stops accepting; open connections finish the request they are in, then close.
  void stop();
  // Requests read but not yet answered (shutdown waits for these).
  std::size_t requests_in_flight() const { return in_flight_; }
  std::size_t connections() const { return connections_; }

 private:
  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  net::awaitable<void> refuse(tcp::socket socket);

  net::io_context& io_;
  tcp::acceptor acceptor_;
  listener_settings settings_;
  api& target_;
  bool stopping_ = false;
  std::size_t connections_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace uptime::http_api
