// An alert as JSON text: how the outbox keeps it across restarts, so a retried alert sends the
// same words (and the same alert_id) as its first attempt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "notify/alert.hpp"

namespace uptime::notify {

// Always text that alert_from_json reads back: a text that is not valid UTF-8 is repaired
// (U+FFFD for each ill-formed sequence) rather than written unreadable.
std::string to_json(const alert& a);
std::optional<alert> alert_from_json(std::string_view text);  // nullopt if malformed
std::optional<alert_event> parse_event(std::string_view text);

// A new random alert id in UUID form (version 4), from the CSPRNG.
std::string new_alert_id();

}  // namespace uptime::notify
