// ISO-8601 formatting and parsing for utc_time (see time.hpp).
#include "core/time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace uptime::core {

namespace {
// Writes `v` as exactly `width` digits at `out` (v is known to fit).
void put_digits(char* out, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
}
}  // namespace

// By hand: this runs several times per push, and snprintf cost more than the rest of it.
iso_text format_iso_text(utc_time t) {
  const auto secs = std::chrono::floor<seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const auto in_day = static_cast<unsigned>((secs - day).count());
  iso_text out;  // YYYY-MM-DDTHH:MM:SSZ
  char* p = out.chars.data();
  // The date is the costly part, and nearly every call on a thread is for the same day.
  thread_local std::chrono::sys_days cached_day{std::chrono::days::min()};
  thread_local std::array<char, 10> cached_date{};
  if (day != cached_day) {
    const std::chrono::year_month_day ymd{day};
    char* d = cached_date.data();
    const int year = int(ymd.year());
    put_digits(d, static_cast<unsigned>(year < 0 ? 0 : year > 9999 ? 9999 : year), 4);
    d[4] = '-';
    put_digits(d + 5, unsigned(ymd.month()), 2);
    d[7] = '-';
    put_digits(d + 8, unsigned(ymd.day()), 2);
    cached_day = day;
  }
  std::copy(cached_date.begin(), cached_date.end(), p);
  p[10] = 'T';
  put_digits(p + 11, in_day / 3600, 2);
  p[13] = ':';
  put_digits(p + 14, in_day / 60 % 60, 2);
  p[16] = ':';
  put_digits(p + 17, in_day % 60, 2);
  p[19] = 'Z';
  return out;
}

std::string format_iso(utc_time t) { return std::string(format_iso_text(t).view()); }

std::string format_iso_ms(utc_time t) {
  const auto millis = static_cast<unsigned>((t - std::chrono::floor<seconds>(t)).count());
  std::string text = format_iso(t);
  text.back() = '.';
  text.resize(24);
  put_digits(text.data() + 20, millis, 3);
  text[23] = 'Z';
  return text;
}

namespace {
bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}
}  // namespace

std::optional<utc_time> parse_iso(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 19 || !read_int(s, 0, 4, y) || s[4] != '-' || !read_int(s, 5, 2, mo) ||
      s[7] != '-' || !read_int(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') ||
      !read_int(s, 11, 2, h) || s[13] != ':' || !read_int(s, 14, 2, mi) || s[16] != ':' ||
      !read_int(s, 17, 2, se))
    return std::nullopt;
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  const std::string_view rest = s.substr(pos);
  if (!(rest.empty() || rest == "Z" || rest == "+00:00")) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  return utc_time{std::chrono::sys_days{ymd}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + seconds{se} + std::chrono::milliseconds{millis};
}

}  // namespace uptime::core
