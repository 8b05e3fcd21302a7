// API keys for the management API and /metrics: the table of keys in force (looked up in
// constant time by the SHA-256 of the key presented), the per-address limiter of failed
// attempts, and the authenticator that routes use (http/auth.hpp). Where keys come from (the
// config's `api_keys:`, plain or as `key_sha256`) is the caller's business: this file takes
// plain values, so it depends on no config type. Nothing here logs or stores a key.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "http/auth.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace uptime::api {

struct api_key {
  std::string name;
  std::array<unsigned char, 32> sha256{};  // of the key's text, as sent
  bool write = false;                      // scope: write (else read)
};

// The keys in force; replaced whole at a reload (set()). Lookup hashes the presented key with
// SHA-256 and compares the digest with EVERY key's with CRYPTO_memcmp, with no early exit, so
// the time does not depend on which key (or how much of one) matched. Io thread only; a pointer
// find() returns is valid until the next set().
class key_table {
 public:
  void set(std::vector<api_key> keys);
  // The key whose hash is that of `presented`, or nullptr (always for "").
  const api_key* find(std::string_view presented) const;
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<api_key> keys_;
};

// Failed attempts per source address: after `max_failures` within `window` the address is
// blocked for the next `window` (every API request answered 429, even with a correct key);
// then it starts from zero. IPv6 addresses count by their /64 (one host usually holds a whole
// /64), IPv4-mapped IPv6 ones as the IPv4 address; text that is no address counts as itself.
//
// Memory is bounded: at most `capacity` addresses are tracked, each with the times of its last
// 20 failures. Entries are kept in the order of their latest failure; when the table is full,
// the one whose latest failure is oldest is dropped, and entries whose failures (and block) are
// all over are dropped as new failures come. The limit this sets, honestly: an attacker who
// fails from `capacity` fresh addresses within a minute pushes a blocked address out, so it is
// unblocked early; it was only ever a per-address bound.
// Time is passed in; io thread only.
class failed_attempts {
 public:
  static constexpr std::size_t max_failures = 20;
  static constexpr std::chrono::seconds window{60};

  explicit failed_attempts(std::size_t capacity = 4096);

  void record_failure(std::string_view address, std::chrono::steady_clock::time_point now);
  // Seconds (rounded up) until the address may try again, or nullopt if it is not blocked.
  std::optional<std::chrono::seconds> blocked_for(std::string_view address,
                                                  std::chrono::steady_clock::time_point now) const;
  // Addresses (or /64s) tracked now.
  std::size_t tracked() const { return by_key_.size(); }

 private:
  using time_point = std::chrono::steady_clock::time_point;
  struct entry {
    std::string key;  // what by_key_ views
    std::array<time_point, max_failures> failures{};  // a ring, the last `count` of them
    std::size_t next = 0;                              // where the next failure goes
    std::size_t count = 0;
    time_point latest{};
    std::optional<time_point> blocked_until;
  };
  // The counting key of an address: its /64 for IPv6 (written "<prefix>::/64").
  static std::string key_of(std::string_view address);
  // Drops entries that can no longer block anything, oldest first.
  void drop_stale(time_point now);

  std::size_t capacity_;
  std::list<entry> order_;  // oldest latest-failure first
  std::unordered_map<std::string_view, std::list<entry>::iterator> by_key_;
};

// The authenticator for routes of the management API and /metrics (route_options::auth).
// `need_write`: the route changes something. Answers, in this order:
//  - the address is blocked: 429 {"error":"Too many failed attempts"} with Retry-After;
//  - no key sent: 401 {"error":"API key required"} with WWW-Authenticate: Bearer;
//  - an unknown key, or Authorization: Bearer and X-Api-Key that differ: the same 401, counted
//    as a failed attempt;
//  - a read key on a write route: 403 {"error":"This API key is read-only"};
//  - else the identity {key name, "read" | "write"}.
// The key is `Authorization: Bearer <key>` or `X-Api-Key: <key>` (an Authorization of another
// scheme is not a key). Never logs a key; logs a warning once when an address becomes blocked,
// naming the address only. Both tables must outlive it; io thread only.
class api_key_auth final : public http_api::authenticator {
 public:
  api_key_auth(const key_table& keys, failed_attempts& limiter, bool need_write,
               std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now);

  std::variant<http_api::identity, http_api::response> authenticate(const http_api::request& req) override;

 private:
  const key_table& keys_;
  failed_attempts& limiter_;
  bool need_write_;
  std::function<std::chrono::steady_clock::time_point()> now_;
};

}  // namespace uptime::api
