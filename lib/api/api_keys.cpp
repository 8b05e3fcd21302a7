// API key lookup, the failed-attempt limiter and the API key authenticator (see api_keys.hpp).
#include "api/api_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <iterator>

#include "net.hpp"

namespace uptime::api {

void key_table::set(std::vector<api_key> keys) { keys_ = std::move(keys); }

const api_key* key_table::find(std::string_view presented) const {
  if (presented.empty()) return nullptr;
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), digest.data());
  // Every key is compared, all 32 bytes each; the result is picked without a branch on it.
  std::size_t found = keys_.size();
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const std::size_t equal = CRYPTO_memcmp(keys_[i].sha256.data(), digest.data(), digest.size()) == 0;
    found = equal * i + (1 - equal) * found;
  }
  OPENSSL_cleanse(digest.data(), digest.size());
  return found < keys_.size() ? &keys_[found] : nullptr;
}

failed_attempts::failed_attempts(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

std::string failed_attempts::key_of(std::string_view address) {
  boost::system::error_code ec;
  auto a = net::ip::make_address(std::string(address), ec);
  if (ec) return std::string(address);
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  if (a.is_v4()) return a.to_string();
  auto bytes = a.to_v6().to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return net::ip::address_v6(bytes).to_string() + "/64";
}

void failed_attempts::drop_stale(time_point now) {
  // Ordered by latest failure, and a block ends one window after the failure that caused it:
  // the stale entries are all at the front.
  while (!order_.empty()) {
    const auto& e = order_.front();
    if (now - e.latest < window || (e.blocked_until && now < *e.blocked_until)) break;
    by_key_.erase(e.key);
    order_.pop_front();
  }
}

void failed_attempts::record_failure(std::string_view address, time_point now) {
  drop_stale(now);
  auto key = key_of(address);
  auto found = by_key_.find(key);
  if (found == by_key_.end()) {
    if (by_key_.size() >= capacity_) {
      by_key_.erase(order_.front().key);
      order_.pop_front();
    }
    order_.emplace_back().key = std::move(key);
    found = by_key_.emplace(order_.back().key, std::prev(order_.end())).first;
  }
  auto& e = *found->second;
  if (e.blocked_until) {
    if (now < *e.blocked_until) return;  // blocked already: nothing more to count
    e.blocked_until.reset();
  }
  e.failures[e.next] = now;
  e.next = (e.next + 1) % max_failures;
  if (e.count < max_failures) ++e.count;
  e.latest = now;
  order_.splice(order_.end(), order_, found->second);
  // With the ring full, `next` is the oldest of the last max_failures failures.
  if (e.count == max_failures && now - e.failures[e.next] < window) {
    e.blocked_until = now + window;
    e.count = 0;
    e.next = 0;
  }
}

std::optional<std::chrono::seconds> failed_attempts::blocked_for(std::string_view address,
                                                                 time_point now) const {
  const auto found = by_key_.find(key_of(address));
  if (found == by_key_.end()) return std::nullopt;
  const auto& e = *found->second;
  if (!e.blocked_until || now >= *e.blocked_until) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(*e.blocked_until - now);
}

api_key_auth::api_key_auth(const key_table& keys, failed_attempts& limiter, bool need_write,
                           std::function<std::chrono::steady_clock::time_point()> now)
    : keys_(keys), limiter_(limiter), need_write_(need_write), now_(std::move(now)) {}

std::variant<http_api::identity, http_api::response> api_key_auth::authenticate(
    const http_api::request& req) {
  const auto now = now_();
  const std::string& address = req.source_address;
  if (const auto wait = limiter_.blocked_for(address, now)) {
    auto res = http_api::error_response(http::status::too_many_requests, "Too many failed attempts");
    res.add_header("Retry-After", std::to_string(wait->count()));
    return res;
  }
  const auto refuse = [&] {
    limiter_.record_failure(address, now);
    if (limiter_.blocked_for(address, now))
      spdlog::warn("API: {} failed API key attempts from {} within {} s: refused for {} s",
                   failed_attempts::max_failures, address, failed_attempts::window.count(),
                   failed_attempts::window.count());
    return http_api::unauthorized("Bearer", "API key required");
  };

  const auto bearer = http_api::bearer_token(req);
  const std::string_view header_key = req.x_api_key;
  std::string_view presented;
  if (bearer && !header_key.empty()) {
    if (*bearer != header_key) return refuse();  // two different keys: neither is trusted
    presented = header_key;
  } else if (bearer) {
    presented = *bearer;
  } else if (!header_key.empty()) {
    presented = header_key;
  } else {
    return http_api::unauthorized("Bearer", "API key required");
  }

  const api_key* key = keys_.find(presented);
  if (!key) return refuse();
  if (need_write_ && !key->write)
    return http_api::error_response(http::status::forbidden, "This API key is read-only");
  return http_api::identity{key->name, key->write ? "write" : "read"};
}

}  // namespace uptime::api
