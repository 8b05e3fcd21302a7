// Shared by the render tests: sample alerts at explicit instants, channels built as the config
// loader builds them, and small independent readers for what renderers produce (JSON bodies,
// RFC 5322 messages, Base64, quoted-printable, RFC 2047 encoded-words), so that a test checks
// a payload the way its receiver would read it rather than by comparing strings.
#pragma once

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "notify/alert.hpp"

namespace render_support {

using namespace uptime;
using namespace uptime::notify;

inline core::utc_time at(std::string_view iso) {
  auto t = core::parse_iso(iso);
  REQUIRE(t);
  return *t;
}

// "Daily Backup Job" missed its deadline: DOWN at 10:30, last push the day before.
inline alert down_alert() {
  alert a;
  a.alert_id = "6f1c2a9e-1b2c-4d5e-8f90-123456789abc";
  a.event = alert_event::down;
  a.monitor_id = 5;
  a.monitor_name = "Daily Backup Job";
  a.monitor_group = "backups";
  a.status = "down";
  a.previous_status = "up";
  a.message = "no push received by 2025-01-15T10:30:00Z (expected every 24h, grace 1h)";
  a.occurred_at = at("2025-01-15T10:30:00Z");
  a.last_push_at = at("2025-01-14T09:30:12Z");
  a.next_expected_by = at("2025-01-15T10:30:00Z");
  a.push_host = "status.example.com";
  return a;
}

// The same monitor recovering with a push that says how long the run took.
inline alert up_alert() {
  alert a = down_alert();
  a.alert_id = "0d7c6b5a-4938-4271-8a6b-5c4d3e2f1a0b";
  a.event = alert_event::up;
  a.status = "up";
  a.previous_status = "down";
  a.message = "backup finished: 42 GB";
  a.occurred_at = at("2025-01-15T11:02:07Z");
  a.last_push_at = at("2025-01-15T11:02:07Z");
  a.next_expected_by = at("2025-01-16T12:02:07Z");
  a.duration_seconds = 754.25;
  return a;
}

inline alert with_event(alert a, alert_event e) {
  a.event = e;
  return a;
}

inline channel make_channel(std::string type, std::map<std::string, std::string> fields) {
  return channel{"ch-" + type, std::move(type), std::move(fields)};
}

// Renders, failing the test with the renderer's message if it refused.
inline outbound rendered(const channel& ch, const alert& a, core::utc_time now = at("2025-01-15T10:30:05Z")) {
  auto r = render(ch, a, now);
  if (auto* message = std::get_if<std::string>(&r)) FAIL("render refused: " << *message);
  return std::get<outbound>(r);
}

inline http_request rendered_http(const channel& ch, const alert& a) {
  auto o = rendered(ch, a);
  REQUIRE(std::holds_alternative<http_request>(o));
  return std::get<http_request>(o);
}

inline email rendered_email(const channel& ch, const alert& a,
                            core::utc_time now = at("2025-01-15T10:30:05Z")) {
  auto o = rendered(ch, a, now);
  REQUIRE(std::holds_alternative<email>(o));
  return std::get<email>(o);
}

inline boost::json::object json_body(const http_request& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  INFO(r.body);
  REQUIRE_FALSE(ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

// A JSON string's text (fails the test if `v` is not a string); json::value does not compare
// with std::string.
inline std::string text(const boost::json::value& v) {
  REQUIRE(v.is_string());
  return std::string(v.get_string());
}

// The value of the first header named `name` (case-insensitive), or "" if none.
inline std::string header(const http_request& r, std::string_view name) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  for (const auto& [n, v] : r.headers) {
    if (lower(n) == lower(name)) return v;
  }
  return "";
}

inline std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  unsigned buffer = 0;
  for (const char c : in) {
    const int v = value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// Decodes every "=?UTF-8?B?…?=" word; whitespace between adjacent encoded-words is dropped
// (RFC 2047 6.2), other text is kept.
inline std::string decode_words(std::string_view text) {
  std::string out;
  std::string pending_space;
  bool previous_was_word = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i).starts_with("=?UTF-8?B?") || text.substr(i).starts_with("=?utf-8?b?")) {
      const std::size_t end = text.find("?=", i + 10);
      REQUIRE(end != std::string_view::npos);
      if (!previous_was_word) out += pending_space;
      pending_space.clear();
      out += base64_decode(text.substr(i + 10, end - i - 10));
      i = end + 2;
      previous_was_word = true;
    } else if (text[i] == ' ' || text[i] == '\t') {
      pending_space += text[i++];
    } else {
      out += pending_space;
      pending_space.clear();
      out += text[i++];
      previous_was_word = false;
    }
  }
  return out + pending_space;
}

inline std::string quoted_printable_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && in.substr(i + 1).starts_with("\r\n")) {
      i += 2;  // soft line break
    } else if (in[i] == '=' && i + 2 < in.size()) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

// An RFC 5322 message read back: unfolded headers in order, and the raw body.
struct parsed_message {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string get(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    FAIL("no " << name << " header");
    return "";
  }
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& h : headers) n += h.first == name ? 1 : 0;
    return n;
  }
};

// Also checks the framing every message must have: CRLF line ends only, lines within 998 bytes.
inline parsed_message parse_message(std::string_view m) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') REQUIRE((i > 0 && m[i - 1] == '\r'));
    if (m[i] == '\r') REQUIRE((i + 1 < m.size() && m[i + 1] == '\n'));
  }
  REQUIRE(m.ends_with("\r\n"));
  std::size_t line_start = 0;
  while (line_start < m.size()) {
    const std::size_t end = m.find("\r\n", line_start);
    CHECK(end - line_start <= 998);
    line_start = end + 2;
  }
  const std::size_t split = m.find("\r\n\r\n");
  REQUIRE(split != std::string_view::npos);
  parsed_message p;
  p.body = std::string(m.substr(split + 4));
  std::string_view head = m.substr(0, split + 2);
  std::size_t i = 0;
  while (i < head.size()) {
    std::size_t end = head.find("\r\n", i);
    std::string line(head.substr(i, end - i));
    i = end + 2;
    if (line.front() == ' ' || line.front() == '\t') {
      REQUIRE_FALSE(p.headers.empty());
      p.headers.back().second += line;  // unfold: CRLF removed, the space kept
      continue;
    }
    const std::size_t colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    p.headers.emplace_back(line.substr(0, colon), value);
  }
  return p;
}

}  // namespace render_support
