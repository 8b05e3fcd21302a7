// The sans-I/O request reader and its parser (see request_reader.hpp).
#include "http/request_reader.hpp"

#include <algorithm>
#include <string>

namespace uptime::http_api {

namespace detail {

namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// A field sent more than once is one list (RFC 9110 §5.3): the values joined by `separator`.
void add_to_list(std::string& field, beast::string_view value, std::string_view separator) {
  if (!field.empty()) field += separator;
  field.append(value.data(), value.size());
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);  // exact for letters; `chunked` has nothing else
         });
}

// A field name Beast does not know, against a lowercase one: '-' is the only non-letter the
// names we look for have, and no token character but '-' itself equals it once ORed with 0x20.
bool is_field(beast::string_view name, std::string_view lowercase) {
  return iequals(std::string_view(name.data(), name.size()), lowercase);
}

}  // namespace

request_parser::request_parser(request& into, std::size_t max_extra_bytes)
    : req_(into), extra_left_(max_extra_bytes) {
  req_.method_string.clear();
  req_.target.clear();
  req_.user_agent.clear();
  req_.authorization.clear();
  req_.if_none_match.clear();
  req_.accept_encoding.clear();
  req_.cookie.clear();
  req_.x_api_key.clear();
  req_.origin.clear();
  req_.access_control_request_method.clear();
  req_.access_control_request_headers.clear();
  req_.keep_alive = false;
  req_.body.clear();
}

void request_parser::refuse(boost::system::error_code& ec, http::status status,
                            std::string_view message) {
  verdict_status_ = status;
  verdict_message_ = message;
  ec = http::error::bad_transfer_encoding;  // any error stops Beast; the verdict says which
}

void request_parser::count_extra(std::size_t n, boost::system::error_code& ec) {
  if (n > extra_left_) {
    refuse(ec, http::status::request_header_fields_too_large, "Chunk extensions or trailer too large");
    return;
  }
  extra_left_ -= n;
}

void request_parser::on_request_impl(http::verb method, beast::string_view method_string,
                                     beast::string_view target, int version,
                                     boost::system::error_code&) {
  req_.method = method;
  req_.method_string.assign(method_string.data(), method_string.size());
  req_.target.assign(target.data(), target.size());
  req_.version = static_cast<unsigned>(version);
}

// A Transfer-Encoding value is a list of codings (RFC 9110 §5.6.1: empty elements allowed),
// each a token with optional `;parameters`. Several fields read as one list, in order.
void request_parser::read_transfer_encoding(std::string_view value) {
  transfer_encoding_ = true;
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto element = trim(value.substr(0, comma));
    value.remove_prefix(comma == std::string_view::npos ? value.size() : comma + 1);
    if (element.empty()) continue;
    const auto semicolon = element.find(';');
    const auto coding = trim(element.substr(0, semicolon));
    if (te_ends_chunked_) te_after_chunked_ = true;
    // chunked takes no parameters: `chunked;x=1` is a coding we do not know.
    te_ends_chunked_ = semicolon == std::string_view::npos && iequals(coding, "chunked");
    if (!te_ends_chunked_) te_unknown_ = true;
  }
}

void request_parser::on_field_impl(http::field name, beast::string_view name_string,
                                   beast::string_view value, boost::system::error_code& ec) {
  if (is_header_done()) {  // a trailer field: counted, never read (it could not be trusted)
    count_extra(name_string.size() + value.size() + 4, ec);
    return;
  }
  switch (name) {
    case http::field::user_agent:
      req_.user_agent.assign(value.data(), value.size());
      break;
    case http::field::authorization:
      add_to_list(req_.authorization, value, ", ");
      break;
    case http::field::if_none_match:
      add_to_list(req_.if_none_match, value, ", ");
      break;
    case http::field::accept_encoding:
      add_to_list(req_.accept_encoding, value, ", ");
      break;
    case http::field::cookie:
      add_to_list(req_.cookie, value, "; ");  // RFC 6265 §5.4: one Cookie field, pairs joined by "; "
      break;
    case http::field::origin:
      add_to_list(req_.origin, value, ", ");  // two origins are no origin anybody lists
      break;
    case http::field::access_control_request_method:
      add_to_list(req_.access_control_request_method, value, ", ");
      break;
    case http::field::access_control_request_headers:
      add_to_list(req_.access_control_request_headers, value, ", ");
      break;
    case http::field::host:
      ++host_fields_;
      break;
    case http::field::unknown:
      if (name_string.size() == 9 && is_field(name_string, "x-api-key")) {
        if (++x_api_key_fields_ == 1)
          req_.x_api_key.assign(value.data(), value.size());
        else
          req_.x_api_key.clear();  // sent twice: which one is meant cannot be told
      }
      break;
    case http::field::content_length:
      content_length_ = true;
      break;
    case http::field::transfer_encoding:
      read_transfer_encoding(std::string_view(value.data(), value.size()));
      break;
    default:
      break;
  }
}

// RFC 9112 §6.1, §6.3 and §3.2: the framing rules whose breach lets a body pass for a second
// request (request smuggling), checked before a byte of the body is read.
void request_parser::on_header_impl(boost::system::error_code& ec) {
  if (transfer_encoding_) {
    if (req_.version < 11)
      return refuse(ec, http::status::bad_request, "Transfer-Encoding is not allowed in HTTP/1.0");
    if (content_length_)
      return refuse(ec, http::status::bad_request,
                    "Transfer-Encoding and Content-Length must not be sent together");
    if (te_after_chunked_ || !te_ends_chunked_)
      return refuse(ec, http::status::bad_request, "Transfer-Encoding must end with chunked");
  }
  if (req_.version >= 11 && host_fields_ != 1)
    return refuse(ec, http::status::bad_request,
                  host_fields_ == 0 ? "Missing Host header" : "More than one Host header");
  if (te_unknown_)
    return refuse(ec, http::status::not_implemented,
                  "Transfer coding not implemented (only chunked is)");
  // Beast reads the same field its own way; if it did not see `chunked` where we did, the
  // two would disagree on where the body ends.
  if (transfer_encoding_ && !chunked())
    return refuse(ec, http::status::bad_request, "Malformed Transfer-Encoding");
}

std::size_t request_parser::on_body_impl(beast::string_view body, boost::system::error_code&) {
  req_.body.append(body.data(), body.size());
  return body.size();
}

void request_parser::on_chunk_header_impl(std::uint64_t, beast::string_view extensions,
                                          boost::system::error_code& ec) {
  count_extra(extensions.size(), ec);
}

std::size_t request_parser::on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                               boost::system::error_code&) {
  req_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace detail

request_reader::request_reader(const limits& l)
    // The bound that keeps a connection's memory flat: a header (or a chunk line, or a
    // trailer) up to the limit, plus one read.
    : limits_(l), buffer_(l.max_header_bytes + read_chunk) {}

request_reader::~request_reader() = default;

request_reader::state request_reader::start(request& into) {
  into_ = &into;
  parser_.emplace(into, limits_.max_header_bytes);
  parser_->eager(true);
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits_.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(limits_.max_body_bytes);
  state_ = state::need_more;
  return parse();
}

net::mutable_buffer request_reader::prepare() {
  // parse() fails a request before the buffer holds max_header_bytes, so there is room.
  return buffer_.prepare(std::min(read_chunk, buffer_.max_size() - buffer_.size()));
}

request_reader::state request_reader::commit(std::size_t n) {
  buffer_.commit(n);
  return parse();
}

request_reader::state request_reader::parse() {
  if (state_ != state::need_more || buffer_.size() == 0) return state_;
  boost::system::error_code ec;
  buffer_.consume(parser_->put(buffer_.data(), ec));
  if (ec == http::error::need_more) {
    // Beast bounds the header itself, but keeps an unfinished chunk line or trailer buffered
    // with no bound at all: that is ours to cut off.
    if (buffer_.size() >= limits_.max_header_bytes) {
      error_status_ = http::status::request_header_fields_too_large;
      error_message_ = parser_->is_header_done() ? "Chunk extensions or trailer too large"
                                                 : "Request header too large";
      return state_ = state::failed;
    }
    return state_;
  }
  if (!ec) {
    if (!parser_->is_done()) return state_;
    into_->keep_alive = parser_->keep_alive();
    return state_ = state::complete;
  }
  if (parser_->verdict_status() != http::status::unknown) {
    error_status_ = parser_->verdict_status();
    error_message_ = parser_->verdict_message();
  } else if (ec == http::error::body_limit) {
    error_status_ = http::status::payload_too_large;
    error_message_ = {};  // error_answer() says the limit
  } else if (ec == http::error::header_limit) {
    error_status_ = http::status::request_header_fields_too_large;
    error_message_ = "Request header too large";
  } else {
    error_status_ = http::status::bad_request;
    error_message_ = "Malformed HTTP request";
  }
  return state_ = state::failed;
}

request_reader::state request_reader::eof() {
  if (state_ != state::need_more) return state_;
  // A request with neither Content-Length nor Transfer-Encoding is whole once its header is,
  // so an end of stream before that is a request cut short: nothing to answer.
  return state_ = state::closed;
}

bool request_reader::has_bytes() const {
  return buffer_.size() > 0 || (parser_ && parser_->got_some());
}

bool request_reader::header_done() const { return parser_ && parser_->is_header_done(); }

bool request_reader::keep_alive() const {
  return state_ == state::complete && parser_->keep_alive();
}

response request_reader::error_answer() const {
  auto res = error_response(error_status_,
                            error_status_ == http::status::payload_too_large
                                ? "Request body too large (limit " +
                                      std::to_string(limits_.max_body_bytes) + " bytes)"
                                : std::string(error_message_));
  res.keep_alive = false;
  return res;
}

}  // namespace uptime::http_api
