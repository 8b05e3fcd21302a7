// api_keys:, server.cors_origins and metrics: (see api_access.hpp). A key is hashed with
// SHA-256 the moment it is read and its text wiped: duplicates are found by comparing hashes
// (so a key given once as `key` and once as `key_sha256` is caught too), and every message
// about a key says what is wrong with it (its length, a character's position), never what it is.
#include "config/detail/api_access.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "core/url.hpp"

namespace uptime::config::detail {

namespace {

constexpr std::string_view api_key_keys[] = {"name", "key", "key_sha256", "scope"};
constexpr std::string_view metrics_keys[] = {"public"};
// Short keys can be guessed; 16 characters of a random key are far beyond any rate of tries.
constexpr std::size_t min_key_characters = 16;

// Characters, not bytes: the text is UTF-8 (the reader checked), so count lead bytes.
std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A key travels in an HTTP header (Authorization: Bearer, X-Api-Key), which trims spaces and
// cannot carry control characters; non-ASCII bytes are not reliably passed on either.
std::optional<std::size_t> first_unsendable(std::string_view key) {
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c <= 0x20 || c >= 0x7f) return i;
  }
  return std::nullopt;
}

// The hash of `key`, or nullopt after reporting why the key is refused. Wipes `key`.
std::optional<std::array<unsigned char, 32>> hash_key(reader& r, const entry& f, std::string& key) {
  std::optional<std::array<unsigned char, 32>> out;
  const std::size_t length = utf8_length(key);
  if (length < min_key_characters) {
    r.error(f, fmt::format("must be at least {} characters, got {}", min_key_characters, length));
  } else if (auto bad = first_unsendable(key)) {
    r.error(f, fmt::format("must be printable ASCII without spaces (it is sent in an HTTP header); "
                           "character {} is not",
                           *bad + 1));
  } else {
    out.emplace();
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), out->data());
  }
  OPENSSL_cleanse(key.data(), key.size());
  return out;
}

std::optional<std::array<unsigned char, 32>> parse_sha256(reader& r, const entry& f,
                                                          std::string_view text) {
  constexpr std::string_view hint =
      "the SHA-256 of the key, e.g. from: printf %s \"$KEY\" | sha256sum";
  // Not quoted in messages: a key pasted here by mistake must not reach a log.
  if (text.size() != 64) {
    r.error(f,
            fmt::format("must be 64 hex digits ({}), got {} characters", hint, utf8_length(text)));
    return std::nullopt;
  }
  std::array<unsigned char, 32> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      r.error(f, fmt::format("must be 64 hex digits ({}); character {} is not one", hint,
                             hi < 0 ? 2 * i + 1 : 2 * i + 2));
      return std::nullopt;
    }
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

void parse_api_keys(reader& r, const entry& e, std::vector<api_key_settings>& out) {
  std::map<std::string, int, std::less<>> name_lines;               // name -> line of its entry
  std::map<std::array<unsigned char, 32>, std::string> hash_paths;  // hash -> "api_keys[0]"
  for (const entry& item : r.list(e, "[{name: grafana, key: ${UPTIME_READ_KEY}, scope: read}]")) {
    api_key_settings k;
    k.line = item.line();
    bool has_name = false;
    std::optional<entry> key_entry, hash_entry, scope_entry;
    std::optional<std::array<unsigned char, 32>> hash;
    for (const entry& f : r.mapping(item, api_key_keys)) {
      if (f.key == "name") {
        has_name = true;
        auto v = r.label(f);
        if (!v) continue;
        k.name = *v;
        if (auto [first, inserted] = name_lines.emplace(*v, k.line); !inserted) {
          r.error(f, fmt::format("name \"{}\" is already used by the key on line {}", *v,
                                 first->second));
        }
      } else if (f.key == "key") {
        key_entry = f;
        if (auto v = r.text(f, true)) hash = hash_key(r, f, *v);
      } else if (f.key == "key_sha256") {
        hash_entry = f;
        if (auto v = r.text(f, true)) hash = parse_sha256(r, f, *v);
      } else if (f.key == "scope") {
        scope_entry = f;
        auto v = r.text(f, true);
        if (!v) continue;
        if (*v == "read") {
          k.scope = api_key_scope::read;
        } else if (*v == "write") {
          k.scope = api_key_scope::write;
        } else {
          r.error(f, fmt::format("must be read or write, got \"{}\"", *v));
        }
      }
    }
    // An item that is not a mapping was reported as such; more would be noise.
    if (!item.empty() && !item.is_mapping()) continue;
    if (!has_name) r.error(item.mark, join(item.path, "name"), "is required");
    if (!scope_entry) r.error(item.mark, join(item.path, "scope"), "is required: read or write");
    if (key_entry && hash_entry) {
      r.error(*hash_entry, "use either key or key_sha256, not both");
      continue;
    }
    if (!key_entry && !hash_entry) {
      r.error(item.mark, join(item.path, "key"),
              "is required (or key_sha256), e.g. key: ${UPTIME_API_KEY}");
      continue;
    }
    if (!hash) continue;
    const entry& written = key_entry ? *key_entry : *hash_entry;
    if (auto [first, inserted] = hash_paths.emplace(*hash, item.path); !inserted) {
      r.error(written,
              fmt::format("is the same key as {}; every key must be different", first->second));
      continue;
    }
    k.sha256 = *hash;
    out.push_back(std::move(k));
  }
}

std::optional<std::string> normalize_origin(std::string_view text) {
  std::string lower = ascii_lower(text);
  if (!lower.empty() && lower.back() == '/') lower.pop_back();
  // An origin has no credentials; parse_http_url would accept and skip them.
  if (lower.find('@') != std::string::npos) return std::nullopt;
  const auto url = core::parse_http_url(lower);
  if (!url || !url->path.empty() || url->has_query_or_fragment) return std::nullopt;
  std::string out = fmt::format("{}://{}", url->scheme, url->host);
  if (!url->port.empty()) {
    unsigned port = 0;
    std::from_chars(url->port.data(), url->port.data() + url->port.size(),
                    port);  // checked by the parser
    // A browser leaves the scheme's default port out of Origin.
    const bool is_default =
        (url->scheme == "http" && port == 80) || (url->scheme == "https" && port == 443);
    if (!is_default) out += fmt::format(":{}", port);
  }
  return out;
}

void parse_cors_origins(reader& r, const entry& e, std::vector<std::string>& out) {
  for (const entry& item : r.list(e, "[https://grafana.example.com]")) {
    auto v = r.text(item, true);
    if (!v) continue;
    if (*v == "*") {
      r.error(
          item,
          "\"*\" is not allowed (any web page could then use a key a browser holds); list the origins "
          "that may call the API, e.g. [https://grafana.example.com]");
      continue;
    }
    auto origin = normalize_origin(*v);
    if (!origin) {
      r.error(item,
              fmt::format("must be an origin: http:// or https://, a host and an optional port, "
                          "without a path, e.g. https://grafana.example.com; got \"{}\"",
                          *v));
    } else if (std::find(out.begin(), out.end(), *origin) != out.end()) {
      r.error(item, fmt::format("\"{}\" is listed twice", *origin));
    } else {
      out.push_back(std::move(*origin));
    }
  }
}

void parse_metrics(reader& r, const entry& e, config& c) {
  for (const entry& f : r.mapping(e, metrics_keys)) {
    if (f.key == "public") {
      if (auto v = r.boolean(f)) c.metrics_public = *v;
    }
  }
}

}  // namespace uptime::config::detail
