// Checks on a config file's bytes before yaml-cpp sees them, for what yaml-cpp handles badly:
// NUL bytes and UTF-16/32 text (it guesses an encoding from them, and its positions then no
// longer match the file), and flow collections ([ and {) nested so deep that yaml-cpp would
// first queue a token for every bracket (a million "[" took 236 MB and 4 s) and then recurse
// once per level. This is a light scan, not a YAML parser: it can miss a bracket (the tree
// builder's own depth limit then catches what it missed), but it does not count brackets
// inside quoted text, comments or plain text such as "a[1]".
#pragma once

#include <optional>
#include <string_view>

#include "config/detail/tree.hpp"

namespace uptime::config::detail {

// Levels of [ ], { } and block collections a config may nest; a real one needs about five.
constexpr int max_nesting = 64;

// The first problem in `yaml` as a syntax_error at its position, or nullopt.
std::optional<syntax_error> check_raw_text(std::string_view yaml);

// The position (0-based line and byte column) of byte `offset` of `text`.
position position_of(std::string_view text, std::size_t offset);

}  // namespace uptime::config::detail
