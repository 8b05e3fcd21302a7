// Reading a push's body (see push_body.hpp).
#include "core/push_body.hpp"

#include <boost/json.hpp>

namespace uptime::core {

namespace {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Cuts at max_message_chars without splitting a UTF-8 sequence.
std::string cap(std::string_view s) {
  if (s.size() <= max_message_chars) return std::string(s);
  std::size_t n = max_message_chars;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "…";
}

}  // namespace

std::variant<push_report, push_body_error> parse_push_body(std::string_view body,
                                                           bool require_payload) {
  const auto text = trim(body);
  boost::system::error_code ec;
  const auto value = text.empty() ? boost::json::value() : boost::json::parse(text, ec);
  if (text.empty() || ec || !value.is_object()) {
    if (require_payload)
      return push_body_error{
          text.empty() ? "This monitor requires a JSON object body, e.g. {\"status\":\"ok\"}"
                       : "The body must be a JSON object, e.g. {\"status\":\"ok\"}"};
    return push_report{push_signal::success, cap(text), std::nullopt, {}};
  }
  const auto& obj = value.as_object();
  push_report report;
  if (const auto* status = obj.if_contains("status")) {
    if (status->is_string() && is_failure_status(status->get_string()))
      report.signal = push_signal::failure;
  }
  if (const auto* message = obj.if_contains("message")) {
    report.message = message->is_string() ? cap(message->get_string())
                                          : cap(boost::json::serialize(*message));
  }
  return report;
}

}  // namespace uptime::core
