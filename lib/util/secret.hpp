// Push secrets: generated from the OS CSPRNG (OpenSSL RAND_bytes) and compared in constant
// time. Nothing here logs or stores a secret; callers decide where one may be written
// (only the database and the documented startup line).
#pragma once

#include <string>
#include <string_view>

namespace uptime::util {

// 32 random bytes as URL-safe base64 without padding: 43 characters of [A-Za-z0-9_-].
// Throws std::runtime_error if the CSPRNG fails (never falls back to a weaker source).
std::string generate_secret();

// Compares in time that depends only on the lengths, never on where the texts differ.
bool secrets_equal(std::string_view expected, std::string_view given) noexcept;

}  // namespace uptime::util
