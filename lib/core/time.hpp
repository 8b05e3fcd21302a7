// Wall-clock instants (UTC) as the core sees them, and their ISO-8601 text form.
// Steady (timer) time is a different type on purpose: core/ never reads a clock; the shell
// reads it once per event and passes `utc_time` in.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace uptime::core {

using utc_time = std::chrono::sys_time<std::chrono::milliseconds>;
using std::chrono::seconds;

// "2025-01-15T10:30:00Z": UTC, whole seconds (the fraction is dropped, never rounded up).
std::string format_iso(utc_time t);

// The same text in a fixed buffer, for the push path (no allocation).
struct iso_text {
  std::array<char, 20> chars;
  std::string_view view() const { return {chars.data(), chars.size()}; }
};
iso_text format_iso_text(utc_time t);

// "2025-01-15T10:30:00.250Z": with milliseconds, for instants kept to the millisecond.
std::string format_iso_ms(utc_time t);

// Parses what format_iso and format_iso_ms write, and also a fraction ("…:00.250Z"), a "+00:00" suffix and
// SQLite's "YYYY-MM-DD HH:MM:SS" (taken as UTC). nullopt for anything else.
std::optional<utc_time> parse_iso(std::string_view text);

// The second `t` falls in: how an instant is shown (answers, the database, alerts). Instants
// are kept to the millisecond inside core/; only what is shown is cut to the second.
inline utc_time floor_to_second(utc_time t) { return std::chrono::floor<seconds>(t); }

// The second at or after `t`: how a deadline is kept and shown, so that the one shown (whole
// seconds) is the one enforced and neither is before the instant it was counted to.
inline utc_time ceil_to_second(utc_time t) { return std::chrono::ceil<seconds>(t); }

// The last millisecond of the second `t` falls in. A time read back from whole-second text
// (the database) stands for an instant somewhere in that second; a deadline counted from this
// one is never early, whatever fraction was cut off when it was written.
inline utc_time latest_in_second(utc_time t) {
  return std::chrono::floor<seconds>(t) + std::chrono::milliseconds{999};
}

}  // namespace uptime::core
