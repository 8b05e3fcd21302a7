// Text that came from outside (a job's message, a push body, a User-Agent, an error a remote
// server sent back) made safe for where it goes: valid UTF-8 for the database, JSON and
// alerts, and one printable line for the log. Pure functions, no allocation when the text is
// already fine (they return a view then).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace uptime::core {

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view text);
// The offset of the first byte of `text` that is not part of well-formed UTF-8, if any.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);
// The length of the well-formed sequence `text` starts with (1 to 4), or 0 when it starts with
// an ill-formed one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF,
// or cut short) or is empty.
std::size_t utf8_sequence_length(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD, one replacement per maximal
// subpart as the Unicode standard recommends (so "\xE2\x82" cut by `tail -c` is one U+FFFD).
// Valid text comes back unchanged.
std::string to_valid_utf8(std::string_view text);
// In place: does nothing (and allocates nothing) when `text` is already valid.
void make_valid_utf8(std::string& text);

// `text` as one printable log line: control characters (C0, DEL and C1) become \n, \r, \t,
// \\ or \xNN, a backslash becomes \\, and ill-formed UTF-8 becomes \xNN per byte, so a
// client cannot start a log line of its own or hide what it sent. Returns `text` itself when
// there is nothing to escape.
class log_text {
 public:
  explicit log_text(std::string_view text);
  std::string_view view() const { return escaped_.empty() ? original_ : std::string_view(escaped_); }

 private:
  std::string_view original_;
  std::string escaped_;
};

}  // namespace uptime::core
