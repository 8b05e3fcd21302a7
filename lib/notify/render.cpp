// render(): checks a channel against core/channel_schema, completes it with its defaults and
// hands it to its type's renderer (channels/<type>.cpp). Also what every channel says — the
// headline and the details a person reads at 3 am — and the text helpers the renderers share
// (UTF-8 repair and truncation, Base64, RFC 2047 encoded-words). Pure: nothing here does I/O.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/channel_schema.hpp"
#include "core/duration.hpp"
#include "core/text.hpp"
#include "notify/alert.hpp"
#include "notify/detail/channels.hpp"

namespace uptime::notify {
namespace json = boost::json;

std::string_view to_string(alert_event e) {
  switch (e) {
    case alert_event::down:
      return "down";
    case alert_event::up:
      return "up";
    case alert_event::reminder:
      return "reminder";
    case alert_event::test:
      return "test";
  }
  return "down";
}

namespace detail {
namespace {

std::string monitor_label(const alert& a) {
  if (!a.monitor_name.empty()) return one_line(valid_utf8(a.monitor_name));
  if (a.monitor_id != 0) return fmt::format("monitor #{}", a.monitor_id);
  return "uptime-monitor";
}

std::string state_word(std::string_view status) {
  if (status.empty()) return "UNKNOWN";
  std::string out(status);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string format_run_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return fmt::format("{}s", seconds);
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  return core::format_duration(std::chrono::seconds(std::llround(std::min(seconds, 1e12))));
}

// The length of the valid UTF-8 character at s[i], or 0 if there is none.
std::size_t valid_char_at(std::string_view s, std::size_t i) { return core::utf8_sequence_length(s.substr(i)); }

constexpr std::string_view ellipsis = "…";  // 3 bytes, 1 UTF-16 unit

// Cuts valid UTF-8 `s` so that the kept characters cost at most `budget` (per `cost`), then
// appends the ellipsis when anything was cut; the ellipsis costs `ellipsis_cost`.
template <typename Cost>
std::string truncate_by(std::string_view s, std::size_t budget, std::size_t ellipsis_cost, Cost cost) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = std::max<std::size_t>(1, valid_char_at(s, i));
    total += cost(n);
    i += n;
  }
  if (total <= budget) return std::string(s);
  if (budget < ellipsis_cost) return std::string();
  std::size_t used = 0;
  std::size_t end = 0;
  while (end < s.size()) {
    const std::size_t n = std::max<std::size_t>(1, valid_char_at(s, end));
    if (used + cost(n) + ellipsis_cost > budget) break;
    used += cost(n);
    end += n;
  }
  std::string out(s.substr(0, end));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  out += ellipsis;
  return out;
}

alert cleaned(const alert& a) {
  alert c = a;
  c.monitor_name = valid_utf8(a.monitor_name);
  c.monitor_group = valid_utf8(a.monitor_group);
  c.monitor_type = valid_utf8(a.monitor_type);
  c.status = valid_utf8(a.status);
  c.previous_status = valid_utf8(a.previous_status);
  c.message = valid_utf8(a.message);
  c.push_host = valid_utf8(a.push_host);
  c.alert_id = valid_utf8(a.alert_id);
  return c;
}

}  // namespace

summary summarize(const alert& a) {
  summary s;
  const std::string name = monitor_label(a);
  const std::string since = human_time(a.occurred_at);
  const std::string state = state_word(a.status);
  switch (a.event) {
    case alert_event::down:
      s.intro = fmt::format("{} is DOWN since {}.", name, since);
      break;
    case alert_event::up:
      s.intro = a.previous_status == "down" ? fmt::format("{} is UP again since {}.", name, since)
                                            : fmt::format("{} is UP since {}.", name, since);
      break;
    case alert_event::reminder:
      s.intro = fmt::format("{} is still DOWN, since {}.", name, since);
      break;
    case alert_event::test:
      s.intro = "This is a test notification from uptime-monitor: if you can read it, this channel works.";
      break;
  }

  auto fact = [&](std::string label, std::string value) {
    s.facts.emplace_back(std::move(label), std::move(value));
  };
  if (a.monitor_id != 0) {
    fact("Monitor", fmt::format("{} (#{})", name, a.monitor_id));
  } else if (!a.monitor_name.empty()) {
    fact("Monitor", name);
  }
  if (!a.monitor_group.empty()) fact("Group", one_line(valid_utf8(a.monitor_group)));
  if (!a.status.empty()) {
    std::string value = state;
    if (!a.previous_status.empty() && a.previous_status != a.status) {
      value += fmt::format(" (was {})", state_word(a.previous_status));
    }
    fact("State", std::move(value));
  }
  if (!a.message.empty()) fact(is_problem(a) ? "Reason" : "Message", one_line(valid_utf8(a.message)));
  if (a.last_push_at) {
    fact("Last push", human_time(*a.last_push_at));
  } else if (is_problem(a)) {
    fact("Last push", "none received yet");
  }
  if (a.next_expected_by) fact("Push expected by", human_time(*a.next_expected_by));
  if (a.duration_seconds) fact("Run took", format_run_duration(*a.duration_seconds));
  if (!a.push_host.empty()) fact("Push URL host", one_line(valid_utf8(a.push_host)));
  return s;
}

std::string human_time(core::utc_time t) {
  std::string iso = core::format_iso(t);  // "2025-01-15T10:30:00Z"
  if (iso.size() == 20) {
    iso[10] = ' ';
    iso.pop_back();
  }
  return iso + " UTC";
}

json::value iso_or_null(const std::optional<core::utc_time>& t) {
  return t ? json::value(core::format_iso(*t)) : json::value(nullptr);
}

json::object alert_document(const alert& a) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); };
  json::object doc;
  doc["event"] = to_string(a.event);
  doc["monitor"] = json::object{{"id", a.monitor_id},
                                {"name", a.monitor_name},
                                {"group", text_or_null(a.monitor_group)},
                                {"type", a.monitor_type}};
  doc["status"] = text_or_null(a.status);
  doc["previous_status"] = text_or_null(a.previous_status);
  doc["message"] = a.message;
  doc["occurred_at"] = core::format_iso(a.occurred_at);
  doc["last_push_at"] = iso_or_null(a.last_push_at);
  doc["next_expected_by"] = iso_or_null(a.next_expected_by);
  doc["alert_id"] = a.alert_id;
  if (a.duration_seconds && std::isfinite(*a.duration_seconds)) doc["duration_seconds"] = *a.duration_seconds;
  return doc;
}

std::string valid_utf8(std::string_view s) { return core::to_valid_utf8(s); }

std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string truncate_bytes(std::string_view s, std::size_t max_bytes) {
  return truncate_by(s, max_bytes, ellipsis.size(), [](std::size_t n) { return n; });
}

std::string truncate_chars(std::string_view s, std::size_t max_units) {
  return truncate_by(s, max_units, 1, [](std::size_t n) -> std::size_t { return n == 4 ? 2 : 1; });
}

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::vector<std::string> encoded_words(std::string_view text, std::size_t max_bytes) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = start;
    while (end < text.size()) {
      const std::size_t n = std::max<std::size_t>(1, valid_char_at(text, end));
      if (end + n - start > max_bytes && end > start) break;
      end += n;
    }
    words.push_back(fmt::format("=?UTF-8?B?{}?=", base64(text.substr(start, end - start))));
    start = end;
  }
  return words;
}

std::string header_value(std::string_view text) {
  const std::string line = one_line(text);
  if (is_ascii(line)) return line;
  std::string out;
  for (const std::string& word : encoded_words(line, 45)) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return fmt::format("{}/{}", base, path);
}

}  // namespace detail

std::string headline(const alert& a) {
  const std::string name = detail::monitor_label(a);
  switch (a.event) {
    case alert_event::down:
      return fmt::format("[DOWN] {}", name);
    case alert_event::up:
      return fmt::format("[UP] {}", name);
    case alert_event::reminder:
      return fmt::format("[REMINDER] {} is still DOWN", name);
    case alert_event::test:
      if (a.monitor_name.empty() && a.monitor_id == 0) return "[TEST] uptime-monitor notification test";
      return fmt::format("[TEST] {}", name);
  }
  return name;
}

std::string details(const alert& a) {
  const detail::summary s = detail::summarize(a);
  std::string out = s.intro;
  out += '\n';
  if (!s.facts.empty()) out += '\n';
  for (const auto& [label, value] : s.facts) out += fmt::format("{}: {}\n", label, value);
  return out;
}

std::variant<outbound, std::string> render(const channel& ch, const alert& a, core::utc_time now) {
  const core::channel_type_spec* spec = core::find_channel_type(ch.type);
  if (spec == nullptr) {
    return fmt::format("channel \"{}\": unknown type \"{}\", expected one of {}", ch.name, ch.type,
                       core::channel_type_names());
  }
  if (const auto problems = core::check_channel(*spec, ch.fields); !problems.empty()) {
    std::string message = fmt::format("channel \"{}\" ({}):", ch.name, ch.type);
    for (const auto& p : problems) message += fmt::format(" {}: {};", p.field, p.message);
    message.pop_back();
    return message;
  }
  channel complete = ch;
  core::apply_defaults(*spec, complete.fields);
  const alert clean = detail::cleaned(a);

  using renderer = detail::rendered (*)(const channel&, const alert&);
  static constexpr std::pair<std::string_view, renderer> http_renderers[] = {
      {"webhook", &detail::render_webhook},    {"slack", &detail::render_slack},
      {"discord", &detail::render_discord},    {"teams", &detail::render_teams},
      {"telegram", &detail::render_telegram},  {"ntfy", &detail::render_ntfy},
      {"gotify", &detail::render_gotify},      {"pushover", &detail::render_pushover},
      {"pagerduty", &detail::render_pagerduty}};
  // A CA bundle for a self-hosted server goes with whatever the type renders.
  const auto with_ca = [&](detail::rendered r) -> std::variant<outbound, std::string> {
    if (auto* out = std::get_if<outbound>(&r)) {
      const std::string ca = complete.field("ca_file");
      std::visit([&](auto& what) { what.ca_file = ca; }, *out);
    }
    return r;
  };
  if (ch.type == "email") return with_ca(detail::render_email(complete, clean, now));
  for (const auto& [type, render_type] : http_renderers) {
    if (type == ch.type) return with_ca(render_type(complete, clean));
  }
  return fmt::format("channel \"{}\": type \"{}\" has no renderer", ch.name, ch.type);
}

}  // namespace uptime::notify
