// The Beast listener and its sessions (see listener.hpp).
#include "http/listener.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

namespace uptime::http_api {

namespace {

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::size_t read_chunk = 4096;

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

// Parses one request into a `request` the session reuses (its strings keep their capacity
// from one request to the next), keeping the one header field the API reads: Beast's
// request_parser would build, and free, a list of every field for every push.
class request_reader final : public http::basic_parser<true> {
 public:
  explicit request_reader(request& into) : req_(into) {
    req_.method_string.clear();
    req_.target.clear();
    req_.user_agent.clear();
    req_.body.clear();
  }

 private:
  void on_request_impl(http::verb method, beast::string_view method_string, beast::string_view target,
                       int version, boost::system::error_code&) override {
    req_.method = method;
    req_.method_string.assign(method_string.data(), method_string.size());
    req_.target.assign(target.data(), target.size());
    req_.version = static_cast<unsigned>(version);
  }
  void on_response_impl(int, beast::string_view, int, boost::system::error_code&) override {}
  void on_field_impl(http::field name, beast::string_view, beast::string_view value,
                     boost::system::error_code&) override {
    if (name == http::field::user_agent) req_.user_agent.assign(value.data(), value.size());
  }
  void on_header_impl(boost::system::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, boost::system::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, boost::system::error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, boost::system::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, boost::system::error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(boost::system::error_code&) override {}

  request& req_;
};

}  // namespace

void serialize(const response& res, std::string& out) {
  out += res.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char number[20];
  std::to_chars(number, number + 3, static_cast<unsigned>(res.status));
  out.append(number, 3);
  out += ' ';
  out += http::obsolete_reason(res.status);
  out += "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n";
  if (!res.allow.empty()) {
    out += "Allow: ";
    out += res.allow;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out.append(number, std::to_chars(number, number + sizeof number, res.body.size()).ptr);
  // HTTP/1.1 is persistent unless it says otherwise; HTTP/1.0 the other way round.
  if (res.version == 10 && res.keep_alive)
    out += "\r\nConnection: keep-alive";
  else if (res.version != 10 && !res.keep_alive)
    out += "\r\nConnection: close";
  out += "\r\n\r\n";
  if (!res.head) out += res.body;
}

// Removes a socket's slot from the sweep's list when its coroutine ends, however it ends.
class listener::slot_guard {
 public:
  slot_guard(listener& l, tcp::socket& socket, std::chrono::seconds timeout)
      : l_(l), slot_(l.open_.insert(l.open_.end(), {&socket, l.deadline_in(timeout)})) {
    l_.arm_sweep();
  }
  ~slot_guard() { l_.open_.erase(slot_); }
  slot_guard(const slot_guard&) = delete;
  slot_guard& operator=(const slot_guard&) = delete;
  void expires_in(std::chrono::seconds after) { slot_->deadline = l_.deadline_in(after); }
  void never_expires() { slot_->deadline = clock::time_point::max(); }

 private:
  listener& l_;
  slot_handle slot_;
};

listener::listener(net::io_context& io, const tcp::endpoint& at, const listener_settings& settings,
                   api& target)
    : io_(io), acceptor_(io), sweep_timer_(io), settings_(settings), target_(target) {
  acceptor_.open(at.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(at);
  acceptor_.listen(net::socket_base::max_listen_connections);
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
  for (auto& slot : open_) {
    if (slot.deadline > now_) continue;
    // Its pending read or write ends with operation_aborted, and its coroutine with it.
    boost::system::error_code ignored;
    slot.socket->close(ignored);
    slot.deadline = clock::time_point::max();
  }
  if (!open_.empty()) arm_sweep();
}

net::awaitable<void> listener::accept_loop() {
  auto self = shared_from_this();
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(tuple_awaitable);
    if (ec) {
      if (ec == net::error::operation_aborted || stopping_) break;
      // EMFILE and the like: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      net::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(tuple_awaitable);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    socket.non_blocking(true, ec);
    if (connections_ >= settings_.max_connections)
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
  const std::string source_address = ec ? std::string() : remote.address().to_string();
  beast::flat_buffer buffer;
  request req;      // reused across requests
  std::string out;  // the answer's bytes, reused across requests
  bool first = true;

  while (!stopping_) {
    // Wait for the next request's first bytes (idle), then give the header a bounded time
    // (a client trickling a header byte by byte is cut off: slowloris), then the body.
    request_reader parser(req);
    parser.eager(true);
    parser.header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
    parser.body_limit(settings_.max_body_bytes);
    slot.expires_in(first ? settings_.header_timeout : settings_.idle_timeout);
    first = false;
    bool started = false, header_done = false;
    boost::system::error_code pec;  // the parser's verdict
    boost::system::error_code rec;  // the socket's
    for (;;) {
      if (buffer.size() > 0) {
        if (!started) {
          started = true;
          slot.expires_in(settings_.header_timeout);
        }
        buffer.consume(parser.put(buffer.data(), pec));
        if (pec == http::error::need_more)
          pec = {};
        else if (pec || parser.is_done())
          break;
        if (!header_done && parser.is_header_done()) {
          header_done = true;
          slot.expires_in(settings_.body_timeout);
        }
      }
      std::size_t n = 0;
      std::tie(rec, n) = co_await socket.async_read_some(buffer.prepare(read_chunk), tuple_awaitable);
      if (rec) {
        if (rec == net::error::eof && started) parser.put_eof(pec);
        break;
      }
      buffer.commit(n);
    }
    if (rec && !(started && !pec && parser.is_done())) {
      if (!is_quiet(rec)) spdlog::debug("HTTP connection from {} ended: {}", source_address, rec.message());
      break;  // the peer went away (or the sweep closed it) with no whole request
    }

    response res;
    bool close_after = false;
    if (pec == http::error::body_limit) {
      res = error_response(http::status::payload_too_large,
                           "Request body too large (limit " +
                               std::to_string(settings_.max_body_bytes) + " bytes)");
      close_after = true;
    } else if (pec == http::error::header_limit) {
      res = error_response(http::status::request_header_fields_too_large, "Request header too large");
      close_after = true;
    } else if (pec) {
      if (pec == http::error::partial_message) break;
      res = error_response(http::status::bad_request, "Malformed HTTP request");
      close_after = true;
    } else {
      const bool head = req.method == http::verb::head;
      const unsigned version = req.version;
      const bool keep_alive = parser.keep_alive();
      ++in_flight_;
      slot.never_expires();  // the answer may wait for a commit; that is not the client's doing
      res = co_await net::async_initiate<decltype(net::use_awaitable), void(response)>(
          [&](auto handler) {
            route(target_, req, source_address,
                  [h = std::move(handler)](response r) mutable { std::move(h)(std::move(r)); });
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
    serialize(res, out);
    slot.expires_in(settings_.body_timeout);
    boost::system::error_code wec;
    if (const auto rest = write_now(socket, out, wec); !wec && !rest.empty())
      std::tie(wec, std::ignore) = co_await net::async_write(socket, net::buffer(rest), tuple_awaitable);
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
