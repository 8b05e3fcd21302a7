// The Beast listener and its sessions (see listener.hpp).
#include "http/listener.hpp"

#include <spdlog/spdlog.h>

namespace uptime::http_api {

namespace {

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

// Shutdown and a peer that went away are not errors worth a log line.
bool is_quiet(const boost::system::error_code& ec) {
  return ec == net::error::operation_aborted || ec == beast::error::timeout ||
         ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

}  // namespace

listener::listener(net::io_context& io, const tcp::endpoint& at, const listener_settings& settings,
                   api& target)
    : io_(io), acceptor_(io), settings_(settings), target_(target) {
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
    auto detached = [self](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::warn("HTTP session ended by an error: {}", ex.what());
        }
      }
    };
    if (connections_ >= settings_.max_connections)
      net::co_spawn(io_, refuse(std::move(socket)), detached);
    else
      net::co_spawn(io_, session(std::move(socket)), detached);
  }
}

net::awaitable<void> listener::refuse(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto res = error_response(http::status::service_unavailable, "Too many connections");
  res.keep_alive(false);
  stream.expires_after(std::chrono::seconds(2));
  co_await http::async_write(stream, res, tuple_awaitable);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

net::awaitable<void> listener::session(tcp::socket socket) {
  auto self = shared_from_this();
  ++connections_;
  struct count_guard {
    std::size_t& n;
    ~count_guard() { --n; }
  } guard{connections_};

  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  bool first = true;

  while (!stopping_) {
    // Wait for the next request's first bytes (idle), then give the header a bounded time
    // (a client trickling a header byte by byte is cut off: slowloris).
    if (buffer.size() == 0) {
      stream.expires_after(first ? settings_.header_timeout : settings_.idle_timeout);
      auto [rec, n] = co_await stream.async_read_some(buffer.prepare(4096), tuple_awaitable);
      if (rec) break;
      buffer.commit(n);
    }
    first = false;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
    parser.body_limit(settings_.max_body_bytes);
    stream.expires_after(settings_.header_timeout);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, tuple_awaitable);
    if (!hec && !parser.is_done()) {
      stream.expires_after(settings_.body_timeout);
      std::tie(hec, hn) = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
    }

    response res;
    bool close_after = false;
    if (hec == http::error::body_limit) {
      res = error_response(http::status::payload_too_large,
                           "Request body too large (limit " +
                               std::to_string(settings_.max_body_bytes) + " bytes)");
      close_after = true;
    } else if (hec == http::error::header_limit) {
      res = error_response(http::status::request_header_fields_too_large, "Request header too large");
      close_after = true;
    } else if (hec) {
      if (is_quiet(hec) || hec == http::error::partial_message) break;
      res = error_response(http::status::bad_request, "Malformed HTTP request");
      close_after = true;
    } else {
      auto req = parser.release();
      const bool head = req.method() == http::verb::head;
      const unsigned version = req.version();
      const bool keep_alive = req.keep_alive();
      ++in_flight_;
      res = co_await net::async_initiate<decltype(net::use_awaitable), void(response)>(
          [&](auto handler) {
            route(target_, std::move(req), remote,
                  [h = std::move(handler)](response r) mutable { std::move(h)(std::move(r)); });
          },
          net::use_awaitable);
      --in_flight_;
      res.version(version);
      res.keep_alive(keep_alive && !stopping_);
      close_after = !res.keep_alive();
      if (head) {
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
      }
    }
    if (close_after) res.keep_alive(false);
    stream.expires_after(settings_.body_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
    if (wec || close_after) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace uptime::http_api
