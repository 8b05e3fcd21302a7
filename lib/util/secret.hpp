// Push secrets: generated from the OS CSPRNG (OpenSSL RAND_bytes) and compared in constant
// time. Nothing here logs or stores a secret; callers decide where one may be written
// (only the database and the documented startup line).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace uptime::util {

// 32 random bytes as URL-safe base64 without padding: 43 characters of [A-Za-z0-9_-].
// Throws std::runtime_error if the CSPRNG fails (never falls back to a weaker source).
std::string generate_secret();

// Compares in time that depends only on the lengths, never on where the texts differ.
bool secrets_equal(std::string_view expected, std::string_view given) noexcept;

// A secret held inside its owner when it fits (a generated one always does), on the heap
// otherwise (a key set by hand in the database can be longer). Checking a push's key then
// reads no memory but its monitor's own: with 100,000 monitors pushed at random, a key on
// the heap was one more cache miss per push.
class stored_secret {
 public:
  stored_secret() = default;
  explicit stored_secret(std::string_view text) { assign(text); }
  stored_secret(const stored_secret& other) { assign(other.view()); }
  stored_secret& operator=(const stored_secret& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  ~stored_secret() { clear(); }

  void assign(std::string_view text);
  std::string_view view() const noexcept {
    return {size_ <= inline_capacity ? inline_ : long_.get(), size_};
  }

 private:
  static constexpr std::uint32_t inline_capacity = 44;
  void clear() noexcept;  // wipes the characters before they are freed or replaced

  std::uint32_t size_ = 0;
  char inline_[inline_capacity] = {};
  std::unique_ptr<char[]> long_;  // when size_ > inline_capacity
};

}  // namespace uptime::util
