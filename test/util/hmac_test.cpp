// HMAC-SHA256 against RFC 4231's test vectors and Python's hmac module, in bytes and hex.
#include <catch2/catch.hpp>

#include <string>

#include "util/hmac.hpp"

using namespace uptime::util;

TEST_CASE("hmac-sha256 matches RFC 4231 test cases 1 and 2") {
  CHECK(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("hmac-sha256 takes keys longer than a block and empty keys and messages") {
  // Expected values from Python: hmac.new(key, msg, hashlib.sha256).hexdigest().
  CHECK(hmac_sha256_hex(std::string(100, 'k'), "monitor:17") ==
        "902b5af05131248cf2158317252079868dc7c71bfbc379c383c1029067e52e55");
  CHECK(hmac_sha256_hex("", "") ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("the digest bytes and their hex agree") {
  const auto bytes = hmac_sha256("Jefe", "what do ya want for nothing?");
  CHECK(bytes[0] == 0x5b);
  CHECK(bytes[31] == 0x43);
  CHECK(to_hex(bytes) == hmac_sha256_hex("Jefe", "what do ya want for nothing?"));
  char buffer[4];
  const std::uint8_t two[] = {0x0f, 0xa0};
  to_hex(two, buffer);
  CHECK(std::string(buffer, 4) == "0fa0");
}
