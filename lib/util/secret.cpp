// CSPRNG secrets and constant-time comparison (see secret.hpp).
#include "util/secret.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace uptime::util {

std::string generate_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the system's random number generator failed");
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve(43);
  unsigned bits = 0;
  int nbits = 0;
  for (unsigned char b : bytes) {
    bits = (bits << 8) | b;
    nbits += 8;
    while (nbits >= 6) {
      nbits -= 6;
      out.push_back(alphabet[(bits >> nbits) & 0x3f]);
    }
  }
  if (nbits > 0) out.push_back(alphabet[(bits << (6 - nbits)) & 0x3f]);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return out;
}

bool secrets_equal(std::string_view expected, std::string_view given) noexcept {
  if (expected.empty()) return false;
  if (expected.size() != given.size()) {
    // Spend the same time as a comparison of the right length, then fail.
    (void)CRYPTO_memcmp(expected.data(), expected.data(), expected.size());
    return false;
  }
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

void stored_secret::assign(std::string_view text) {
  clear();
  if (text.size() > inline_capacity) {
    long_ = std::make_unique<char[]>(text.size());
    std::copy(text.begin(), text.end(), long_.get());
  } else {
    std::copy(text.begin(), text.end(), inline_);
  }
  size_ = static_cast<std::uint32_t>(text.size());
}

void stored_secret::clear() noexcept {
  OPENSSL_cleanse(inline_, sizeof inline_);
  if (long_) OPENSSL_cleanse(long_.get(), size_);
  long_.reset();
  size_ = 0;
}

}  // namespace uptime::util
