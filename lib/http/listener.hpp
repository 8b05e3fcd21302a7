// The Beast HTTP/1.1 listener: accepts connections, reads requests with limits (header size,
// body size -> 413, header-read and idle timeouts against slowloris, a connection cap -> 503)
// and hands each routed request to an `api`. Keep-alive, one request at a time per connection.
// Everything runs on the one io_context thread; no locks.
//
// Timeouts cost nothing per request: a session only writes its deadline into its slot, and
// one sweep every quarter second closes the connections whose deadline has passed (so a
// timeout is kept to within about half a second). Answers are serialized into one buffer and
// written straight away when the socket takes them, which it almost always does.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <string>

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

// The bytes of `res` as sent on the wire (status line, fields, blank line, body), appended to
// `out`. The response's fields must already say everything (Content-Length, Connection).
void serialize(const response& res, std::string& out);

class listener : public std::enable_shared_from_this<listener> {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds sweep_every{250};

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
  // One open connection as the sweep sees it.
  struct connection_slot {
    tcp::socket* socket;
    clock::time_point deadline;  // closed by the sweep once this has passed
  };
  using slot_handle = std::list<connection_slot>::iterator;
  class slot_guard;

  net::awaitable<void> accept_loop();
  // Starts the sweep if it is not running; it runs while any connection is open.
  void arm_sweep();
  void sweep();
  net::awaitable<void> session(tcp::socket socket);
  net::awaitable<void> refuse(tcp::socket socket);
  // A deadline `after` from now, read off the sweep's clock (no clock read per request).
  clock::time_point deadline_in(std::chrono::seconds after) const { return now_ + after; }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  net::steady_timer sweep_timer_;
  listener_settings settings_;
  api& target_;
  bool stopping_ = false;
  bool sweeping_ = false;
  std::size_t connections_ = 0;  // sessions (refused connections do not count)
  std::size_t in_flight_ = 0;
  std::list<connection_slot> open_;  // every socket the listener has open, sessions and refusals
  clock::time_point now_ = clock::now();  // updated by every sweep
};

}  // namespace uptime::http_api
