// The channel table (see channel_schema.hpp) and the checks of each field kind. Every type's
// fields follow its service's documented API; the URLs of public services are fields with
// defaults, so tests and self-hosted instances can point them elsewhere. Messages are worded
// to follow "<file>:<line>:<col>: notifications.<name>.<field>: ".
#include "core/channel_schema.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

#include "core/duration.hpp"

namespace uptime::core {
namespace {

using k = field_kind;

constexpr std::string_view security_choices[] = {"none", "starttls", "tls"};
constexpr std::string_view method_choices[] = {"POST", "PUT", "PATCH", "GET"};
// ntfy accepts 1..5 or the names (https://docs.ntfy.sh/publish/#message-priority).
constexpr std::string_view ntfy_priority_choices[] = {"1",   "2",       "3",    "4",   "5",     "min",
                                                      "low", "default", "high", "max", "urgent"};
constexpr std::string_view severity_choices[] = {"critical", "error", "warning", "info"};

constexpr std::string_view placeholders[] = {"event",
                                             "monitor.id",
                                             "monitor.name",
                                             "monitor.group",
                                             "monitor.type",
                                             "status",
                                             "previous_status",
                                             "message",
                                             "occurred_at",
                                             "last_push_at",
                                             "next_expected_by",
                                             "alert_id",
                                             "duration_seconds",
                                             "headline",
                                             "details",
                                             "json"};

std::string email_port_default(const field_map& fields) {
  auto it = fields.find("security");
  const std::string_view security = it == fields.end() ? "starttls" : std::string_view(it->second);
  if (security == "none") return "25";
  if (security == "tls") return "465";
  return "587";
}

constexpr field_spec email_fields[] = {
    {.name = "host", .kind = k::host, .required = true, .example = "smtp.example.com", .help = "SMTP server"},
    {.name = "port",
     .kind = k::port,
     .example = "587",
     .compute_default = &email_port_default,
     .help = "default by security: 25 none, 587 starttls, 465 tls"},
    {.name = "security",
     .kind = k::choice,
     .default_value = "starttls",
     .example = "starttls",
     .choices = security_choices,
     .help = "none (plain), starttls (upgrade after connecting), tls (TLS from the start)"},
    {.name = "username", .kind = k::text, .example = "alerts@example.com", .help = "SMTP login"},
    {.name = "password", .kind = k::secret, .example = "${SMTP_PASSWORD}", .help = "SMTP password"},
    {.name = "from",
     .kind = k::address,
     .required = true,
     .example = "Uptime <alerts@example.com>",
     .help = "sender: an address or \"Name <address>\""},
    {.name = "to",
     .kind = k::address_list,
     .required = true,
     .example = "[ops@example.com]",
     .help = "recipients: one address or a list"},
    {.name = "ca_file",
     .kind = k::text,
     .example = "/etc/ssl/private-ca.pem",
     .help = "a CA bundle (PEM) to trust for a server with a private or self-signed certificate"},
};

constexpr field_spec webhook_fields[] = {
    {.name = "url",
     .kind = k::url,
     .required = true,
     .example = "https://hooks.example.com/uptime",
     .sensitive = true,
     .help = "where to send the request"},
    {.name = "method",
     .kind = k::choice,
     .default_value = "POST",
     .example = "POST",
     .choices = method_choices,
     .help = "POST, PUT, PATCH, or GET (without a body)"},
    {.name = "headers",
     .kind = k::header_map,
     .example = "{Authorization: \"Bearer ${HOOK_TOKEN}\"}",
     .sensitive = true,
     .help = "extra request headers (may replace Content-Type)"},
    {.name = "body",
     .kind = k::template_text,
     .example = "'{\"text\": \"{{headline}}\"}'",
     .help = "a template replacing the JSON document; {{placeholders}} are substituted"},
    {.name = "ca_file",
     .kind = k::text,
     .example = "/etc/ssl/private-ca.pem",
     .help = "a CA bundle (PEM) to trust for a server with a private or self-signed certificate"},
};

constexpr field_spec slack_fields[] = {
    {.name = "webhook_url",
     .kind = k::url,
     .required = true,
     .example = "https://hooks.slack.com/services/T000/B000/XXXX",
     .sensitive = true,
     .help = "the incoming webhook's URL"},
};

constexpr field_spec discord_fields[] = {
    {.name = "webhook_url",
     .kind = k::url,
     .required = true,
     .example = "https://discord.com/api/webhooks/123/abc",
     .sensitive = true,
     .help = "the channel webhook's URL"},
};

constexpr field_spec teams_fields[] = {
    {.name = "webhook_url",
     .kind = k::url,
     .required = true,
     .example = "https://prod-00.westeurope.logic.azure.com/workflows/xxxx/triggers/manual/paths/invoke",
     .sensitive = true,
     .help = "the Workflows (or Incoming Webhook) URL"},
};

constexpr field_spec telegram_fields[] = {
    {.name = "bot_token",
     .kind = k::secret,
     .required = true,
     .example = "${TELEGRAM_BOT_TOKEN}",
     .help = "from @BotFather"},
    {.name = "chat_id",
     .kind = k::text,
     .required = true,
     .example = "-1001234567890",
     .help = "a numeric chat id or @channelusername"},
    {.name = "api_url",
     .kind = k::base_url,
     .default_value = "https://api.telegram.org",
     .example = "https://api.telegram.org",
     .help = "Bot API server"},
};

constexpr field_spec ntfy_fields[] = {
    {.name = "server",
     .kind = k::base_url,
     .default_value = "https://ntfy.sh",
     .example = "https://ntfy.sh",
     .help = "ntfy server"},
    {.name = "topic",
     .kind = k::topic,
     .required = true,
     .example = "uptime-alerts-k3x9",
     .sensitive = true,
     .help = "on a public server the topic is the password: make it unguessable"},
    {.name = "token", .kind = k::secret, .example = "${NTFY_TOKEN}", .help = "access token (Bearer)"},
    {.name = "priority_down",
     .kind = k::choice,
     .default_value = "5",
     .example = "5",
     .choices = ntfy_priority_choices,
     .help = "for DOWN and reminders: 1..5 or min, low, default, high, urgent"},
    {.name = "priority_up",
     .kind = k::choice,
     .default_value = "3",
     .example = "3",
     .choices = ntfy_priority_choices,
     .help = "for UP and tests"},
    {.name = "tags", .kind = k::text_list, .example = "[backup, prod]", .help = "extra tags or emoji names"},
};

constexpr field_spec gotify_fields[] = {
    {.name = "server",
     .kind = k::base_url,
     .required = true,
     .example = "https://gotify.example.com",
     .help = "Gotify server"},
    {.name = "token",
     .kind = k::secret,
     .required = true,
     .example = "${GOTIFY_APP_TOKEN}",
     .help = "an application token"},
    {.name = "priority_down",
     .kind = k::integer,
     .default_value = "8",
     .example = "8",
     .min = 0,
     .max = 10,
     .help = "for DOWN and reminders, 0..10"},
    {.name = "priority_up",
     .kind = k::integer,
     .default_value = "4",
     .example = "4",
     .min = 0,
     .max = 10,
     .help = "for UP and tests, 0..10"},
};

constexpr field_spec pushover_fields[] = {
    {.name = "token",
     .kind = k::secret,
     .required = true,
     .example = "${PUSHOVER_APP_TOKEN}",
     .help = "the application's API token"},
    {.name = "user",
     .kind = k::secret,
     .required = true,
     .example = "${PUSHOVER_USER_KEY}",
     .help = "a user or group key"},
    {.name = "api_url",
     .kind = k::base_url,
     .default_value = "https://api.pushover.net",
     .example = "https://api.pushover.net",
     .help = "Pushover API"},
    {.name = "priority_down",
     .kind = k::integer,
     .default_value = "1",
     .example = "1",
     .min = -2,
     .max = 2,
     .help = "-2..2; 2 (emergency) repeats every `retry` until acknowledged or `expire`"},
    {.name = "priority_up",
     .kind = k::integer,
     .default_value = "0",
     .example = "0",
     .min = -2,
     .max = 2,
     .help = "-2..2"},
    {.name = "retry",
     .kind = k::duration,
     .default_value = "1m",
     .example = "1m",
     .min = 30,
     .max = 10800,
     .help = "priority 2 only: how often to repeat (at least 30s)"},
    {.name = "expire",
     .kind = k::duration,
     .default_value = "1h",
     .example = "1h",
     .min = 30,
     .max = 10800,
     .help = "priority 2 only: when to stop repeating (at most 3h)"},
    {.name = "device", .kind = k::text, .example = "phone", .help = "send to this device only"},
};

constexpr field_spec pagerduty_fields[] = {
    {.name = "routing_key",
     .kind = k::secret,
     .required = true,
     .example = "${PAGERDUTY_ROUTING_KEY}",
     .help = "an Events API v2 integration key"},
    {.name = "api_url",
     .kind = k::base_url,
     .default_value = "https://events.pagerduty.com",
     .example = "https://events.pagerduty.com",
     .help = "Events API"},
    {.name = "severity",
     .kind = k::choice,
     .default_value = "critical",
     .example = "critical",
     .choices = severity_choices,
     .help = "of triggered incidents"},
};

constexpr channel_type_spec types[] = {
    {"email", "an e-mail through an SMTP server", email_fields},
    {"webhook", "an HTTP request with a JSON document (or your own body)", webhook_fields},
    {"slack", "a Slack incoming webhook", slack_fields},
    {"discord", "a Discord channel webhook", discord_fields},
    {"teams", "a Microsoft Teams Workflows webhook (Adaptive Card)", teams_fields},
    {"telegram", "a Telegram bot message", telegram_fields},
    {"ntfy", "an ntfy push notification", ntfy_fields},
    {"gotify", "a Gotify message", gotify_fields},
    {"pushover", "a Pushover notification", pushover_fields},
    {"pagerduty", "a PagerDuty Events API v2 incident, resolved on UP", pagerduty_fields},
};

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// RFC 5322 atext, the characters of a dot-atom.
bool is_atext(char c) {
  return is_alpha(c) || is_digit(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 9110 tchar, the characters of a header name.
bool is_tchar(char c) {
  return is_alpha(c) || is_digit(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool valid_dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i - 1] == '.') return false;
    } else if (!is_atext(s[i])) {
      return false;
    }
  }
  return true;
}

bool valid_address(std::string_view a) {
  const std::size_t at = a.rfind('@');
  if (at == std::string_view::npos) return false;
  return valid_dot_atom(a.substr(0, at)) && is_host_name(a.substr(at + 1));
}

// A value to quote in a message, or a neutral phrase for secrets.
std::string got(const field_spec& f, std::string_view value) {
  if (is_sensitive(f)) return "got a value that is not";
  return fmt::format("got \"{}\"", value);
}

std::optional<std::string> check_integer(std::string_view value, std::int64_t min, std::int64_t max) {
  const std::string what = fmt::format("a whole number from {} to {}", min, max);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec == std::errc::invalid_argument || ptr != value.data() + value.size())
    return fmt::format("must be {}, got \"{}\"", what, value);
  if (ec == std::errc::result_out_of_range || v < min || v > max)
    return fmt::format("must be {}, got {}", what, value);
  return std::nullopt;
}

// Control characters shown as \n, \t or \xNN, for quoting a value in a message.
std::string escaped(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (is_control(c)) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> check_one_line(const field_spec& f, std::string_view value) {
  if (std::any_of(value.begin(), value.end(), [](char c) { return is_control(c) && c != '\t'; }))
    return fmt::format("must be one line of text without control characters{}",
                       is_sensitive(f) ? "" : fmt::format(", got \"{}\"", escaped(value)));
  return std::nullopt;
}

std::optional<std::string> check_template(std::string_view value) {
  for (std::size_t i = value.find("{{"); i != std::string_view::npos; i = value.find("{{", i)) {
    while (i + 2 < value.size() && value[i + 2] == '{') ++i;  // "{{{x}}}": the innermost pair
    const std::size_t close = value.find("}}", i + 2);
    if (close == std::string_view::npos) return std::string("has a {{ without a closing }}");
    const std::string_view name = trim(value.substr(i + 2, close - i - 2));
    if (std::find(std::begin(placeholders), std::end(placeholders), name) == std::end(placeholders)) {
      return fmt::format("unknown placeholder {{{{{}}}}}; expected one of {}", name,
                         fmt::join(placeholders, ", "));
    }
    i = close + 2;
  }
  return std::nullopt;
}

}  // namespace

std::span<const channel_type_spec> channel_types() { return types; }

const channel_type_spec* find_channel_type(std::string_view type) {
  for (const channel_type_spec& t : types) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

const field_spec* find_field(const channel_type_spec& t, std::string_view name) {
  for (const field_spec& f : t.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string channel_type_names() {
  std::vector<std::string_view> names;
  for (const channel_type_spec& t : types) names.push_back(t.type);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::vector<std::string_view> channel_keys(const channel_type_spec& t) {
  std::vector<std::string_view> keys{"type"};
  for (const field_spec& f : t.fields) keys.push_back(f.name);
  return keys;
}

std::optional<std::string> check_header(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar))
    return fmt::format("\"{}\" is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)", name);
  const std::string l = lower(name);
  if (l == "content-length" || l == "transfer-encoding")
    return fmt::format("{} is set by uptime-monitor and cannot be given", name);
  if (std::any_of(value.begin(), value.end(), [](char c) { return is_control(c) && c != '\t'; }))
    return fmt::format("the value of header {} must be one line without control characters", name);
  return std::nullopt;
}

std::optional<std::string> check_value(const field_spec& f, std::string_view value) {
  switch (f.kind) {
    case k::text:
    case k::secret:
      return check_one_line(f, value);
    case k::url:
    case k::base_url:
      if (is_http_url(value, f.kind == k::url)) return std::nullopt;
      return fmt::format("must be an http:// or https:// URL{} such as {}, {}",
                         f.kind == k::base_url ? " without ? or #" : "", f.example, got(f, value));
    case k::port:
      return check_integer(value, 1, 65535);
    case k::integer:
      return check_integer(value, f.min, f.max);
    case k::choice:
      if (std::find(f.choices.begin(), f.choices.end(), value) != f.choices.end()) return std::nullopt;
      return fmt::format("must be one of {}, {}", fmt::join(f.choices, ", "), got(f, value));
    case k::address:
      if (parse_mailbox(value)) return std::nullopt;
      return fmt::format(
          "must be an e-mail address such as alerts@example.com or \"Uptime "
          "<alerts@example.com>\", got \"{}\"",
          value);
    case k::address_list: {
      const auto items = split_list(value);
      if (items.empty()) return std::string("must name at least one address");
      for (const std::string& item : items) {
        if (!parse_mailbox(item))
          return fmt::format("\"{}\" is not an e-mail address such as ops@example.com", item);
      }
      return std::nullopt;
    }
    case k::text_list:
      for (const std::string& item : split_list(value)) {
        if (auto problem = check_one_line(f, item)) return problem;
      }
      return std::nullopt;
    case k::header_map:
      for (const auto& [name, v] : split_headers(value)) {
        if (auto problem = check_header(name, v)) return problem;
      }
      return std::nullopt;
    case k::duration: {
      auto parsed = parse_duration(value);
      if (auto* message = std::get_if<std::string>(&parsed)) return *message;
      const auto d = std::get<std::chrono::seconds>(parsed);
      if (d.count() < f.min || d.count() > f.max) {
        return fmt::format("must be from {} to {}, got {}", format_duration(std::chrono::seconds(f.min)),
                           format_duration(std::chrono::seconds(f.max)), value);
      }
      return std::nullopt;
    }
    case k::template_text:
      if (value.find('\0') != std::string_view::npos) return std::string("must not contain NUL characters");
      return check_template(value);
    case k::topic:
      if (!value.empty() && value.size() <= 64 && std::all_of(value.begin(), value.end(), [](char c) {
            return is_alpha(c) || is_digit(c) || c == '_' || c == '-';
          }))
        return std::nullopt;
      return std::string("must be 1 to 64 letters, digits, '_' or '-'");
    case k::host:
      if (is_host_name(value)) return std::nullopt;
      if (value.find(':') != std::string_view::npos && is_host_name(fmt::format("[{}]", value)))
        return std::nullopt;  // a bare IPv6 literal
      return fmt::format("must be a host name or IP address such as {} (no scheme, no port), got \"{}\"",
                         f.example, value);
  }
  return std::nullopt;
}

void apply_defaults(const channel_type_spec& t, field_map& fields) {
  for (const field_spec& f : t.fields) {
    if (f.required) continue;
    auto it = fields.find(std::string(f.name));
    if (it != fields.end() && !it->second.empty()) continue;
    if (!f.default_value.empty()) {
      fields[std::string(f.name)] = std::string(f.default_value);
    } else if (it != fields.end()) {
      fields.erase(it);  // empty is absent: renderers may test presence
    }
  }
  for (const field_spec& f : t.fields) {
    if (f.compute_default == nullptr || fields.contains(std::string(f.name))) continue;
    fields[std::string(f.name)] = f.compute_default(fields);
  }
}

std::vector<field_problem> check_rules(const channel_type_spec& t, const field_map& fields) {
  std::vector<field_problem> problems;
  auto value = [&](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string_view() : std::string_view(it->second);
  };
  if (t.type == "webhook" && value("method") == "GET" && !value("body").empty()) {
    problems.push_back({"body", "a GET request has no body: remove body, or use method POST, PUT or PATCH",
                        field_problem::kind::rule});
  }
  if (t.type == "email") {
    if (!value("password").empty() && value("username").empty()) {
      problems.push_back({"password", "is set but username is not; SMTP login needs both",
                          field_problem::kind::rule});
    } else if (!value("username").empty() && value("password").empty()) {
      problems.push_back({"username", "is set but password is not; SMTP login needs both",
                          field_problem::kind::rule});
    }
  }
  return problems;
}

std::vector<field_problem> check_channel(const channel_type_spec& t, const field_map& fields) {
  std::vector<field_problem> problems;
  for (const auto& [name, value] : fields) {
    if (name == "type") continue;
    const field_spec* f = find_field(t, name);
    if (f == nullptr) {
      problems.push_back({name,
                          fmt::format("unknown field; a {} channel takes {}", t.type,
                                      fmt::join(channel_keys(t), ", ")),
                          field_problem::kind::unknown_field});
    } else if (!value.empty()) {
      if (auto problem = check_value(*f, value)) problems.push_back({name, std::move(*problem)});
    }
  }
  for (const field_spec& f : t.fields) {
    auto it = fields.find(std::string(f.name));
    if (f.required && (it == fields.end() || it->second.empty())) {
      problems.push_back({std::string(f.name), fmt::format("is required, e.g. {}: {}", f.name, f.example),
                          field_problem::kind::missing});
    }
  }
  if (problems.empty()) {
    field_map complete = fields;
    apply_defaults(t, complete);
    problems = check_rules(t, complete);
  }
  return problems;
}

std::optional<mailbox> parse_mailbox(std::string_view text) {
  text = trim(text);
  mailbox m;
  const std::size_t open = text.rfind('<');
  if (!text.empty() && text.back() == '>' && open != std::string_view::npos) {
    std::string_view name = trim(text.substr(0, open));
    m.address = std::string(trim(text.substr(open + 1, text.size() - open - 2)));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
      for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '\\' && i + 1 < name.size())
          ++i;
        else if (name[i] == '"')
          return std::nullopt;
        m.display_name += name[i];
      }
    } else {
      if (name.find_first_of("<>\"") != std::string_view::npos) return std::nullopt;
      m.display_name = std::string(name);
    }
    if (std::any_of(m.display_name.begin(), m.display_name.end(), is_control)) return std::nullopt;
  } else {
    m.address = std::string(text);
  }
  if (!valid_address(m.address)) return std::nullopt;
  return m;
}

std::string address_domain(std::string_view address) {
  const std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : lower(address.substr(at + 1));
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = trim(text.substr(start, comma - start));
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> split_headers(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      out.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    }
    start = end + 1;
  }
  return out;
}

std::span<const std::string_view> webhook_placeholders() { return placeholders; }

}  // namespace uptime::core
