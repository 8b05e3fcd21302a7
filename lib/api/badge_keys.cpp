// Badge keys derived from the server secret (see badge_keys.hpp).
#include "api/badge_keys.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

#include "util/hmac.hpp"
#include "util/secret.hpp"

namespace uptime::api {

namespace {

constexpr std::string_view monitor_prefix = "monitor:";
constexpr std::string_view group_prefix = "g-";
constexpr std::size_t max_id_digits = 19;  // INT64_MAX has 19

bool is_lower_hex(std::string_view text) {
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The first `digest_digits` hex digits of HMAC(secret, message), written to `out`.
void digest_digits_of(std::string_view secret, std::string_view message, char* out) {
  const auto digest = util::hmac_sha256(secret, message);
  util::to_hex(std::span(digest).first(badge_keys::digest_digits / 2), out);
}

}  // namespace

badge_keys::badge_keys(std::string server_secret) : secret_(std::move(server_secret)) {
  if (secret_.empty()) throw std::invalid_argument("the badge key secret is empty");
}

std::string badge_keys::monitor_key(std::int64_t id) const {
  std::string key = std::to_string(id);
  std::string message(monitor_prefix);
  message += key;
  key += '-';
  const auto at = key.size();
  key.resize(at + digest_digits);
  digest_digits_of(secret_, message, key.data() + at);
  return key;
}

std::string badge_keys::group_key(std::string_view group) const {
  std::string message = "group:";
  message += group;
  std::string key(group_prefix);
  key.resize(group_prefix.size() + digest_digits);
  digest_digits_of(secret_, message, key.data() + group_prefix.size());
  return key;
}

std::optional<std::int64_t> badge_keys::monitor_of(std::string_view key) const {
  if (key.size() < 2 + digest_digits || key.size() > max_id_digits + 1 + digest_digits)
    return std::nullopt;
  const auto id_text = key.substr(0, key.size() - digest_digits - 1);
  const auto digits = key.substr(key.size() - digest_digits);
  if (key[id_text.size()] != '-' || id_text.front() < '1' || id_text.front() > '9' ||
      !is_lower_hex(digits))
    return std::nullopt;
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || end != id_text.data() + id_text.size()) return std::nullopt;

  // "monitor:" + the id as sent: it is canonical (no sign, no leading zero), so the same text
  // the key was made from.
  std::array<char, monitor_prefix.size() + max_id_digits> message{};
  monitor_prefix.copy(message.data(), monitor_prefix.size());
  id_text.copy(message.data() + monitor_prefix.size(), id_text.size());
  std::array<char, digest_digits> expected{};
  digest_digits_of(secret_, {message.data(), monitor_prefix.size() + id_text.size()},
                   expected.data());
  if (!util::secrets_equal({expected.data(), expected.size()}, digits)) return std::nullopt;
  return id;
}

bool badge_keys::looks_like_group_key(std::string_view key) {
  return key.size() == group_prefix.size() + digest_digits && key.starts_with(group_prefix) &&
         is_lower_hex(key.substr(group_prefix.size()));
}

}  // namespace uptime::api
