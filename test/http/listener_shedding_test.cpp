// The listener under descriptor pressure, with real sockets on loopback: when accept() fails
// for want of descriptors (EMFILE), the connection idle the longest is closed so the new one is
// served, instead of every new client waiting. The process's own RLIMIT_NOFILE is lowered for
// the test (and restored), so the limit is reached for real.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "http/listener.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {

// A health route that answers at once.
route_table instant_routes() {
  route_table routes;
  routes.add({http::verb::get}, "/health", [](request&, const route_match&, respond_fn respond) {
    respond(json_response(http::status::ok, json::object{{"status", "ok"}}));
  });
  return routes;
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// Lowers RLIMIT_NOFILE's soft limit for its lifetime.
class fd_limit_guard {
 public:
  explicit fd_limit_guard(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  }
  ~fd_limit_guard() { setrlimit(RLIMIT_NOFILE, &saved_); }
  fd_limit_guard(const fd_limit_guard&) = delete;
  fd_limit_guard& operator=(const fd_limit_guard&) = delete;

 private:
  rlimit saved_{};
};

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
#define UPTIME_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UPTIME_SANITIZED 1
#endif
#endif

TEST_CASE("when accept runs out of descriptors the connection idle the longest makes room") {
#ifdef UPTIME_SANITIZED
  // The sanitizers' runtime needs descriptors of its own (UBSan's vptr check probes memory
  // through a pipe) and reports a false error when this test has taken them all.
  WARN("skipped under the sanitizers: this test uses up the process's file descriptors");
  return;
#endif
  net::io_context io;
  auto routes = instant_routes();
  listener_settings settings;
  settings.fd_limit = 1'000'000;  // no cap from descriptors: accept() itself must hit the limit
  auto l = std::make_shared<listener>(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0),
                                      settings, routes);
  l->start();
  const auto at = l->local_endpoint();
  const auto turn = [&] { io.run_for(std::chrono::milliseconds(30)); };

  net::io_context client_io;
  tcp::socket late(client_io);  // its descriptor is taken now, before there are none left
  late.open(tcp::v4());
  std::vector<std::unique_ptr<tcp::socket>> idle;
  {
    fd_limit_guard limit(open_descriptors() + 16);
    // Idle connections until this process has no descriptor left for another client socket:
    // by then the server's accept() has failed at least once and shed to recover.
    for (;;) {
      auto s = std::make_unique<tcp::socket>(client_io);
      boost::system::error_code ec;
      s->open(tcp::v4(), ec);
      if (ec) break;
      s->connect(at, ec);
      REQUIRE_FALSE(ec);
      idle.push_back(std::move(s));
      turn();
      REQUIRE(idle.size() < 100);
    }
    REQUIRE(idle.size() >= 3);
    late.connect(at);
    turn();
    const std::string ask = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    net::write(late, net::buffer(ask));
    std::string answer(4096, '\0');
    late.non_blocking(true);
    boost::system::error_code ec = net::error::would_block;
    std::size_t n = 0;
    for (int i = 0; i < 30 && ec == net::error::would_block; ++i) {  // within about a second
      turn();
      n = late.read_some(net::buffer(answer), ec);
    }
    REQUIRE_FALSE(ec);
    CHECK(answer.substr(0, n).rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  }
  // The oldest idle connection was the one closed.
  char byte;
  boost::system::error_code ec;
  idle.front()->non_blocking(true);
  idle.front()->read_some(net::buffer(&byte, 1), ec);
  CHECK((ec == net::error::eof || ec == net::error::connection_reset));
  l->stop();
  io.run_for(std::chrono::milliseconds(50));
}
