// Cron expression parsing and next-run computation in a time zone (see cron.hpp). The search
// walks local civil time field by field, then maps the local time found to UTC with the
// DST rules in cron.hpp; only find_zone touches the tz database files.
#include "core/cron.hpp"

#include <date/tz.h>

#include <array>
#include <cctype>
#include <charconv>
#include <exception>
#include <string>

namespace uptime::core {

std::string_view zone_name(const date::time_zone& tz) { return tz.name(); }


namespace {

using std::chrono::minutes;
using local_minutes = date::local_time<minutes>;

// ---- parsing ---------------------------------------------------------------------------

enum class field_names { none, months, weekdays };

struct field_spec {
  const char* name;  // as in messages: "minute field ..."
  int lo;
  int hi;
  field_names names;
};

constexpr std::array<field_spec, 5> fields{{
    {"minute", 0, 59, field_names::none},
    {"hour", 0, 23, field_names::none},
    {"day", 1, 31, field_names::none},
    {"month", 1, 12, field_names::months},
    {"weekday", 0, 7, field_names::weekdays},
}};

constexpr std::array<std::string_view, 12> month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> weekday_names{"sun", "mon", "tue", "wed",
                                                        "thu", "fri", "sat"};

// Built by appending: `"\"" + std::string(s)` trips GCC 12's -Wrestrict false positive at -O3.
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string range_text(const field_spec& f) {
  return std::to_string(f.lo) + "-" + std::to_string(f.hi);
}

// A value as written in a field: a number in the field's range, or a month/weekday name
// where the field has names. Either the value or a message.
std::variant<int, std::string> parse_value(const field_spec& f, std::string_view token) {
  if (f.names != field_names::none && !token.empty() &&
      std::isalpha(static_cast<unsigned char>(token.front()))) {
    const std::string lower = lowercase(token);
    if (f.names == field_names::months) {
      for (std::size_t i = 0; i < month_names.size(); ++i)
        if (lower == month_names[i]) return int(i) + 1;
      return "unknown month name " + quoted(token);
    }
    for (std::size_t i = 0; i < weekday_names.size(); ++i)
      if (lower == weekday_names[i]) return int(i);
    return "unknown weekday name " + quoted(token);
  }
  if (!all_digits(token)) {
    const char* hint = f.names == field_names::months     ? " or month name"
                       : f.names == field_names::weekdays ? " or weekday name"
                                                          : "";
    return std::string(f.name) + " field " + quoted(token) + " is not a number" + hint;
  }
  int value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc{} || end != token.data() + token.size() || value < f.lo || value > f.hi)
    return std::string(f.name) + " field " + quoted(token) + " is out of range " + range_text(f);
  return value;
}

// One comma-separated item of a field, setting its values in `bits` (indexed by value;
// weekday 7 lands on bit 7 and is folded to Sunday by the caller). Returns a message or "".
std::string parse_item(const field_spec& f, std::string_view item, std::bitset<64>& bits) {
  const std::string malformed = std::string(f.name) + " field " + quoted(item) +
                                " is not a number, range (1-5), list (1,5) or step (*/15)";
  std::string_view range = item;
  int step = 1;
  bool stepped = false;
  if (const auto slash = item.find('/'); slash != std::string_view::npos) {
    range = item.substr(0, slash);
    const std::string_view step_text = item.substr(slash + 1);
    int value = 0;
    const bool number =
        all_digits(step_text) &&
        std::from_chars(step_text.data(), step_text.data() + step_text.size(), value).ec ==
            std::errc{};
    if (!number || value < 1 || value > f.hi)
      return std::string(f.name) + " field " + quoted(item) + " has an invalid step " +
             quoted(step_text) + " (expected 1-" + std::to_string(f.hi) + ")";
    step = value;
    stepped = true;
  }
  int first = f.lo;
  int last = f.hi;
  if (range != "*") {
    const auto dash = range.find('-');
    const std::string_view start_text = range.substr(0, dash);
    if (start_text.empty() || start_text.find('*') != std::string_view::npos) return malformed;
    auto start = parse_value(f, start_text);
    if (auto* message = std::get_if<std::string>(&start)) return *message;
    first = std::get<int>(start);
    if (dash == std::string_view::npos) {
      // "5/10" is 5 through the maximum by 10 (cronie); a plain "5" is just 5.
      last = stepped ? f.hi : first;
    } else {
      const std::string_view end_text = range.substr(dash + 1);
      if (end_text.empty() || end_text.find_first_of("-*") != std::string_view::npos)
        return malformed;
      auto end = parse_value(f, end_text);
      if (auto* message = std::get_if<std::string>(&end)) return *message;
      last = std::get<int>(end);
      // "fri-sun" / "5-0": Sunday closing a weekday range is day 7, not day 0.
      if (f.names == field_names::weekdays && last == 0 && first > 0) last = 7;
      if (first > last)
        return std::string(f.name) + " field " + quoted(item) +
               " is a range whose start is after its end";
    }
  }
  for (int v = first; v <= last; v += step) bits.set(std::size_t(v));
  return {};
}

// A whole field: a comma list of items. Returns a message or "".
std::string parse_field(const field_spec& f, std::string_view text, std::bitset<64>& bits) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = text.find(',', pos);
    const std::string_view item = text.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    if (item.empty())
      return std::string(f.name) + " field " + quoted(text) + " has an empty list item";
    if (auto message = parse_item(f, item, bits); !message.empty()) return message;
    if (comma == std::string_view::npos) return {};
    pos = comma + 1;
  }
}

template <std::size_t N>
std::bitset<N> narrow(const std::bitset<64>& bits) {
  std::bitset<N> out;
  for (std::size_t i = 0; i < N; ++i) out[i] = bits[i];
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The 5-field expression a macro stands for, or nullptr.
const char* macro_expansion(std::string_view lower) {
  if (lower == "@hourly") return "0 * * * *";
  if (lower == "@daily" || lower == "@midnight") return "0 0 * * *";
  if (lower == "@weekly") return "0 0 * * 0";
  if (lower == "@monthly") return "0 0 1 * *";
  if (lower == "@yearly" || lower == "@annually") return "0 0 1 1 *";
  return nullptr;
}

cron_parse parse_fields(std::string_view expr, std::string original) {
  std::array<std::string_view, 5> texts;
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < expr.size()) {
    if (is_space(expr[pos])) {
      ++pos;
      continue;
    }
    std::size_t end = pos;
    while (end < expr.size() && !is_space(expr[end])) ++end;
    if (count < texts.size()) texts[count] = expr.substr(pos, end - pos);
    ++count;
    pos = end;
  }
  if (count != texts.size()) {
    std::string message = "expected 5 fields (minute hour day month weekday), got " +
                          std::to_string(count);
    if (count == 6 || count == 7) message += "; a seconds or year field is not supported";
    return message;
  }
  std::array<std::bitset<64>, 5> bits;
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (auto message = parse_field(fields[i], texts[i], bits[i]); !message.empty())
      return message;
  if (bits[4][7]) bits[4].set(0);  // 7 is Sunday too

  cron_schedule s;
  s.minutes = narrow<60>(bits[0]);
  s.hours = narrow<24>(bits[1]);
  s.days_of_month = narrow<32>(bits[2]);
  s.months = narrow<13>(bits[3]);
  s.days_of_week = narrow<7>(bits[4]);
  s.day_of_month_starred = texts[2].front() == '*';
  s.day_of_week_starred = texts[4].front() == '*';
  s.text = std::move(original);
  return s;
}

// ---- searching -------------------------------------------------------------------------

// The lowest set bit at or above `from`, or -1.
template <std::size_t N>
int next_set(const std::bitset<N>& bits, int from) {
  for (int i = from; i < int(N); ++i)
    if (bits[std::size_t(i)]) return i;
  return -1;
}

bool day_matches(const cron_schedule& s, const date::year_month_day& ymd) {
  const bool dom = s.days_of_month[unsigned(ymd.day())];
  const bool dow = s.days_of_week[date::weekday{date::sys_days{ymd}}.c_encoding()];
  if (!s.day_of_month_starred && !s.day_of_week_starred) return dom || dow;
  return dom && dow;
}

// The first local minute at or after `from` that the schedule matches, looking no further
// than the end of `last_year`. Each step moves to the next candidate of the coarsest field
// that does not match, so a year costs at most 12 month steps plus the days of the matching
// months, never a walk over minutes.
std::optional<local_minutes> next_local_match(const cron_schedule& s, local_minutes from,
                                              int last_year) {
  const auto from_day = date::floor<date::days>(from);
  const date::year_month_day start{from_day};
  int y = int(start.year());
  int mo = int(unsigned(start.month()));
  int d = int(unsigned(start.day()));
  const auto minute_of_day = (from - from_day).count();
  int h = int(minute_of_day / 60);
  int mi = int(minute_of_day % 60);

  while (y <= last_year) {
    if (!s.months[std::size_t(mo)]) {
      const int next = next_set(s.months, mo + 1);
      if (next < 0) {
        ++y;
        mo = next_set(s.months, 1);  // parse guarantees at least one month
      } else {
        mo = next;
      }
      d = 1, h = 0, mi = 0;
      continue;
    }
    const date::year_month_day ymd{date::year{y}, date::month{unsigned(mo)},
                                   date::day{unsigned(d)}};
    if (!ymd.ok()) {  // past the month's last day (the 31st of April, Feb 29 of 2025)
      if (++mo > 12) mo = 1, ++y;
      d = 1, h = 0, mi = 0;
      continue;
    }
    if (!day_matches(s, ymd)) {
      ++d, h = 0, mi = 0;
      continue;
    }
    if (!s.hours[std::size_t(h)]) {
      const int next = next_set(s.hours, h + 1);
      if (next < 0) {
        ++d, h = 0, mi = 0;
        continue;
      }
      h = next, mi = 0;
    }
    if (!s.minutes[std::size_t(mi)]) {
      const int next = next_set(s.minutes, mi + 1);
      if (next < 0) {
        mi = 0;
        if (++h == 24) ++d, h = 0;
        continue;
      }
      mi = next;
    }
    return local_minutes{date::local_days{ymd}} + std::chrono::hours{h} + minutes{mi};
  }
  return std::nullopt;
}

// Where a scheduled local time happens: a gap time at the transition that skipped it, a
// repeated time at its first occurrence (cron.hpp explains why).
utc_time instant_of(const date::time_zone& tz, local_minutes local) {
  const date::local_info info = tz.get_info(local);
  if (info.result == date::local_info::nonexistent) return utc_time{info.first.end};
  return utc_time{local.time_since_epoch() - info.first.offset};
}

// Feb 29 recurs 8 years apart around 2100 (2096 -> 2104).
constexpr int horizon_years = 8;

// A repeated local interval makes a candidate map to an instant before `after` (its first
// occurrence was earlier); each such candidate is at least a minute later than the last, so
// this bounds the retries by two days of minutes, far more than any zone has ever repeated.
constexpr int max_candidates = 2 * 24 * 60;

}  // namespace

cron_parse parse_cron(std::string_view expr) {
  const std::string_view trimmed = trim(expr);
  if (!trimmed.empty() && trimmed.front() == '@') {
    const std::string lower = lowercase(trimmed);
    if (lower == "@reboot")
      return std::string("\"@reboot\" runs only when the machine starts, so there is no time "
                         "to expect a push by; use an interval monitor instead");
    const char* expansion = macro_expansion(lower);
    if (!expansion)
      return "unknown schedule macro " + quoted(trimmed) +
             " (use @hourly, @daily, @weekly, @monthly or @yearly)";
    return parse_fields(expansion, std::string(trimmed));
  }
  return parse_fields(trimmed, std::string(trimmed));
}

std::optional<utc_time> next_run_after(const cron_schedule& s, const date::time_zone& tz,
                                       utc_time after) {
  // date::year holds -32767..32767; stay well inside it (and inside sane instants).
  constexpr utc_time earliest{date::sys_days{date::year{1} / 1 / 1}};
  constexpr utc_time latest{date::sys_days{date::year{9999} / 1 / 1}};
  if (after < earliest || after >= latest) return std::nullopt;

  const auto after_s = date::floor<std::chrono::seconds>(after);
  const auto local_after = tz.to_local(after_s);
  // Every local time up to the local time of `after` maps to an instant at or before
  // `after` (the mapping never goes backwards), so the search starts at the next minute.
  local_minutes candidate = date::floor<minutes>(local_after) + minutes{1};
  const int last_year =
      int(date::year_month_day{date::floor<date::days>(candidate)}.year()) + horizon_years;
  for (int i = 0; i < max_candidates; ++i) {
    const auto local = next_local_match(s, candidate, last_year);
    if (!local) return std::nullopt;
    const utc_time at = instant_of(tz, *local);
    if (at > after) return at;
    candidate = *local + minutes{1};
  }
  return std::nullopt;
}

const date::time_zone* find_zone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    const date::time_zone* zone = date::locate_zone(std::string(name));
    // The zone's file is read lazily on first use; read it now, not on a push.
    (void)zone->get_info(date::sys_seconds{});
    return zone;
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace uptime::core
