// What the fuzz targets share: how a broken property is reported (libFuzzer saves the input
// when the target aborts), and strict UTF-8 validation for the push_body and alert_json
// properties, written out here so that a property does not trust the code it checks.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace uptime::fuzz {

// Prints which property broke, with the text concerned (bytes outside printable ASCII and
// backslashes as \xNN, at most 300 bytes), and aborts, which libFuzzer reports as a crash and
// saves the input for.
[[noreturn]] inline void fail(const char* property, std::string_view text = {}) {
  std::fprintf(stderr, "\nPROPERTY BROKEN: %s\n  text (%zu bytes): ", property, text.size());
  for (std::size_t i = 0; i < text.size() && i < 300; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') std::fputc(c, stderr);
    else std::fprintf(stderr, "\\x%02x", c);
  }
  std::fprintf(stderr, "%s\n", text.size() > 300 ? "..." : "");
  std::abort();
}

// Aborts with `property` unless `holds`.
inline void require(bool holds, const char* property, std::string_view text = {}) {
  if (!holds) fail(property, text);
}

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF (what JSON readers
// accept).
inline bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2;
    else if (b0 == 0xE0) len = 3, lo = 0xA0;
    else if (b0 >= 0xE1 && b0 <= 0xEC) len = 3;
    else if (b0 == 0xED) len = 3, hi = 0x9F;  // no surrogates
    else if (b0 >= 0xEE && b0 <= 0xEF) len = 3;
    else if (b0 == 0xF0) len = 4, lo = 0x90;
    else if (b0 >= 0xF1 && b0 <= 0xF3) len = 4;
    else if (b0 == 0xF4) len = 4, hi = 0x8F;  // nothing above U+10FFFF
    else return false;
    if (i + len > s.size()) return false;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

}  // namespace uptime::fuzz
