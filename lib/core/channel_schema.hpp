// The notification channel types and their fields, as one pure table: which `type`s exist,
// which fields each takes, of what kind, which are required, and their defaults. The config
// loader validates `notifications:` entries against it (with file positions) and fills in the
// defaults; the renderers in notify/ read the same table, so a field cannot be accepted by one
// and unknown to the other. Also the small parsers both sides need (e-mail addresses, lists,
// header lines, webhook placeholders; URLs are core/url.hpp's). Pure text handling: no I/O, no locale.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/url.hpp"  // is_http_url, is_host_name: URLs and hosts have one parser

namespace uptime::core {

// A channel's fields as text, after ${VAR} substitution: lists joined with ",", header maps as
// "Name: value" lines joined with "\n".
using field_map = std::map<std::string, std::string>;

enum class field_kind {
  text,           // any text on one line
  secret,         // text that is never logged or shown (tokens, passwords)
  url,            // an absolute http:// or https:// URL (a query is allowed)
  base_url,       // an http(s) URL that paths are appended to: no query, no fragment
  port,           // 1..65535
  integer,        // a whole number from `min` to `max`
  choice,         // one of `choices`
  address,        // one e-mail address: "ops@example.com" or "Ops <ops@example.com>"
  address_list,   // one or more addresses: a YAML list, or text separated by ","
  text_list,      // a YAML list of words, or text separated by ","
  header_map,     // a YAML mapping of HTTP header name -> value
  duration,       // a positive duration ("90s", "15m"), from `min` to `max` seconds
  template_text,  // text with {{placeholder}}s, see webhook_placeholders()
  topic,          // an ntfy topic: 1 to 64 of A-Z a-z 0-9 _ -
  host,           // a host name or IP address, without scheme or port
};

// A default that depends on other fields (e-mail's port on its security); called with every
// static default already filled in.
using computed_default = std::string (*)(const field_map& fields);

// Every member has an initializer so that the table can name only what it uses.
struct field_spec {
  std::string_view name{};
  field_kind kind = field_kind::text;
  bool required = false;
  std::string_view default_value{};             // "" = none
  std::string_view example{};                   // a valid value, for "is required, e.g. …"
  std::span<const std::string_view> choices{};  // kind choice
  std::int64_t min = 0;                         // kind integer / duration (seconds)
  std::int64_t max = 0;
  bool sensitive = false;  // never log it (implied by kind secret): URLs with tokens, headers
  computed_default compute_default = nullptr;
  std::string_view help{};  // one line for documentation and check-config
};

struct channel_type_spec {
  std::string_view type;
  std::string_view summary;
  std::span<const field_spec> fields;
};

// Every channel type, in the order they are documented (email first).
std::span<const channel_type_spec> channel_types();
const channel_type_spec* find_channel_type(std::string_view type);
const field_spec* find_field(const channel_type_spec& t, std::string_view name);
// "email, webhook, slack, …" for messages.
std::string channel_type_names();
// "type, host, port, …": the keys a channel of type `t` accepts, `type` first.
std::vector<std::string_view> channel_keys(const channel_type_spec& t);

inline bool is_sensitive(const field_spec& f) { return f.sensitive || f.kind == field_kind::secret; }

// Checks one non-empty value of `f`: nullopt if it is valid, else what is wrong, worded for a
// user after "<field path>: " (e.g. `must be one of none, starttls, tls, got "ssl"`). Values
// of sensitive fields are never quoted. A header_map value is the joined "Name: value" lines.
std::optional<std::string> check_value(const field_spec& f, std::string_view value);
// One header of a header_map (config checks them one by one, to point at each).
std::optional<std::string> check_header(std::string_view name, std::string_view value);

// Fills every optional field that is absent or empty with its default.
void apply_defaults(const channel_type_spec& t, field_map& fields);

struct field_problem {
  enum class kind { unknown_field, missing, bad_value, rule };
  std::string field;    // "" for the channel as a whole
  std::string message;  // as check_value words it
  kind what = kind::bad_value;
};
// Rules between fields (e.g. a webhook GET has no body), checked on complete settings
// (defaults applied). The config loader reports these at the field they name.
std::vector<field_problem> check_rules(const channel_type_spec& t, const field_map& fields);
// Everything: unknown fields, required fields missing or empty, each value, and the rules
// (only when nothing else is wrong). The one validation of a channel: the config loader
// places these problems at their file positions (and words unknown fields its own way, with
// a "did you mean"), the renderers refuse a channel that has any.
std::vector<field_problem> check_channel(const channel_type_spec& t, const field_map& fields);

// --- Parsers shared by the loader and the renderers ---

struct mailbox {
  std::string display_name;  // "" when none; quotes removed
  std::string address;       // local@domain, as written
};
// "ops@example.com", "Ops <ops@example.com>", "\"Ops, night\" <ops@example.com>"; nullopt
// when malformed. Only ASCII addresses (no SMTPUTF8); the display name may be any UTF-8.
std::optional<mailbox> parse_mailbox(std::string_view text);
// The domain of an address ("example.com" for "ops@example.com"), lower-cased.
std::string address_domain(std::string_view address);

// "a, b,,c " -> {"a", "b", "c"}: split on ",", trimmed, empty items dropped.
std::vector<std::string> split_list(std::string_view text);
// "Name: value\nOther: v" -> {{"Name", "value"}, {"Other", "v"}}: lines without ':' are dropped.
std::vector<std::pair<std::string, std::string>> split_headers(std::string_view text);

// The names a webhook body template may use as {{name}}.
std::span<const std::string_view> webhook_placeholders();

}  // namespace uptime::core
