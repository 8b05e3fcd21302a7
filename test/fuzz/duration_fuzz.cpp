// Fuzz target for durations (core/duration.hpp). Any text either parses or gives a message,
// and what parses round-trips: format_duration of a parsed value parses back to that value
// (check-config and the listings show durations with format_duration, so a value copied from
// there into the config must mean what was shown). The input's first 8 bytes, read as a count
// of seconds, also go through format_duration: every int64 formats, and every value the parser
// can produce (0 to 100 years) parses back; a negative one never parses.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <variant>

#include "core/duration.hpp"
#include "support.hpp"

namespace {

using uptime::core::format_duration;
using uptime::core::parse_duration;
using uptime::fuzz::require;

// The parser's limit (duration.hpp: "values above ~100 years are refused").
constexpr std::int64_t max_seconds = std::int64_t{100} * 366 * 86400;

void require_round_trip(std::chrono::seconds value) {
  const std::string shown = format_duration(value);
  const auto again = parse_duration(shown);
  const auto* s = std::get_if<std::chrono::seconds>(&again);
  require(s != nullptr, "a formatted duration parses", shown);
  require(*s == value, "a formatted duration parses to the value it shows", shown);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_duration(text);
  if (const auto* s = std::get_if<std::chrono::seconds>(&parsed)) {
    require(s->count() >= 0, "a parsed duration is not negative", text);
    require(s->count() <= max_seconds, "a parsed duration is at most 100 years", text);
    require_round_trip(*s);
  } else {
    require(!std::get<std::string>(parsed).empty(), "a refused duration has a message", text);
  }

  if (size >= sizeof(std::int64_t)) {
    std::int64_t n = 0;
    std::memcpy(&n, data, sizeof n);
    const std::string shown = format_duration(std::chrono::seconds{n});
    require(!shown.empty(), "every duration formats to some text", text);
    if (n >= 0 && n <= max_seconds) {
      require_round_trip(std::chrono::seconds{n});
    } else if (n < 0) {
      require(!std::holds_alternative<std::chrono::seconds>(parse_duration(shown)),
              "a negative duration's text does not parse", shown);
    }
  }
  return 0;
}
