// Durations as users write them in the config ("90s", "15m", "25h", "7d", "1h30m", or a bare
// integer meaning seconds) and as messages show them ("24h", "1h 30m").
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace uptime::core {

// Either the parsed duration or a message saying what is wrong (for the config loader to
// prefix with file:line:col and the field). Negative and malformed values are errors here;
// whether zero is allowed is the caller's rule.
// Grammar: a bare integer (seconds), or components <digits><unit> with unit one of w, d, h,
// m, s (lowercase), largest first, each at most once, optionally separated by spaces. Values
// above ~100 years are refused, so any result can be added to a utc_time without overflow.
using duration_parse = std::variant<std::chrono::seconds, std::string>;
duration_parse parse_duration(std::string_view text);

// Shortest exact human form: 0 -> "0s", 90 -> "1m 30s", 86400 -> "24h", 7*86400 -> "7d",
// 25*3600 -> "25h" (hours are kept below 48h, as people say "36h", not "1d 12h").
std::string format_duration(std::chrono::seconds d);

}  // namespace uptime::core
