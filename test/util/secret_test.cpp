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

TEST_CASE("a stored secret gives back what it was given, short or long") {
  const auto generated = generate_secret();
  const std::string long_key(200, 'k');
  stored_secret s(generated);
  CHECK(s.view() == generated);
  s.assign(long_key);  // past the room inside
  CHECK(s.view() == long_key);
  stored_secret copy = s;
  s.assign("short");
  CHECK(s.view() == "short");
  CHECK(copy.view() == long_key);
  copy = s;
  CHECK(copy.view() == "short");
  s.assign("");
  CHECK(s.view().empty());
  CHECK_FALSE(secrets_equal(s.view(), ""));  // no key: nothing matches
  const std::string exactly_inside(44, 'x'), one_past(45, 'y');
  CHECK(stored_secret(exactly_inside).view() == exactly_inside);
  CHECK(stored_secret(one_past).view() == one_past);
}
