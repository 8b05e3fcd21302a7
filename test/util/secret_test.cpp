// Push secrets: 43 URL-safe characters from the CSPRNG, compared in constant time.
#include <catch2/catch.hpp>

#include <set>

#include "util/secret.hpp"

using namespace uptime::util;

TEST_CASE("a secret is 43 URL-safe base64 characters without padding") {
  const auto s = generate_secret();
  CHECK(s.size() == 43);
  CHECK(s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
}

TEST_CASE("secrets do not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(generate_secret());
  CHECK(seen.size() == 1000);
}

TEST_CASE("secrets compare equal only when identical") {
  CHECK(secrets_equal("abc", "abc"));
  CHECK_FALSE(secrets_equal("abc", "abd"));
  CHECK_FALSE(secrets_equal("abc", "ab"));
  CHECK_FALSE(secrets_equal("abc", ""));
  CHECK_FALSE(secrets_equal("", ""));
}
