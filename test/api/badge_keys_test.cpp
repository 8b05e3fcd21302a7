// Badge keys: their exact text (checked against Python's hmac module), that a key names its
// monitor only under the secret it was made with, and that anything malformed is refused.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/badge_keys.hpp"

using namespace uptime::api;

namespace {
// Expected digits: hmac.new(b"test-server-secret", b"monitor:17", sha256).hexdigest()[:24].
const std::string secret = "test-server-secret";
}  // namespace

TEST_CASE("a monitor badge key is the id, a dash and 24 hex digits of the HMAC") {
  const badge_keys keys(secret);
  CHECK(keys.monitor_key(17) == "17-7ca7efbe2c0ac2474e5235d4");
  CHECK(keys.monitor_key(std::numeric_limits<std::int64_t>::max()) ==
        "9223372036854775807-4694b5c33f34ea94111c2aa6");
}

TEST_CASE("a group badge key is g-, then 24 hex digits of the HMAC of its name") {
  const badge_keys keys(secret);
  CHECK(keys.group_key("Backups") == "g-ae4a6fce7cf15aee689ccd27");
  CHECK(badge_keys::looks_like_group_key(keys.group_key("Backups")));
  CHECK(badge_keys::looks_like_group_key(keys.group_key("")));
  CHECK(keys.group_key("backups") != keys.group_key("Backups"));
}

TEST_CASE("a monitor badge key gives back its id") {
  const badge_keys keys(secret);
  for (const std::int64_t id : {std::int64_t{1}, std::int64_t{17}, std::int64_t{100000},
                                std::numeric_limits<std::int64_t>::max()})
    CHECK(keys.monitor_of(keys.monitor_key(id)) == id);
}

TEST_CASE("a badge key made with another secret names nothing") {
  const badge_keys keys(secret);
  const badge_keys other("another-server-secret");
  CHECK(other.monitor_key(17) != keys.monitor_key(17));
  CHECK_FALSE(keys.monitor_of(other.monitor_key(17)));
  CHECK(other.group_key("Backups") != keys.group_key("Backups"));
}

TEST_CASE("one monitor's digits do not open another monitor") {
  const badge_keys keys(secret);
  const auto key17 = keys.monitor_key(17);
  CHECK_FALSE(keys.monitor_of("18" + key17.substr(2)));
  CHECK_FALSE(keys.monitor_of("1" + key17.substr(2)));
}

TEST_CASE("malformed monitor badge keys are refused before any hashing") {
  const badge_keys keys(secret);
  const std::string digits = "7ca7efbe2c0ac2474e5235d4";
  auto flipped = digits;
  flipped[23] = flipped[23] == '0' ? '1' : '0';
  const std::vector<std::string> malformed = {std::string(),
                                              std::string("17"),
                                              "17-",
                                              "17-" + flipped,
                                              "17-" + digits + "0",
                                              "17-" + digits.substr(1),
                                              "017-" + digits,
                                              "+17-" + digits,
                                              "-17-" + digits,
                                              "0-" + digits,
                                              "17_" + digits,
                                              "17-7CA7EFBE2C0AC2474E5235D4",
                                              " 17-" + digits,
                                              "99999999999999999999-" + digits,
                                              std::string(10000, '1') + "-" + digits,
                                              "17-" + digits.substr(0, 23) + std::string(1, '\0'),
                                              keys.group_key("Backups"),
                                              "../17-" + digits};
  for (const auto& bad : malformed) CHECK_FALSE(keys.monitor_of(bad));
  CHECK(keys.monitor_of("17-" + digits) == 17);
}

TEST_CASE("only g- and 24 lowercase hex digits look like a group key") {
  CHECK(badge_keys::looks_like_group_key("g-ae4a6fce7cf15aee689ccd27"));
  CHECK_FALSE(badge_keys::looks_like_group_key("g-ae4a6fce7cf15aee689ccd2"));
  CHECK_FALSE(badge_keys::looks_like_group_key("g-ae4a6fce7cf15aee689ccd277"));
  CHECK_FALSE(badge_keys::looks_like_group_key("g-AE4A6FCE7CF15AEE689CCD27"));
  CHECK_FALSE(badge_keys::looks_like_group_key("h-ae4a6fce7cf15aee689ccd27"));
  CHECK_FALSE(badge_keys::looks_like_group_key("17-7ca7efbe2c0ac2474e5235d4"));
  CHECK_FALSE(badge_keys::looks_like_group_key(""));
}

TEST_CASE("an empty server secret is refused") {
  CHECK_THROWS_AS(badge_keys(""), std::invalid_argument);
}
