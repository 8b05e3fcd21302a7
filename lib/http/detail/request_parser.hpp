// The Beast parser behind request_reader (see ../request_reader.hpp); no other file uses it.
// It keeps only what request.hpp names (the request line, a few header fields, the body) and,
// as flags, what framing and Host checks need: Beast's request_parser would build, and free, a
// list of every field for every request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request.hpp"
#include "net.hpp"

namespace uptime::http_api::detail {

class request_parser final : public http::basic_parser<true> {
 public:
  // `max_extra_bytes`: what chunk extensions and trailer fields may take together.
  request_parser(request& into, std::size_t max_extra_bytes);

  // Set when the parser stopped on a rule of ours rather than one of Beast's: the answer's
  // status and message (a static string).
  http::status verdict_status() const { return verdict_status_; }
  std::string_view verdict_message() const { return verdict_message_; }

 private:
  void on_request_impl(http::verb method, beast::string_view method_string, beast::string_view target,
                       int version, boost::system::error_code& ec) override;
  void on_response_impl(int, beast::string_view, int, boost::system::error_code&) override {}
  void on_field_impl(http::field name, beast::string_view name_string, beast::string_view value,
                     boost::system::error_code& ec) override;
  void on_header_impl(boost::system::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>&, boost::system::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, boost::system::error_code&) override;
  void on_chunk_header_impl(std::uint64_t, beast::string_view extensions,
                            boost::system::error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, boost::system::error_code&) override;
  void on_finish_impl(boost::system::error_code&) override {}

  // Stops the parse with our own answer.
  void refuse(boost::system::error_code& ec, http::status status, std::string_view message);
  // Adds chunk-extension or trailer bytes to their budget; refuses with 431 over it.
  void count_extra(std::size_t n, boost::system::error_code& ec);
  void read_transfer_encoding(std::string_view value);

  request& req_;
  std::size_t extra_left_;  // what chunk extensions and trailers may still take
  unsigned host_fields_ = 0;
  unsigned x_api_key_fields_ = 0;
  bool content_length_ = false;
  bool transfer_encoding_ = false;
  bool te_ends_chunked_ = false;    // the last coding read so far is `chunked`
  bool te_after_chunked_ = false;   // a coding (even chunked) follows `chunked`: not final
  bool te_unknown_ = false;         // a coding other than `chunked`
  http::status verdict_status_ = http::status::unknown;
  std::string_view verdict_message_;
};

}  // namespace uptime::http_api::detail
