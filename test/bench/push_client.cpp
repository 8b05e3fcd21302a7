// A load client that sends an EXACT number of HTTP/1.1 keep-alive GET requests and counts the
// answers, for the benchmark's instruction counts (callgrind needs "this many pushes", which
// wrk, being time-based, cannot give). Paths are drawn at random (fixed seed) from a file with
// one URL path per line, over a few concurrent connections on one thread. Not a load
// generator for throughput figures: wrk does that.
//
//   push_client --port N --paths FILE --requests N [--connections 8] [--host 127.0.0.1]
//   push_client --port N --paths FILE --each-once ...   (one request per path, in file order:
//                                                        warms every monitor up first)
// prints "requests=<sent> ok=<2xx> non2xx=<n> errors=<n> seconds=<s>"; exit 1 if any answer
// was not 2xx or a connection failed.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "net.hpp"  // the project's one alias header: net, beast, http, tcp

using namespace uptime;

namespace {

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

struct shared_state {
  std::vector<std::string> paths;
  long total = 0;
  long next = 0;  // requests handed out so far
  long ok = 0, non2xx = 0, errors = 0;
  std::mt19937_64 rng{12345};
  bool each_once = false;
};

net::awaitable<void> connection(tcp::endpoint at, std::string host, shared_state& s) {
  tcp::socket socket(co_await net::this_coro::executor);
  auto [cec] = co_await socket.async_connect(at, tuple_awaitable);
  if (cec) {
    ++s.errors;
    co_return;
  }
  socket.set_option(tcp::no_delay(true));
  beast::flat_buffer buffer;
  while (s.next < s.total) {
    std::uniform_int_distribution<std::size_t> pick(0, s.paths.size() - 1);
    const auto& path = s.each_once ? s.paths[s.next] : s.paths[pick(s.rng)];
    ++s.next;
    http::request<http::empty_body> req{http::verb::get, path, 11};
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "push_client");
    auto [wec, wn] = co_await http::async_write(socket, req, tuple_awaitable);
    http::response<http::string_body> res;
    auto [rec, rn] = wec ? std::tuple(wec, std::size_t{0})
                         : co_await http::async_read(socket, buffer, res, tuple_awaitable);
    if (wec || rec) {
      ++s.errors;
      co_return;
    }
    if (res.result_int() / 100 == 2)
      ++s.ok;
    else
      ++s.non2xx;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: push_client --port N --paths FILE (--requests N | --each-once) "
               "[--connections 8] [--host 127.0.0.1]\n");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  shared_state s;
  std::string host = "127.0.0.1", paths_file;
  unsigned long port = 0;
  long requests = 0, connections = 8;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") return usage(0);
    if (a == "--each-once") {
      s.each_once = true;
      continue;
    }
    if (i + 1 >= argc) return usage(2);
    const char* v = argv[++i];
    if (a == "--host") host = v;
    else if (a == "--port") port = std::strtoul(v, nullptr, 10);
    else if (a == "--paths") paths_file = v;
    else if (a == "--requests") requests = std::strtol(v, nullptr, 10);
    else if (a == "--connections") connections = std::strtol(v, nullptr, 10);
    else return usage(2);
  }
  if (port == 0 || paths_file.empty() || (requests <= 0 && !s.each_once) || connections <= 0)
    return usage(2);

  std::ifstream in(paths_file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) s.paths.push_back(line);
  if (s.paths.empty()) {
    std::fprintf(stderr, "push_client: no paths in %s\n", paths_file.c_str());
    return 2;
  }
  s.total = s.each_once ? static_cast<long>(s.paths.size()) : requests;

  net::io_context io{1};
  const tcp::endpoint at{net::ip::make_address(host), static_cast<unsigned short>(port)};
  const auto started = std::chrono::steady_clock::now();
  for (long c = 0; c < connections; ++c)
    net::co_spawn(io, connection(at, host, s), net::detached);
  io.run();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::printf("requests=%ld ok=%ld non2xx=%ld errors=%ld seconds=%.3f\n", s.next, s.ok, s.non2xx,
              s.errors, took.count());
  return s.non2xx == 0 && s.errors == 0 && s.ok == s.total ? 0 : 1;
}
