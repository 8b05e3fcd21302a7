// The Beast listener and its sessions (see listener.hpp).
#include "http/listener.hpp"

#include <poll.h>

#include <array>
#include <spdlog/spdlog.h>

#include "http/fd_limit.hpp"
#include "http/request_reader.hpp"

namespace uptime::http_api {

namespace {

// Bodies above this are written as a second buffer rather than copied after the header.
constexpr std::size_t large_body = 64 * 1024;

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

// accept() failures that mean the process or the system is out of descriptors (or memory):
// closing an idle connection frees one.
bool is_out_of_descriptors(const boost::system::error_code& ec) {
  return ec == boost::system::errc::too_many_files_open ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == boost::system::errc::no_buffer_space || ec == boost::system::errc::not_enough_memory;
}

// Shutdown and a peer that went away are not errors worth a log line.
bool is_quiet(const boost::system::error_code& ec) {
  return ec == net::error::operation_aborted || ec == net::error::bad_descriptor ||
         ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

void log_session_error(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::warn("HTTP session ended by an error: {}", ex.what());
  }
}

// Writes what the socket takes of `bytes` at once (the socket is non-blocking, so this never
// waits) and returns the rest: usually nothing, an answer being far smaller than the send
// buffer. `ec` is set on a real error.
std::string_view write_now(tcp::socket& socket, std::string_view bytes, boost::system::error_code& ec) {
  const auto sent = socket.write_some(net::buffer(bytes), ec);
  if (ec == net::error::would_block || ec == net::error::try_again) ec = {};
  return ec ? std::string_view() : bytes.substr(sent);
}

}  // namespace

// Removes a socket's slot from the sweep's list when its coroutine ends, however it ends.
class listener::slot_guard {
 public:
  slot_guard(listener& l, tcp::socket& socket, std::chrono::seconds timeout)
      : l_(l), slot_(l.busy_.insert(l.busy_.end(), {&socket, l.deadline_in(timeout)})) {
    l_.arm_sweep();
  }
  ~slot_guard() { (slot_->idle ? l_.idle_ : l_.busy_).erase(slot_); }
  slot_guard(const slot_guard&) = delete;
  slot_guard& operator=(const slot_guard&) = delete;
  void expires_in(std::chrono::seconds after) { slot_->deadline = l_.deadline_in(after); }
  void never_expires() { slot_->deadline = clock::time_point::max(); }
  // Idle: waiting for a request with no byte of it read; the last to become idle goes last.
  void set_idle(bool idle) {
    if (slot_->idle == idle) return;
    slot_->idle = idle;
    if (idle)
      l_.idle_.splice(l_.idle_.end(), l_.busy_, slot_);
    else
      l_.busy_.splice(l_.busy_.end(), l_.idle_, slot_);
  }

 private:
  listener& l_;
  slot_handle slot_;
};

listener::listener(net::io_context& io, const tcp::endpoint& at, const listener_settings& settings,
                   route_table& routes)
    : io_(io),
      acceptor_(io),
      sweep_timer_(io),
      settings_(settings),
      routes_(routes),
      max_connections_(settings.max_connections) {
  acceptor_.open(at.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(at);
  acceptor_.listen(net::socket_base::max_listen_connections);
  acceptor_.non_blocking(true);  // for accept_loop()'s synchronous retry; async ops do not care
  // Past the descriptor limit accept() fails and every client waits; below
  // it, a full house sheds an idle connection instead.
  const auto fd_limit = settings.fd_limit ? settings.fd_limit : fd_soft_limit();
  max_connections_ = connection_cap(settings.max_connections, fd_limit);
  if (max_connections_ < settings.max_connections)
    spdlog::info("Connections: at most {} (file descriptor limit {}, {} kept for the database, logs "
                 "and notifications; server.max_connections {} lowered to fit)",
                 max_connections_, fd_limit, fd_reserve(fd_limit), settings.max_connections);
  else
    spdlog::info("Connections: at most {} (file descriptor limit {})", max_connections_, fd_limit);
}

void listener::start() {
  net::co_spawn(io_, accept_loop(), [self = shared_from_this()](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("HTTP listener stopped: {}", ex.what());
      }
    }
  });
}

void listener::stop() {
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void listener::arm_sweep() {
  if (sweeping_) return;
  sweeping_ = true;
  now_ = clock::now();  // the clock may have stood still while nothing was open
  sweep_timer_.expires_after(sweep_every);
  sweep_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->sweeping_ = false;
    if (!ec) self->sweep();
  });
}

void listener::sweep() {
  now_ = clock::now();
  for (auto* list : {&busy_, &idle_}) {
    for (auto& slot : *list) {
      if (slot.deadline > now_) continue;
      // Its pending read or write ends with operation_aborted, and its coroutine with it.
      boost::system::error_code ignored;
      slot.socket->close(ignored);
      slot.deadline = clock::time_point::max();
    }
  }
  if (!busy_.empty() || !idle_.empty()) arm_sweep();
}

bool listener::client_waiting() {
  pollfd p{acceptor_.native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

bool listener::shed_idle() {
  while (!idle_.empty()) {
    const auto slot = idle_.begin();
    slot->idle = false;
    busy_.splice(busy_.end(), idle_, slot);
    // A request that has reached the socket but not yet the session is not idle: that session
    // is about to read it (and leaves busy_ only after answering it).
    boost::system::error_code ec;
    if (slot->socket->available(ec) > 0 && !ec) continue;
    slot->socket->close(ec);
    slot->deadline = clock::time_point::max();
    spdlog::debug("Closed the connection idle the longest to make room for a new one");
    return true;
  }
  return false;
}

net::awaitable<void> listener::accept_loop() {
  auto self = shared_from_this();
  // After a failed accept the connection it failed on is still queued, but Asio's reactor is
  // edge-triggered: it would report the listening socket again only when another client
  // arrives. So the retry takes the queued one at once (the acceptor is non-blocking).
  bool take_queued = false;
  while (!stopping_) {
    boost::system::error_code ec;
    tcp::socket socket(io_);
    if (take_queued) {
      take_queued = false;
      acceptor_.accept(socket, ec);
      if (ec == net::error::would_block || ec == net::error::try_again) continue;
    } else {
      std::tie(ec, socket) = co_await acceptor_.async_accept(tuple_awaitable);
    }
    if (ec) {
      if (ec == net::error::operation_aborted || stopping_) break;
      if (!is_out_of_descriptors(ec)) {  // e.g. a client that reset before we accepted
        spdlog::debug("accept failed: {}", ec.message());
        continue;
      }
      // Out of descriptors. accept() checks for a free descriptor before it looks for a client,
      // so this also happens with nobody waiting: only for a client that is there, free one by
      // closing an idle connection and take the client at once; otherwise back off briefly
      // instead of spinning. One log line per episode, not per failure.
      ++accept_failures_;
      last_accept_failure_ = clock::now();
      if (!accept_failing_) {
        accept_failing_ = true;
        spdlog::warn("accept failed: {} (file descriptor limit {}, {} connections open); closing "
                     "idle connections to make room",
                     ec.message(), fd_soft_limit(), connections_);
      }
      take_queued = true;
      if (client_waiting() && shed_idle()) continue;
      net::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(tuple_awaitable);
      continue;
    }
    // The episode ends once accept() has worked for a while, not at the first success: under
    // pressure they alternate.
    if (accept_failing_ && clock::now() - last_accept_failure_ > accept_calm_after) {
      spdlog::info("accept works again ({} accepts failed for want of descriptors)", accept_failures_);
      accept_failing_ = false;
      accept_failures_ = 0;
    }
    socket.set_option(tcp::no_delay(true), ec);
    socket.non_blocking(true, ec);
    // A connection closed by shed_idle() still counts until its coroutine ends (on the next
    // turn), so the count may pass the cap by the few being closed: their descriptors are free.
    if (connections_ >= max_connections_ && !shed_idle())
      net::co_spawn(io_, refuse(std::move(socket)), log_session_error);
    else
      net::co_spawn(io_, session(std::move(socket)), log_session_error);
  }
}

net::awaitable<void> listener::refuse(tcp::socket socket) {
  auto self = shared_from_this();
  slot_guard slot(*this, socket, std::chrono::seconds(2));
  auto res = error_response(http::status::service_unavailable, "Too many connections");
  res.keep_alive = false;
  std::string out;
  serialize(res, out);
  boost::system::error_code ec;
  if (const auto rest = write_now(socket, out, ec); !ec && !rest.empty())
    co_await net::async_write(socket, net::buffer(rest), tuple_awaitable);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// GCC 12 reports Asio's coroutine frame (allocated by asio::aligned_new, freed by the frame's
// sized operator delete) as a mismatched new/delete once enough is inlined: a known false
// positive (GCC PR 109224), silenced for this one function.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
net::awaitable<void> listener::session(tcp::socket socket) {
  auto self = shared_from_this();
  ++connections_;
  struct count_guard {
    std::size_t& n;
    ~count_guard() { --n; }
  } count{connections_};
  slot_guard slot(*this, socket, settings_.header_timeout);

  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  request_reader reader({settings_.max_header_bytes, settings_.max_body_bytes});
  request req;      // reused across requests
  if (!ec) req.source_address = remote.address().to_string();
  const std::string& source_address = req.source_address;
  std::string out;  // the answer's bytes, reused across requests
  bool first = true;

  while (!stopping_) {
    // Wait for the next request's first bytes (idle: the connection may be shed), then give
    // the header a bounded time (a client trickling a header byte by byte is cut off:
    // slowloris), then the body.
    auto state = reader.start(req);
    slot.expires_in(first ? settings_.header_timeout : settings_.idle_timeout);
    first = false;
    bool started = false, header_done = false;
    const auto follow = [&] {
      if (!started && reader.has_bytes()) {
        started = true;
        slot.set_idle(false);
        slot.expires_in(settings_.header_timeout);
      }
      if (!header_done && reader.header_done()) {
        header_done = true;
        slot.expires_in(settings_.body_timeout);
      }
    };
    follow();
    if (!started) slot.set_idle(true);
    boost::system::error_code rec;  // the socket's verdict
    while (state == request_reader::state::need_more) {
      std::size_t n = 0;
      std::tie(rec, n) = co_await socket.async_read_some(reader.prepare(), tuple_awaitable);
      if (rec) {
        state = reader.eof();
        break;
      }
      state = reader.commit(n);
      follow();
    }
    if (state == request_reader::state::closed) {
      if (!is_quiet(rec)) spdlog::debug("HTTP connection from {} ended: {}", source_address, rec.message());
      break;  // the peer went away (or the sweep closed it) with no whole request
    }

    response res;
    bool close_after = false;
    if (state == request_reader::state::failed) {
      res = reader.error_answer();
      close_after = true;
    } else {
      const bool head = req.method == http::verb::head;
      const unsigned version = req.version;
      const bool keep_alive = req.keep_alive;
      ++in_flight_;
      slot.never_expires();  // the answer may wait for a commit; that is not the client's doing
      res = co_await net::async_initiate<decltype(net::use_awaitable), void(response)>(
          [&](auto handler) {
            routes_.dispatch(req, [h = std::move(handler)](response r) mutable {
              std::move(h)(std::move(r));
            });
          },
          net::use_awaitable);
      --in_flight_;
      res.version = version;
      res.head = head;
      res.keep_alive = keep_alive && !stopping_;
      close_after = !res.keep_alive;
    }
    if (close_after) res.keep_alive = false;
    out.clear();
    // A large body (a /metrics scrape of 100,000 monitors is tens of MB) is sent from where it
    // is: copied into `out` it cost the io thread ~70 ms in one block, and the connection kept
    // the copy's capacity for its life.
    const bool body_apart = !res.head && res.body.size() > large_body;
    serialize(res, out, !body_apart);
    slot.expires_in(settings_.body_timeout);
    boost::system::error_code wec;
    if (body_apart) {
      const std::array<net::const_buffer, 2> parts{net::buffer(out), net::buffer(res.body.view())};
      std::tie(wec, std::ignore) = co_await net::async_write(socket, parts, tuple_awaitable);
    } else if (const auto rest = write_now(socket, out, wec); !wec && !rest.empty()) {
      std::tie(wec, std::ignore) = co_await net::async_write(socket, net::buffer(rest), tuple_awaitable);
    }
    if (wec || close_after) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace uptime::http_api
