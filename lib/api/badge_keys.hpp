// Badge keys: capabilities that let whoever holds one see one monitor's (or one group's)
// status and nothing else. A key is derived from a server secret with HMAC-SHA256, so it is
// unguessable without the secret, unrelated to the push key (knowing a badge URL tells nothing
// about the push URL), stable across restarts, and checkable without storing it anywhere:
//   monitor: `<id>-<first 24 hex digits of HMAC-SHA256(secret, "monitor:<id>")>`  17-3fa9…
//   group:   `g-<first 24 hex digits of HMAC-SHA256(secret, "group:<name>")>`
// 24 hex digits are 96 bits: far beyond guessing over HTTP. Changing the secret changes every
// key. This file knows nothing of monitors or HTTP; a group key cannot be inverted, so the
// server keeps a map from group key to group (looks_like_group_key tells which lookup to do).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uptime::api {

// Constant after construction: any thread may call it concurrently.
class badge_keys {
 public:
  // Hex digits of the HMAC kept in a key.
  static constexpr std::size_t digest_digits = 24;

  // `server_secret`: the secret's text as the database keeps it (32 random bytes, encoded).
  // Throws std::invalid_argument if it is empty: every key would then be public knowledge.
  explicit badge_keys(std::string server_secret);

  std::string monitor_key(std::int64_t id) const;
  std::string group_key(std::string_view group) const;

  // The id if `key` is a valid monitor badge key (recomputed, compared in constant time with
  // util::secrets_equal), else nullopt. Rejects anything malformed (wrong length, a sign, a
  // leading zero, upper-case hex, an id of 0) before hashing, and allocates nothing.
  std::optional<std::int64_t> monitor_of(std::string_view key) const;

  // Whether `key` has a group key's shape: "g-" and 24 lowercase hex digits. Says nothing of
  // whether a group has it.
  static bool looks_like_group_key(std::string_view key);

 private:
  std::string secret_;
};

}  // namespace uptime::api
