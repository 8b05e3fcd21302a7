// The benchmark's yardstick: the least an HTTP answer costs on this machine with the project's
// own HTTP stack. A minimal Boost.Beast HTTP/1.1 keep-alive server on ONE io thread (C++20
// coroutines, as the project's listener) that answers every request, whatever its path or
// method, with the same small fixed JSON body a successful push gets. It reads no clock,
// writes no database and keeps no state, so project/reference is what the push path adds on
// top of parsing and answering HTTP. Not a server to deploy: no timeouts, no limits.
//
//   reference_server [--host 127.0.0.1] [--port 0]     (port 0 = any free port)
// prints "Listening on http://127.0.0.1:<port>" once it accepts, then runs until SIGINT/SIGTERM.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "net.hpp"  // the project's one alias header: net, beast, http, tcp

using namespace uptime;

namespace {

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::string_view fixed_body =
    R"({"success":true,"monitor_id":1,"received_at":"2025-01-15T10:30:00Z",)"
    R"("next_expected_by":"2025-01-16T11:30:00Z"})";

// One keep-alive connection: read a request, answer it, until the peer closes.
net::awaitable<void> session(tcp::socket socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [rec, rn] = co_await http::async_read(socket, buffer, req, tuple_awaitable);
    if (rec) break;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) res.body() = fixed_body;
    res.content_length(fixed_body.size());
    auto [wec, wn] = co_await http::async_write(socket, res, tuple_awaitable);
    if (wec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
    if (ec) {
      if (ec == net::error::operation_aborted) co_return;
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(acceptor.get_executor(), session(std::move(socket)), net::detached);
  }
}

int usage(const char* argv0, int code) {
  std::fprintf(code ? stderr : stdout, "usage: %s [--host ADDR] [--port N]  (port 0: any free port)\n",
               argv0);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned long port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") return usage(argv[0], 0);
    if (i + 1 >= argc) return usage(argv[0], 2);
    if (a == "--host")
      host = argv[++i];
    else if (a == "--port")
      port = std::strtoul(argv[++i], nullptr, 10);
    else
      return usage(argv[0], 2);
  }
  try {
    net::io_context io{1};
    tcp::acceptor acceptor(io);
    const tcp::endpoint at{net::ip::make_address(host), static_cast<unsigned short>(port)};
    acceptor.open(at.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(at);
    acceptor.listen(net::socket_base::max_listen_connections);
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { io.stop(); });
    net::co_spawn(io, accept_loop(acceptor), net::detached);
    const auto bound = acceptor.local_endpoint();
    std::cout << "Listening on http://" << bound.address().to_string() << ":" << bound.port()
              << std::endl;
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "reference_server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
