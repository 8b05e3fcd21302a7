// libFuzzer target: bytes from a client, through the listener's real request reader and the
// real router, to the bytes of each answer, with no socket. The input is split into reads
// whose sizes come from its first byte, as a TCP stream may split it anywhere; requests are
// read one after the other as a keep-alive connection would (pipelining included). A fake
// `api` answers pushes and health checks at once. Checks what must hold for any input: the
// reader never buffers past its bound, every error answer closes the connection, and every
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

#include "http/api.hpp"
#include "http/request_reader.hpp"
#include "http/serialize.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {

struct instant_api final : api {
  void push(push_call call, respond_fn respond) override {
    // Touch what the real handler reads, so the sanitizers see the views.
    std::size_t n = call.monitor_id.size() + call.secret_key.size() + call.signal.size() + call.body.size();
    for (const auto& [k, v] : call.query) n += k.size() + v.size();
    respond(json_response(http::status::ok, json::object{{"success", true}, {"n", n}}));
  }
  void health(respond_fn respond) override {
    respond(json_response(http::status::ok, json::object{{"status", "ok"}}));
  }
};

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

  static instant_api target;
  const request_reader::limits limits{1024, 2048};  // small, to reach the limits often
  request_reader reader(limits);
  request req;
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
    const bool keep_alive = reader.keep_alive();
    std::optional<response> res;
    route(target, req, "127.0.0.1", [&](response r) { res = std::move(r); });
    check(res.has_value());  // the fake api answers at once
    res->version = version;
    res->head = head;
    res->keep_alive = keep_alive;
    answer(*res, out);
    if (!keep_alive) return 0;
    state = reader.start(req);
  }
  return 0;
}
