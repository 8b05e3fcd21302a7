// Unit tests for the e-mail channel: the message is valid RFC 5322 (CRLF, folded headers within
// 998 bytes, an RFC 5322 Date, a Message-ID stable for one alert), non-ASCII subjects and
// names travel as RFC 2047 encoded-words and bodies as quoted-printable, and the SMTP envelope
// holds the bare addresses while the headers keep the display names.
#include <catch2/catch.hpp>

#include "render_support.hpp"

using namespace render_support;

namespace {

std::string crlf(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

channel mail_channel(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> fields{{"host", "smtp.example.com"},
                                            {"from", "Uptime Monitor <alerts@example.com>"},
                                            {"to", "ops@example.com,Night Shift <oncall@example.org>"}};
  for (auto& [k, v] : extra) fields[k] = v;
  return make_channel("email", std::move(fields));
}

}  // namespace

TEST_CASE("an e-mail carries the SMTP settings, with the port and security defaults") {
  email e = rendered_email(mail_channel(), down_alert());
  CHECK(e.host == "smtp.example.com");
  CHECK(e.port == 587);
  CHECK(e.security == smtp_security::starttls);
  CHECK(e.username.empty());
  CHECK(e.password.empty());

  e = rendered_email(mail_channel({{"security", "tls"}, {"username", "alerts"}, {"password", "pw"}}),
                     down_alert());
  CHECK(e.port == 465);
  CHECK(e.security == smtp_security::tls);
  CHECK(e.username == "alerts");
  CHECK(e.password == "pw");

  e = rendered_email(mail_channel({{"security", "none"}, {"port", "2525"}}), down_alert());
  CHECK(e.port == 2525);
  CHECK(e.security == smtp_security::none);
}

TEST_CASE("the envelope has bare addresses while the headers keep the display names") {
  const email e = rendered_email(mail_channel(), down_alert());
  CHECK(e.from == "alerts@example.com");
  CHECK(e.to == std::vector<std::string>{"ops@example.com", "oncall@example.org"});
  const parsed_message m = parse_message(e.message);
  CHECK(m.get("From") == "Uptime Monitor <alerts@example.com>");
  CHECK(m.get("To") == "ops@example.com, Night Shift <oncall@example.org>");
}

TEST_CASE("an e-mail is a complete RFC 5322 message with one of each header") {
  const email e = rendered_email(mail_channel(), down_alert(), at("2025-01-15T10:30:05.750Z"));
  const parsed_message m = parse_message(e.message);
  for (const char* name : {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
                           "Content-Transfer-Encoding"}) {
    INFO(name);
    CHECK(m.count(name) == 1);
  }
  CHECK(m.get("Date") == "Wed, 15 Jan 2025 10:30:05 +0000");
  CHECK(m.get("Subject") == "[DOWN] Daily Backup Job");
  CHECK(m.get("Message-ID") == "<6f1c2a9e-1b2c-4d5e-8f90-123456789abc@example.com>");
  CHECK(m.get("MIME-Version") == "1.0");
  CHECK(m.get("Content-Type") == "text/plain; charset=utf-8");
  CHECK(m.get("Auto-Submitted") == "auto-generated");
  CHECK(m.get("X-Uptime-Monitor-Event") == "down");

  // The reason's line is longer than 76 characters: quoted-printable keeps lines short, and the
  // body decodes to the report with a signature naming the alert.
  CHECK(m.get("Content-Transfer-Encoding") == "quoted-printable");
  CHECK(quoted_printable_decode(m.body) ==
        crlf(details(down_alert()) + "\n-- \nuptime-monitor, alert 6f1c2a9e-1b2c-4d5e-8f90-123456789abc\n"));
}

TEST_CASE("a report in short ASCII lines goes as 7bit, readable as it is") {
  const parsed_message m = parse_message(rendered_email(mail_channel(), up_alert()).message);
  CHECK(m.get("Content-Transfer-Encoding") == "7bit");
  CHECK(m.body ==
        crlf(details(up_alert()) + "\n-- \nuptime-monitor, alert 0d7c6b5a-4938-4271-8a6b-5c4d3e2f1a0b\n"));
}

TEST_CASE("the Date header follows RFC 5322 with the weekday and a zero-padded time") {
  for (auto [now, expected] : std::initializer_list<std::pair<const char*, const char*>>{
           {"2025-01-15T10:30:05Z", "Wed, 15 Jan 2025 10:30:05 +0000"},
           {"2024-02-29T00:00:00Z", "Thu, 29 Feb 2024 00:00:00 +0000"},
           {"2025-03-30T01:59:59Z", "Sun, 30 Mar 2025 01:59:59 +0000"},
           {"2025-12-01T23:04:09Z", "Mon, 1 Dec 2025 23:04:09 +0000"}}) {
    INFO(now);
    CHECK(parse_message(rendered_email(mail_channel(), down_alert(), at(now)).message).get("Date") ==
          expected);
  }
}

TEST_CASE("the Message-ID is the same for every attempt of one alert and differs between alerts") {
  const auto id = [](const alert& a, const char* now) {
    return parse_message(rendered_email(mail_channel(), a, at(now)).message).get("Message-ID");
  };
  CHECK(id(down_alert(), "2025-01-15T10:30:05Z") == id(down_alert(), "2025-01-15T11:45:00Z"));
  CHECK(id(down_alert(), "2025-01-15T10:30:05Z") != id(up_alert(), "2025-01-15T10:30:05Z"));

  // An alert id with characters a Message-ID cannot hold is escaped, never emitted raw.
  alert odd = down_alert();
  odd.alert_id = "a b@c<d>.";
  const std::string mid = id(odd, "2025-01-15T10:30:05Z");
  CHECK(mid == "<a=20b=40c=3Cd=3E=2E@example.com>");
}

TEST_CASE("a UTF-8 subject is sent as RFC 2047 encoded-words that decode to the original") {
  alert a = down_alert();
  a.monitor_name = "Sauvegarde quotidienne — café";
  const email e = rendered_email(mail_channel(), a);
  const parsed_message m = parse_message(e.message);
  const std::string subject = m.get("Subject");
  CHECK(subject.starts_with("=?UTF-8?B?"));
  CHECK(decode_words(subject) == "[DOWN] Sauvegarde quotidienne — café");
  // Every line holding encoded-words is within RFC 2047's 76 characters.
  for (std::size_t start = 0, end = 0; start < e.message.size(); start = end + 2) {
    end = e.message.find("\r\n", start);
    const std::string_view line = std::string_view(e.message).substr(start, end - start);
    if (line.find("=?UTF-8?B?") != std::string_view::npos) CHECK(line.size() <= 76);
  }

  // The body is quoted-printable (8bit is not safe), and decodes to the UTF-8 report.
  CHECK(m.get("Content-Transfer-Encoding") == "quoted-printable");
  CHECK(quoted_printable_decode(m.body).starts_with("Sauvegarde quotidienne — café is DOWN since"));
  for (char c : m.body) CHECK(static_cast<unsigned char>(c) < 0x80);
}

TEST_CASE("a very long subject is folded or encoded, never a line over 998 bytes") {
  alert a = down_alert();
  a.monitor_name = std::string(300, 'x') + " " + std::string(1200, 'y');
  parse_message(rendered_email(mail_channel(), a).message);  // checks every line length
  a.monitor_name = "Nightly backup of the primary database cluster in the Frankfurt data centre (replica 2)";
  const parsed_message m = parse_message(rendered_email(mail_channel(), a).message);
  CHECK(m.get("Subject") == "[DOWN] " + a.monitor_name);
}

TEST_CASE("non-ASCII and special display names are encoded or quoted in From and To") {
  const email e = rendered_email(make_channel("email", {{"host", "smtp.example.com"},
                                                        {"from", "Équipe café <alerts@example.fr>"},
                                                        {"to", "\"Ops (night)\" <ops@example.com>"}}),
                                 down_alert());
  const parsed_message m = parse_message(e.message);
  CHECK(m.get("From").starts_with("=?UTF-8?B?"));
  CHECK(decode_words(m.get("From")) == "Équipe café <alerts@example.fr>");
  CHECK(m.get("To") == "\"Ops (night)\" <ops@example.com>");  // specials are quoted
  CHECK(m.get("Message-ID").ends_with("@example.fr>"));
  CHECK(e.from == "alerts@example.fr");
  CHECK(e.to == std::vector<std::string>{"ops@example.com"});
}

TEST_CASE("a job message with long lines and '=' is quoted-printable with soft breaks") {
  alert a = down_alert();
  a.message = "a=b " + std::string(200, 'z');
  const parsed_message m = parse_message(rendered_email(mail_channel(), a).message);
  CHECK(m.get("Content-Transfer-Encoding") == "quoted-printable");
  std::size_t start = 0;
  while (start < m.body.size()) {
    const std::size_t end = m.body.find("\r\n", start);
    CHECK(end - start <= 76);
    start = end + 2;
  }
  std::string decoded = quoted_printable_decode(m.body);
  CHECK(decoded.find("Reason: a=b " + std::string(200, 'z') + "\r\n") != std::string::npos);
}

TEST_CASE("many recipients fold the To header between addresses") {
  std::string to;
  for (int i = 0; i < 12; ++i)
    to += (i ? "," : "") + std::string("person") + std::to_string(i) + "@example.com";
  const email e = rendered_email(mail_channel({{"to", to}}), down_alert());
  CHECK(e.to.size() == 12);
  const std::size_t to_at = e.message.find("\r\nTo: ");
  const std::size_t subject_at = e.message.find("\r\nSubject: ");
  const std::string raw = e.message.substr(to_at, subject_at - to_at);
  CHECK(raw.find("\r\n ") != std::string::npos);  // folded
  const parsed_message m = parse_message(e.message);
  CHECK(m.get("To").find("person0@example.com, person1@example.com") == 0);
}
