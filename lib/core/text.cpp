// UTF-8 repair and log escaping (see text.hpp).
#include "core/text.hpp"

#include <array>

namespace uptime::core {

namespace {

// The length of the well-formed sequence starting at `s[i]`, or 0 when it is ill-formed;
// `bad` is then the length of its maximal subpart (at least 1), the bytes one U+FFFD replaces.
// Table 3-7 of the Unicode standard: the second byte's range depends on the first byte.
std::size_t sequence_length(std::string_view s, std::size_t i, std::size_t& bad) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  bad = 1;
  if (b0 < 0x80) return 1;
  std::size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;  // a continuation byte, an overlong lead (C0, C1) or F5-FF
  }
  for (std::size_t k = 1; k < need; ++k) {
    if (i + k >= s.size()) return 0;
    const unsigned char b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    bad = k + 1;
  }
  return need;
}

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < text.size();) {
    // ASCII runs are the common case: skip them a byte at a time without the table.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const auto n = sequence_length(text, i, bad);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view text) { return !first_invalid_utf8(text); }

std::size_t utf8_sequence_length(std::string_view text) {
  std::size_t bad = 0;
  return text.empty() ? 0 : sequence_length(text, 0, bad);
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto n = sequence_length(text, i, bad);
    if (n == 0) {
      out += replacement;
      i += bad;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

void make_valid_utf8(std::string& text) {
  if (!is_valid_utf8(text)) text = to_valid_utf8(text);
}

log_text::log_text(std::string_view text) : original_(text) {
  const auto needs_escape = [&] {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto b = static_cast<unsigned char>(text[i]);
      if (b < 0x20 || b == 0x7F || b == '\\') return true;
      if (b == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0)
        return true;  // a C1 control
    }
    return !is_valid_utf8(text);
  };
  if (!needs_escape()) return;
  constexpr char hex[] = "0123456789abcdef";
  const auto escape_byte = [&](unsigned char b) {
    escaped_ += "\\x";
    escaped_ += hex[b >> 4];
    escaped_ += hex[b & 0xF];
  };
  escaped_.reserve(text.size() + 16);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const auto n = sequence_length(text, i, bad);
    if (n == 0) {
      for (std::size_t k = 0; k < bad; ++k) escape_byte(static_cast<unsigned char>(text[i + k]));
      i += bad;
      continue;
    }
    if (n == 1) {
      switch (b) {
        case '\n': escaped_ += "\\n"; break;
        case '\r': escaped_ += "\\r"; break;
        case '\t': escaped_ += "\\t"; break;
        case '\\': escaped_ += "\\\\"; break;
        default:
          if (b < 0x20 || b == 0x7F)
            escape_byte(b);
          else
            escaped_ += static_cast<char>(b);
      }
    } else if (n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      // C1 controls (U+0080-U+009F), NEL among them, which some log readers treat as a newline.
      escape_byte(b);
      escape_byte(static_cast<unsigned char>(text[i + 1]));
    } else {
      escaped_.append(text.substr(i, n));
    }
    i += n;
  }
}

}  // namespace uptime::core
