// The Beast HTTP/1.1 listener: accepts connections and hands each request to a route table.
// Keep-alive, one request at a time per connection. Everything runs on the one io_context
// thread; no locks. Its limits hold whatever clients send or how many come:
// - per connection, memory is bounded: requests are read by request_reader, whose buffer never
//   holds more than max_header_bytes + 4 KiB; the header, and a chunked body's extensions and
//   trailer together, each at most max_header_bytes (431 above), the body at most
//   max_body_bytes (413); message framing per RFC 9112 (an unknown or non-final
//   Transfer-Encoding, Transfer-Encoding with Content-Length or in HTTP/1.0, a missing or
//   repeated Host: 400 or 501). Every error answer is JSON and closes the connection.
// - time: a header must arrive within header_timeout (slowloris), a body within body_timeout,
//   the next request on a keep-alive connection within idle_timeout.
// - connections: at most max_connections, lowered at start so that connections leave
//   descriptors for the rest of the server (fd_limit.hpp; one log line says the cap). At the
//   cap, the connection idle the longest (waiting for a request, no byte of it read) is closed
//   to admit the new one; only when none is idle is the new one answered 503. When accept()
//   runs out of descriptors anyway (EMFILE), an idle connection is closed too, and the failure
//   is logged once per episode.
//
// Timeouts cost nothing per request: a session only writes its deadline into its slot, and
// one sweep every quarter second closes the connections whose deadline has passed (so a
// timeout is kept to within about half a second). Answers are serialized into one buffer and
// written straight away when the socket takes them, which it almost always does.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "http/route_table.hpp"
#include "http/serialize.hpp"
#include "net.hpp"

namespace uptime::http_api {

struct listener_settings {
  std::size_t max_body_bytes = 100 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 10000;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds body_timeout{30};
  // Descriptors the process may open; 0: RLIMIT_NOFILE's soft limit when the listener is made.
  std::uint64_t fd_limit = 0;
};

class listener : public std::enable_shared_from_this<listener> {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds sweep_every{250};

  // Binds and listens at once (throws boost::system::system_error if it cannot), and logs the
  // connection cap. `routes` must outlive the listener's sessions; it is read, never changed.
  listener(net::io_context& io, const tcp::endpoint& at, const listener_settings& settings,
           route_table& routes);

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start();
  // Stops accepting; open connections finish the request they are in, then close.
  void stop();
  // Requests read but not yet answered (shutdown waits for these).
  std::size_t requests_in_flight() const { return in_flight_; }
  std::size_t connections() const { return connections_; }
  // max_connections as lowered to fit the descriptor limit.
  std::size_t max_connections() const { return max_connections_; }

 private:
  // One open connection as the sweep sees it.
  struct connection_slot {
    tcp::socket* socket;
    clock::time_point deadline;  // closed by the sweep once this has passed
    bool idle = false;           // in idle_ rather than busy_
  };
  using slot_handle = std::list<connection_slot>::iterator;
  class slot_guard;

  net::awaitable<void> accept_loop();
  // Starts the sweep if it is not running; it runs while any connection is open.
  void arm_sweep();
  void sweep();
  // Closes the session idle the longest, if any (true): its descriptor is free at once, its
  // coroutine ends on its next turn.
  bool shed_idle();
  // A client is queued on the listening socket (a poll() that does not wait).
  bool client_waiting();
  net::awaitable<void> session(tcp::socket socket);
  net::awaitable<void> refuse(tcp::socket socket);
  // A deadline `after` from now, read off the sweep's clock (no clock read per request).
  clock::time_point deadline_in(std::chrono::seconds after) const { return now_ + after; }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  net::steady_timer sweep_timer_;
  listener_settings settings_;
  route_table& routes_;
  bool stopping_ = false;
  bool sweeping_ = false;
  std::size_t max_connections_;
  std::size_t connections_ = 0;  // sessions (refused connections do not count)
  std::size_t in_flight_ = 0;
  // accept() out of descriptors: logged when it starts and when it ends (accept_calm_after
  // without a failure), with the count, not per failure.
  static constexpr std::chrono::seconds accept_calm_after{10};
  bool accept_failing_ = false;
  std::size_t accept_failures_ = 0;
  clock::time_point last_accept_failure_;
  // Every socket the listener has open, in one of two lists (a slot moves between them by
  // splice: no allocation). idle_: sessions waiting for their next request with no byte of it
  // read, the one idle the longest first. busy_: every other session, and refusals.
  std::list<connection_slot> busy_;
  std::list<connection_slot> idle_;
  clock::time_point now_ = clock::now();  // updated by every sweep
};

}  // namespace uptime::http_api
