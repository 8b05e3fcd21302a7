// The e-mail channel: an RFC 5322 message (CRLF line ends, every line within 998 bytes and,
// where we choose, 76) plus the SMTP envelope for the transport. Header addresses keep their
// display names ("Uptime <alerts@example.com>"); the envelope (`email.from`, `email.to`) has
// the bare addresses, as SMTP's MAIL FROM / RCPT TO need. Non-ASCII text goes as RFC 2047
// encoded-words in headers and quoted-printable in the body, never as raw 8-bit, which servers
// without 8BITMIME would mangle. Dot-stuffing is the transport's (libcurl does it).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/channel_schema.hpp"
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

// RFC 5322 2.1.1 asks for 78; RFC 2047 for 76 on lines holding encoded-words: 76 suits both.
constexpr std::size_t soft_line_limit = 76;
// 39 bytes -> 52 Base64 characters -> a 64-character encoded-word, so "Subject: " plus one word
// stays within RFC 2047's 76-character lines.
constexpr std::size_t encoded_word_bytes = 39;

// "Wed, 15 Jan 2025 10:30:00 +0000" (RFC 5322 3.3), always in UTC.
std::string rfc5322_date(core::utc_time t) {
  static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{secs - day};
  const std::chrono::weekday wd{day};
  return fmt::format("{}, {} {} {:04} {:02}:{:02}:{:02} +0000", weekdays[wd.c_encoding()],
                     static_cast<unsigned>(ymd.day()), months[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()), hms.hours().count(), hms.minutes().count(),
                     hms.seconds().count());
}

// "Name: words" folded at spaces so lines stay within 76 characters where a space allows.
// nullopt if some word is too long for a 998-byte line (the caller then uses encoded-words).
std::optional<std::string> fold_plain(std::string_view name, std::string_view value) {
  std::string out = fmt::format("{}:", name);
  std::size_t line_length = out.size();
  std::size_t start = 0;
  bool first = true;
  while (start <= value.size()) {
    const std::size_t space = std::min(value.find(' ', start), value.size());
    const std::string_view word = value.substr(start, space - start);
    if (word.size() + 1 > 997) return std::nullopt;
    if (!first && line_length + 1 + word.size() > soft_line_limit) {
      out += "\r\n";
      line_length = 0;
    }
    out += ' ';
    out += word;
    line_length += 1 + word.size();
    first = false;
    start = space + 1;
  }
  return out + "\r\n";
}

// An unstructured header (Subject): plain when it is ASCII, else encoded-words, one per line.
std::string unstructured_header(std::string_view name, std::string_view value) {
  const std::string line = one_line(value);
  if (is_ascii(line)) {
    if (auto folded = fold_plain(name, line)) return *folded;
  }
  std::string out = fmt::format("{}:", name);
  bool first = true;
  for (const std::string& word : encoded_words(line, encoded_word_bytes)) {
    out += first ? " " : "\r\n ";
    out += word;
    first = false;
  }
  return out + "\r\n";
}

bool is_atext_or_space(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// A mailbox for a header: "addr", "Name <addr>", "\"Name, Inc.\" <addr>" or
// "=?UTF-8?B?…?= <addr>".
std::string header_mailbox(const core::mailbox& m) {
  const std::string name = one_line(m.display_name);
  if (name.empty()) return m.address;
  if (!is_ascii(name)) {
    std::string words;
    for (const std::string& word : encoded_words(name, encoded_word_bytes)) {
      if (!words.empty()) words += ' ';
      words += word;
    }
    return fmt::format("{} <{}>", words, m.address);
  }
  if (std::all_of(name.begin(), name.end(), is_atext_or_space))
    return fmt::format("{} <{}>", name, m.address);
  std::string quoted;
  for (const char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return fmt::format("\"{}\" <{}>", quoted, m.address);
}

// "To: a, b, c" folded after commas when a line would pass 76 characters. Mailboxes may hold
// spaces (between encoded-words), which are also fold points.
std::string address_header(std::string_view name, const std::vector<core::mailbox>& boxes) {
  std::string out = fmt::format("{}:", name);
  std::size_t line_length = out.size();
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const std::string text = header_mailbox(boxes[i]) + (i + 1 < boxes.size() ? "," : "");
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t space = std::min(text.find(' ', start), text.size());
      const std::string_view word = std::string_view(text).substr(start, space - start);
      const bool fold = line_length + 1 + word.size() > soft_line_limit && line_length > name.size() + 1;
      if (fold) {
        out += "\r\n";
        line_length = 0;
      }
      out += ' ';
      out += word;
      line_length += 1 + word.size();
      start = space + 1;
    }
  }
  return out + "\r\n";
}

// The left part of a Message-ID (RFC 5322 3.6.4: dot-atom-text): characters outside atext,
// and dots that would start, end or double, are written as =XX.
std::string message_id_left(std::string_view id) {
  std::string out;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool dot_ok = c == '.' && i > 0 && i + 1 < id.size() && !out.empty() && out.back() != '.';
    if ((is_atext_or_space(c) && c != ' ' && c != '=') || dot_ok) {
      out += c;
    } else {
      out += fmt::format("={:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

// RFC 2045 6.7: lines of at most 76 characters, soft breaks "=", '=' and non-ASCII bytes as
// =XX, and spaces or tabs before a line end encoded so that no transport strips them.
std::string quoted_printable(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      std::string piece;
      if ((c == ' ' || c == '\t') && !last) {
        piece = static_cast<char>(c);
      } else if (c >= 33 && c <= 126 && c != '=') {
        piece = static_cast<char>(c);
      } else {
        piece = fmt::format("={:02X}", c);
      }
      if (column + piece.size() > 75) {
        out += "=\r\n";
        column = 0;
      }
      out += piece;
      column += piece.size();
    }
    out += "\r\n";
    start = end + 1;
  }
  return out;
}

// 7bit when every byte is printable ASCII (or a tab) and lines are short; else quoted-printable.
bool needs_encoding(std::string_view text) {
  std::size_t line_length = 0;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      line_length = 0;
      continue;
    }
    if (c >= 0x80 || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) return true;
    if (++line_length > 76) return true;
  }
  return false;
}

std::string crlf(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\r') continue;
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace

rendered render_email(const channel& ch, const alert& a, core::utc_time now) {
  email e;
  e.host = ch.field("host");
  e.port = std::stoi(ch.field("port", "587"));
  const std::string security = ch.field("security", "starttls");
  e.security = security == "none"  ? smtp_security::none
               : security == "tls" ? smtp_security::tls
                                   : smtp_security::starttls;
  e.username = ch.field("username");
  e.password = ch.field("password");

  const auto from = core::parse_mailbox(ch.field("from"));
  if (!from) return fmt::format("channel \"{}\": from is not an e-mail address", ch.name);
  e.from = from->address;
  std::vector<core::mailbox> to;
  for (const std::string& item : core::split_list(ch.field("to"))) {
    auto m = core::parse_mailbox(item);
    if (!m) return fmt::format("channel \"{}\": \"{}\" in to is not an e-mail address", ch.name, item);
    e.to.push_back(m->address);
    to.push_back(std::move(*m));
  }
  if (to.empty()) return fmt::format("channel \"{}\": to names no address", ch.name);

  std::string body = details(a);
  body += fmt::format("\n-- \nuptime-monitor, alert {}\n", a.alert_id);
  const bool encode = needs_encoding(body);

  const std::string id_left =
      a.alert_id.empty()
          ? fmt::format("uptime-monitor.{}.{}", a.monitor_id,
                        std::chrono::floor<std::chrono::seconds>(a.occurred_at).time_since_epoch().count())
          : message_id_left(a.alert_id);

  std::string m;
  m += fmt::format("Date: {}\r\n", rfc5322_date(now));
  m += address_header("From", {*from});
  m += address_header("To", to);
  m += unstructured_header("Subject", headline(a));
  m += fmt::format("Message-ID: <{}@{}>\r\n", id_left, core::address_domain(from->address));
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += fmt::format("Content-Transfer-Encoding: {}\r\n", encode ? "quoted-printable" : "7bit");
  m += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies to alerts
  m += fmt::format("X-Uptime-Monitor-Event: {}\r\n", to_string(a.event));
  m += "\r\n";
  m += encode ? quoted_printable(body) : crlf(body);
  e.message = std::move(m);
  return outbound{std::move(e)};
}

}  // namespace uptime::notify::detail
