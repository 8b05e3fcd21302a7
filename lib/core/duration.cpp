// Parsing and formatting of durations as users write them ("90s", "15m", "1h 30m", "7d", or a
// bare integer meaning seconds). Pure text handling: no locale, no clock, no I/O. The accepted
// grammar is deliberately narrow (lowercase units, largest unit first, each unit at most once)
// so that a typo such as "1m1m" or "15M" is an error rather than a surprising interval.
#include "core/duration.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace uptime::core {
namespace {

// ~100 years: far beyond any sensible interval, and small enough that adding two of them to a
// time_point in milliseconds can never overflow.
constexpr std::int64_t max_seconds = std::int64_t{100} * 366 * 86400;

struct unit {
  char letter;
  std::int64_t seconds;
};
// Largest first: components must appear in this order.
constexpr std::array<unit, 5> units{{{'w', 7 * 86400}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

enum class parse_status { ok, malformed, too_long };

// Parses a non-negative duration (no sign) into `out`.
parse_status parse_unsigned(std::string_view s, std::int64_t& out) {
  if (s.empty()) return parse_status::malformed;
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index into `units` of the largest unit still allowed
  std::size_t i = 0;
  bool first = true;
  while (i < s.size()) {
    if (!first) {
      while (i < s.size() && is_space(s[i])) ++i;
    }
    if (i == s.size() || !is_digit(s[i])) return parse_status::malformed;
    std::int64_t n = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      n = n * 10 + (s[i] - '0');
      if (n > max_seconds) return parse_status::too_long;
    }
    if (i == s.size()) {
      // A bare integer means seconds, but only on its own: "1m30" is more likely a mistake.
      if (!first) return parse_status::malformed;
      out = n;
      return parse_status::ok;
    }
    std::size_t u = next_unit;
    while (u < units.size() && units[u].letter != s[i]) ++u;
    if (u == units.size()) return parse_status::malformed;  // unknown unit, or out of order
    ++i;
    next_unit = u + 1;
    if (n > (max_seconds - total) / units[u].seconds) return parse_status::too_long;
    total += n * units[u].seconds;
    first = false;
  }
  out = total;
  return parse_status::ok;
}

}  // namespace

duration_parse parse_duration(std::string_view text) {
  const std::string_view s = trim(text);
  const bool negative = !s.empty() && s.front() == '-';
  std::int64_t value = 0;
  switch (parse_unsigned(negative ? trim(s.substr(1)) : s, value)) {
    case parse_status::ok:
      if (negative) return fmt::format("must be a positive duration, got {}", s);
      return std::chrono::seconds{value};
    case parse_status::too_long:
      return fmt::format("must be at most 100 years, got \"{}\"", s);
    case parse_status::malformed:
      break;
  }
  return fmt::format("must be a duration like 90s, 15m, 25h or 7d, got \"{}\"", s);
}

std::string format_duration(std::chrono::seconds d) {
  std::int64_t s = d.count();
  if (s == 0) return "0s";
  std::string out;
  // Work on the magnitude as unsigned so that the most negative value does not overflow.
  std::uint64_t rest = s < 0 ? 0 - static_cast<std::uint64_t>(s) : static_cast<std::uint64_t>(s);
  if (s < 0) out += '-';
  auto append = [&out](std::uint64_t n, char letter) {
    if (n == 0) return;
    if (!out.empty() && out.back() != '-') out += ' ';
    out += fmt::format("{}{}", n, letter);
  };
  // Below 48h people say "36h", not "1d 12h".
  if (rest >= 48 * 3600) {
    append(rest / 86400, 'd');
    rest %= 86400;
  }
  append(rest / 3600, 'h');
  rest %= 3600;
  append(rest / 60, 'm');
  append(rest % 60, 's');
  return out;
}

}  // namespace uptime::core
