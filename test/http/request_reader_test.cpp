// The sans-I/O request reader: whole requests from bytes in any split, its framing rules
// (RFC 9112: Transfer-Encoding, Content-Length, Host), and its limits: a bounded buffer
// whatever is sent, chunk extensions and trailers counted against the header limit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "http/request_reader.hpp"

using namespace uptime;
using namespace uptime::http_api;
using state = request_reader::state;

namespace {

// Feeds `bytes` in pieces of at most `piece` (and what prepare() offers), stopping as soon as
// the reader is no longer asking for more. Returns how many bytes it took.
std::size_t feed(request_reader& r, std::string_view bytes, std::size_t piece = 4096) {
  std::size_t fed = 0;
  while (fed < bytes.size() && r.current() == state::need_more) {
    const auto into = r.prepare();
    const auto n = std::min({piece, into.size(), bytes.size() - fed});
    std::memcpy(into.data(), bytes.data() + fed, n);
    r.commit(n);
    fed += n;
  }
  return fed;
}

struct read_one {
  request_reader reader;
  request req;
  explicit read_one(request_reader::limits l = {}) : reader(l) { reader.start(req); }
  state read(std::string_view bytes, std::size_t piece = 4096) {
    feed(reader, bytes, piece);
    return reader.current();
  }
};

const std::string push_path = "/api/push/1/key";

std::string chunked_post(std::string_view te, std::string_view body, std::string_view extra = "") {
  return "POST " + push_path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + std::string(te) +
         "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

}  // namespace

TEST_CASE("a GET push is read whole in one piece and byte by byte alike") {
  const std::string bytes = "GET " + push_path + " HTTP/1.1\r\nHost: x\r\nUser-Agent: cron\r\n\r\n";
  for (std::size_t piece : {std::size_t{4096}, std::size_t{1}}) {
    read_one r;
    REQUIRE(r.read(bytes, piece) == state::complete);
    CHECK(r.req.method == http::verb::get);
    CHECK(r.req.target == push_path);
    CHECK(r.req.user_agent == "cron");
    CHECK(r.req.version == 11);
    CHECK(r.reader.keep_alive());
  }
}

TEST_CASE("a chunked body with extensions and a trailer is read and its trailer is not a header") {
  read_one r;
  REQUIRE(r.read(chunked_post("chunked", "4;a=b\r\n{\"me\r\n2\r\n\"}\r\n0\r\nUser-Agent: evil\r\n\r\n"),
                 3) == state::complete);
  CHECK(r.req.body == "{\"me\"}");
  CHECK(r.req.user_agent.empty());
}

TEST_CASE("pipelined requests are read one after the other from the same buffer") {
  request_reader reader({});
  request req;
  reader.start(req);
  const std::string one = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string two = "POST " + push_path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
  feed(reader, one + two);
  REQUIRE(reader.current() == state::complete);
  CHECK(req.target == "/health");
  REQUIRE(reader.start(req) == state::complete);
  CHECK(req.target == push_path);
  CHECK(req.body == "{}");
  CHECK(reader.start(req) == state::need_more);
  CHECK_FALSE(reader.has_bytes());
}

TEST_CASE("a Transfer-Encoding whose final coding is not chunked gets 400") {
  for (const char* te : {"xchunked", "gzip", "chunked, gzip", "chunked, chunked", "", "chunked;x=1",
                         "identity"}) {
    INFO(te);
    read_one r;
    REQUIRE(r.read(chunked_post(te, "GET /api/push/1/key/fail HTTP/1.1\r\nHost: x\r\n\r\n")) ==
            state::failed);
    const auto answer = r.reader.error_answer();
    CHECK(answer.status == http::status::bad_request);
    CHECK_FALSE(answer.keep_alive);
    CHECK(json::parse(answer.body.view()).as_object().contains("error"));
  }
}

TEST_CASE("a transfer coding other than chunked before it gets 501") {
  for (const char* te : {"gzip, chunked", "deflate,chunked", " x , chunked "}) {
    INFO(te);
    read_one r;
    REQUIRE(r.read(chunked_post(te, "2\r\n{}\r\n0\r\n\r\n")) == state::failed);
    CHECK(r.reader.error_answer().status == http::status::not_implemented);
  }
  read_one two_fields;
  REQUIRE(two_fields.read(chunked_post("gzip", "2\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: chunked\r\n")) ==
          state::failed);
  CHECK(two_fields.reader.error_answer().status == http::status::not_implemented);
}

TEST_CASE("Transfer-Encoding next to Content-Length, in either order, gets 400") {
  for (const char* extra : {"Content-Length: 11\r\n"}) {
    read_one r;
    REQUIRE(r.read(chunked_post("chunked", "2\r\n{}\r\n0\r\n\r\n", extra)) == state::failed);
    CHECK(r.reader.error_answer().status == http::status::bad_request);
    read_one gz;
    REQUIRE(gz.read(chunked_post("gzip", "2\r\n{}\r\n0\r\n\r\n", extra)) == state::failed);
    CHECK(gz.reader.error_answer().status == http::status::bad_request);
  }
  read_one before;
  REQUIRE(before.read("POST " + push_path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n") == state::failed);
  CHECK(before.reader.error_answer().status == http::status::bad_request);
}

TEST_CASE("Transfer-Encoding in an HTTP/1.0 request gets 400") {
  read_one r;
  REQUIRE(r.read("POST " + push_path + " HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n") ==
          state::failed);
  CHECK(r.reader.error_answer().status == http::status::bad_request);
}

TEST_CASE("an HTTP/1.1 request needs exactly one Host field; HTTP/1.0 none") {
  read_one none;
  REQUIRE(none.read("GET /health HTTP/1.1\r\n\r\n") == state::failed);
  CHECK(none.reader.error_answer().status == http::status::bad_request);
  read_one two;
  REQUIRE(two.read("GET /health HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == state::failed);
  CHECK(two.reader.error_answer().status == http::status::bad_request);
  read_one old;
  REQUIRE(old.read("GET /health HTTP/1.0\r\n\r\n") == state::complete);
  CHECK_FALSE(old.reader.keep_alive());
}

TEST_CASE("an endless chunk extension gets 431 and the buffer stays bounded") {
  const request_reader::limits limits{};
  read_one r(limits);
  r.read(chunked_post("chunked", "5;"));
  const std::string endless(1024 * 1024, 'a');
  const auto fed = feed(r.reader, endless);
  REQUIRE(r.reader.current() == state::failed);
  CHECK(r.reader.error_answer().status == http::status::request_header_fields_too_large);
  CHECK(fed <= limits.max_header_bytes + request_reader::read_chunk);
  CHECK(r.reader.buffered() <= limits.max_header_bytes + request_reader::read_chunk);
}

TEST_CASE("an endless trailer line gets 431 and the buffer stays bounded") {
  const request_reader::limits limits{};
  read_one r(limits);
  r.read(chunked_post("chunked", "2\r\n{}\r\n0\r\nX-Trailer: "));
  const auto fed = feed(r.reader, std::string(1024 * 1024, 'a'));
  REQUIRE(r.reader.current() == state::failed);
  CHECK(r.reader.error_answer().status == http::status::request_header_fields_too_large);
  CHECK(fed <= limits.max_header_bytes + request_reader::read_chunk);
}

TEST_CASE("chunk extensions and trailer fields together count against the header limit") {
  std::string body;
  for (int i = 0; i < 20; ++i) body += "1;e=" + std::string(1000, 'e') + "\r\nx\r\n";
  read_one many;
  REQUIRE(many.read(chunked_post("chunked", body + "0\r\n\r\n")) == state::failed);
  CHECK(many.reader.error_answer().status == http::status::request_header_fields_too_large);

  std::string trailer = "0\r\n";
  for (int i = 0; i < 20; ++i) trailer += "X-T" + std::to_string(i) + ": " + std::string(1000, 't') + "\r\n";
  read_one trailers;
  REQUIRE(trailers.read(chunked_post("chunked", trailer + "\r\n")) == state::failed);
  CHECK(trailers.reader.error_answer().status == http::status::request_header_fields_too_large);

  // Under the limit, the same shapes are fine.
  read_one few;
  REQUIRE(few.read(chunked_post("chunked", "1;e=" + std::string(1000, 'e') + "\r\nx\r\n0\r\nX-T: t\r\n\r\n")) ==
          state::complete);
  CHECK(few.req.body == "x");
}

TEST_CASE("a header over max_header_bytes gets 431 and a body over max_body_bytes 413") {
  read_one header({1024, 100});
  REQUIRE(header.read("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n") ==
          state::failed);
  CHECK(header.reader.error_answer().status == http::status::request_header_fields_too_large);

  read_one body({1024, 100});
  REQUIRE(body.read("POST " + push_path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n") ==
          state::failed);
  const auto answer = body.reader.error_answer();
  CHECK(answer.status == http::status::payload_too_large);
  CHECK(answer.body.view() == R"x({"error":"Request body too large (limit 100 bytes)"})x");

  read_one chunks({1024, 100});
  REQUIRE(chunks.read(chunked_post("chunked", "40\r\n" + std::string(64, 'a') + "\r\n40\r\n")) == state::failed);
  CHECK(chunks.reader.error_answer().status == http::status::payload_too_large);
}

TEST_CASE("the peer closing before a whole request is a close without an answer") {
  read_one nothing;
  CHECK(nothing.reader.eof() == state::closed);
  read_one half;
  half.read("GET /health HTTP/1.1\r\nHo");
  CHECK(half.reader.has_bytes());
  CHECK(half.reader.eof() == state::closed);
  read_one short_body;
  short_body.read("POST " + push_path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}");
  CHECK(short_body.reader.header_done());
  CHECK(short_body.reader.eof() == state::closed);
}

TEST_CASE("garbage gets 400") {
  for (std::string_view garbage : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9.9\r\n\r\n",
                                   "GET /health HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    read_one r;
    REQUIRE(r.read(garbage) == state::failed);
    CHECK(r.reader.error_answer().status == http::status::bad_request);
  }
}

TEST_CASE("the header fields handlers read are kept, a repeated one as one list, and cleared for the next request") {
  request_reader reader({});
  request req;
  req.source_address = "192.0.2.1";  // the listener's, kept across requests
  reader.start(req);
  feed(reader,
       "GET /x HTTP/1.1\r\nHost: x\r\nUser-Agent: a\r\nUser-Agent: b\r\nAuthorization: Bearer t\r\n"
       "If-None-Match: \"1\"\r\nIf-None-Match: \"2\"\r\nAccept-Encoding: gzip\r\nAccept-Encoding: br\r\n"
       "Cookie: a=1\r\nCookie: b=2\r\n\r\n"
       "GET /y HTTP/1.0\r\n\r\n");
  REQUIRE(reader.current() == state::complete);
  CHECK(req.user_agent == "b");  // the last one, as before
  CHECK(req.authorization == "Bearer t");
  CHECK(req.if_none_match == "\"1\", \"2\"");
  CHECK(req.accept_encoding == "gzip, br");
  CHECK(req.cookie == "a=1; b=2");
  CHECK(req.keep_alive);

  REQUIRE(reader.start(req) == state::complete);  // the pipelined HTTP/1.0 request
  CHECK(req.target == "/y");
  CHECK(req.user_agent.empty());
  CHECK(req.authorization.empty());
  CHECK(req.if_none_match.empty());
  CHECK(req.accept_encoding.empty());
  CHECK(req.cookie.empty());
  CHECK_FALSE(req.keep_alive);
  CHECK(req.source_address == "192.0.2.1");
}

TEST_CASE("X-Api-Key, Origin and the preflight fields are kept in any case and cleared for the next request") {
  request_reader reader({});
  request req;
  reader.start(req);
  feed(reader,
       "OPTIONS /api/v1/monitors HTTP/1.1\r\nHost: x\r\nx-API-key: k-123\r\nOrigin: https://a.example\r\n"
       "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization\r\n"
       "access-control-request-headers: x-api-key\r\nX-Api-Keys: not-this-one\r\n\r\n"
       "GET /y HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(reader.current() == state::complete);
  CHECK(req.x_api_key == "k-123");
  CHECK(req.origin == "https://a.example");
  CHECK(req.access_control_request_method == "GET");
  CHECK(req.access_control_request_headers == "authorization, x-api-key");

  REQUIRE(reader.start(req) == state::complete);
  CHECK(req.target == "/y");
  CHECK(req.x_api_key.empty());
  CHECK(req.origin.empty());
  CHECK(req.access_control_request_method.empty());
  CHECK(req.access_control_request_headers.empty());
}

TEST_CASE("an X-Api-Key sent twice is no key, even when both are the same") {
  for (const char* second : {"X-Api-Key: other\r\n", "X-API-KEY: k-123\r\n"}) {
    read_one r;
    REQUIRE(r.read(std::string("GET /x HTTP/1.1\r\nHost: x\r\nX-Api-Key: k-123\r\n") + second +
                   "\r\n") == state::complete);
    CHECK(r.req.x_api_key.empty());
  }
}
