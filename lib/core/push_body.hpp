// What a push says: its optional body (`{"status": …, "message": …, "details": {…}}`, read
// whatever the Content-Type, as curl -d sends form encoding), the signal in its path (start,
// fail, log, an exit code) and its query (?rid= and Uptime Kuma's ?status=&msg=&ping=).
// Pure: text in, report or error out.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/monitor.hpp"

namespace uptime::core {

// Longest message kept with a push (in the history and as a DOWN reason); the full body is
// kept separately as the payload. Every message these functions return is valid UTF-8 (ill-formed
// sequences replaced with U+FFFD) and at most this many bytes plus the "…" that marks a cut.
inline constexpr std::size_t max_message_chars = 1000;

struct push_body_error {
  std::string message;  // for the 400 JSON answer
};

// A JSON object: status error|fail|failure|down is a failure, its message the reason.
// Anything else that is not a JSON object (text, invalid JSON, an empty body) is a success
// whose message is the text — unless require_payload, which makes it a push_body_error.
std::variant<push_report, push_body_error> parse_push_body(std::string_view body,
                                                           bool require_payload);

// Everything a push request carries that decides what it means.
struct push_request_parts {
  std::string_view signal;  // the path segment after the key: "", start, fail, log, or 0-255
  std::string_view body;
  std::vector<std::pair<std::string, std::string>> query;  // decoded ?name=value pairs
  bool require_payload = false;
};

// The push's report, or a 400 error: an unknown signal, an exit code over 255, a `rid` that is
// not a UUID, or (require_payload) a finish without a JSON object body. A failure named by any
// part (the path, the body's status, Kuma's status=down) makes the push a failure.
std::variant<push_report, push_body_error> read_push(const push_request_parts& parts);

// 8-4-4-4-12 hexadecimal digits, any case.
bool is_uuid(std::string_view text);

}  // namespace uptime::core
