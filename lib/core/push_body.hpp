// What a push's optional body says: `{"status": …, "message": …, "details": {…}}`, read
// whatever the Content-Type (curl -d sends form encoding). Pure: text in, report or error out.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/monitor.hpp"

namespace uptime::core {

// Longest message kept with a push (in the history and as a DOWN reason); the full body is
// kept separately as the payload.
inline constexpr std::size_t max_message_chars = 1000;

struct push_body_error {
  std::string message;  // for the 400 JSON answer
};

// A JSON object: status error|fail|failure|down is a failure, its message the reason.
// Anything else that is not a JSON object (text, invalid JSON, an empty body) is a success
// whose message is the text — unless require_payload, which makes it a push_body_error.
std::variant<push_report, push_body_error> parse_push_body(std::string_view body,
                                                           bool require_payload);

}  // namespace uptime::core
