// HMAC-SHA256 through OpenSSL's one-shot HMAC() (see hmac.hpp).
#include "util/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace uptime::util {

sha256_digest hmac_sha256(std::string_view key, std::string_view message) {
  sha256_digest out{};
  unsigned int size = 0;
  // HMAC() reads `key` as bytes: a null data pointer with length 0 is fine, but OpenSSL 3
  // refuses a null key pointer, so an empty key is passed as "".
  const auto* k = key.empty() ? "" : key.data();
  if (HMAC(EVP_sha256(), k, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
           &size) == nullptr ||
      size != out.size())
    throw std::runtime_error("HMAC-SHA256 failed");
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  return to_hex(hmac_sha256(key, message));
}

void to_hex(std::span<const std::uint8_t> bytes, char* out) noexcept {
  static constexpr char digits[] = "0123456789abcdef";
  for (const std::uint8_t b : bytes) {
    *out++ = digits[b >> 4];
    *out++ = digits[b & 0x0f];
  }
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string out(bytes.size() * 2, '\0');
  to_hex(bytes, out.data());
  return out;
}

}  // namespace uptime::util
