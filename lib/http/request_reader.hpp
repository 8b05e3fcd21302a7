// Reads HTTP/1.1 requests from a byte stream, sans-I/O: the caller puts the bytes it received
// into prepare()'s buffer, says how many with commit(), and is told "need more", "a whole
// request" or "answer this error and close". The listener's sessions and the fuzz target both
// drive it; it never touches a socket or a clock.
//
// Its limits hold whatever a client sends: the read buffer never holds more than
// max_header_bytes + read_chunk bytes (Beast's parser keeps a whole chunk-extension or trailer
// line buffered, so without a bound one request could take gigabytes); the header, and the
// chunk extensions and trailer fields of a chunked body together, may each take at most
// max_header_bytes (431 above that); the body at most max_body_bytes (413). Message framing is
// checked as RFC 9112 asks of a server, so a body can never be read as a second request:
// Transfer-Encoding must end in `chunked` (else 400), codings other than chunked are not
// implemented (501), Transfer-Encoding is refused in HTTP/1.0 or next to Content-Length (400),
// and an HTTP/1.1 request needs exactly one Host field (400). Every error answer closes the
// connection.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/detail/request_parser.hpp"
#include "net.hpp"

namespace uptime::http_api {

class request_reader {
 public:
  static constexpr std::size_t read_chunk = 4096;  // the most one prepare() offers

  struct limits {
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 100 * 1024;
  };

  enum class state {
    need_more,  // read more bytes (prepare, commit), or eof() if the peer closed
    complete,   // `into` holds a whole request; keep_alive() says whether to read another
    failed,     // answer error_answer() and close the connection
    closed,     // the peer closed its side with no whole request: close without an answer
  };

  explicit request_reader(const limits& l);
  ~request_reader();
  request_reader(const request_reader&) = delete;
  request_reader& operator=(const request_reader&) = delete;

  // Starts reading the next request into `into` (its strings are cleared but keep their
  // capacity; source_address is left as it is) and parses whatever is already buffered
  // (pipelined bytes). `into` must stay alive until the next start(). Once complete, its
  // keep_alive says whether the connection may carry another request.
  state start(request& into);
  // Where the next bytes go: at most read_chunk bytes, never empty while state is need_more.
  net::mutable_buffer prepare();
  // `n` bytes were written into prepare()'s buffer: parse them.
  state commit(std::size_t n);
  // The peer closed its side (or the read failed): no more bytes will come.
  state eof();

  state current() const { return state_; }
  // Some bytes of the current request have been received (buffered or parsed): the request
  // has begun, it is no longer an idle wait for one.
  bool has_bytes() const;
  // The whole header of the current request has been read.
  bool header_done() const;
  // After complete: whether the connection may carry another request.
  bool keep_alive() const;
  // After failed: the answer to send (JSON error body; keep_alive is false).
  response error_answer() const;
  // Bytes received and not yet parsed (the buffer's current size).
  std::size_t buffered() const { return buffer_.size(); }

 private:
  state parse();

  limits limits_;
  beast::flat_buffer buffer_;
  request* into_ = nullptr;
  std::optional<detail::request_parser> parser_;  // one per request: Beast's cannot be reset
  state state_ = state::need_more;
  http::status error_status_ = http::status::bad_request;
  std::string_view error_message_;
};

}  // namespace uptime::http_api
