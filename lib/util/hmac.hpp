// HMAC-SHA256 (OpenSSL), for values derived from a server secret: badge keys today. It returns
// the digest as bytes, as lowercase hex, or writes the hex into a caller's buffer so a check on
// the request path allocates nothing. Not a password hash and not for comparing secrets: use
// secrets_equal (secret.hpp) to compare what this produces with what a client sent.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace uptime::util {

inline constexpr std::size_t sha256_size = 32;
using sha256_digest = std::array<std::uint8_t, sha256_size>;

// HMAC-SHA256 of `message` under `key` (any length, empty included).
sha256_digest hmac_sha256(std::string_view key, std::string_view message);

// The same digest as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Lowercase hex of `bytes` written to `out`, which must hold 2 * bytes.size() characters.
void to_hex(std::span<const std::uint8_t> bytes, char* out) noexcept;
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace uptime::util
