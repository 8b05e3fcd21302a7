// libFuzzer target: bytes from a client, through the listener's real request reader, the real
// route table and the real push and health handlers (api/), to the bytes of each answer, with
// no socket and no server. The input is split into reads whose sizes come from its first
// byte, as a TCP stream may split it anywhere; requests are read one after the other as a
// keep-alive connection would (pipelining included). Fakes of the monitors and the database
// answer at once, with a result picked from the request. Checks what must hold for any input:
// the reader never buffers past its bound, every error answer closes the connection, and every
// answer is a well-formed response with a JSON body.
#include <boost/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "api/health.hpp"
#include "api/push.hpp"
#include "http/request_reader.hpp"
#include "http/route_table.hpp"
#include "http/serialize.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {

struct instant_monitors final : api::push_receiver, api::health_probe {
  void receive(api::push_request call, api::push_done done) override {
    // Touch what the real receiver reads, so the sanitizers see the views; the outcome depends
    // on the input, so every answer is reached.
    std::size_t n = call.secret_key.size() + call.signal.size() + call.body.size() +
                    call.method.size() + call.user_agent.size() + call.source_address.size();
    for (const auto& [k, v] : call.query) n += k.size() + v.size();
    switch (static_cast<std::uint64_t>(call.id) % 5) {
      case 0: return done(api::push_not_found{});
      case 1: return done(api::push_wrong_key{});
      case 2: return done(api::push_bad_body{"Request body must be a JSON object"});
      case 3: return done(api::push_not_written{});
      default:
        return done(api::push_accepted{call.id, core::utc_time{}, core::utc_time{},
                                       std::chrono::milliseconds(static_cast<std::int64_t>(n)),
                                       core::push_signal::start, ""});
    }
  }
  void check(api::health_done done) override { done(api::health_result{true}); }
};

http_api::route_table& routes() {
  static instant_monitors monitors;
  static http_api::route_table table = [] {
    http_api::route_table t;
    api::add_push_routes(t, monitors);
    api::add_health_routes(t, monitors);
    return t;
  }();
  return table;
}

void check(bool ok) {
  if (!ok) std::abort();
}

// What the listener would send for `res`: a status line and a JSON body.
void answer(const response& res, std::string& out) {
  out.clear();
  serialize(res, out);
  check(out.rfind("HTTP/1.", 0) == 0);
  const auto end = out.find("\r\n\r\n");
  check(end != std::string::npos);
  if (!res.head) {
    boost::system::error_code ec;
    json::parse(std::string_view(out).substr(end + 4), ec);
    check(!ec);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // Read sizes: 1..255 bytes, or 0 for "as much as prepare() offers".
  const std::size_t piece = data[0] == 0 ? request_reader::read_chunk : data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto& table = routes();
  const request_reader::limits limits{1024, 2048};  // small, to reach the limits often
  request_reader reader(limits);
  request req;
  req.source_address = "127.0.0.1";
  std::string out;
  auto state = reader.start(req);
  for (int requests = 0; requests < 64; ++requests) {
    while (state == request_reader::state::need_more) {
      if (input.empty()) {
        state = reader.eof();
        break;
      }
      const auto into = reader.prepare();
      check(into.size() > 0);
      const auto n = std::min({piece, into.size(), input.size()});
      std::memcpy(into.data(), input.data(), n);
      input.remove_prefix(n);
      state = reader.commit(n);
      check(reader.buffered() <= limits.max_header_bytes + request_reader::read_chunk);
    }
    if (state == request_reader::state::closed) return 0;
    if (state == request_reader::state::failed) {
      const auto res = reader.error_answer();
      check(!res.keep_alive);
      check(static_cast<unsigned>(res.status) >= 400);
      answer(res, out);
      return 0;
    }
    check(req.body.size() <= limits.max_body_bytes);
    const bool head = req.method == http::verb::head;
    const unsigned version = req.version;
    const bool keep_alive = req.keep_alive;
    check(keep_alive == reader.keep_alive());
    std::optional<response> res;
    table.dispatch(req, [&](response r) { res = std::move(r); });
    check(res.has_value());  // the fakes answer at once
    res->version = version;
    res->head = head;
    res->keep_alive = keep_alive;
    answer(*res, out);
    if (!keep_alive) return 0;
    state = reader.start(req);
  }
  return 0;
}
