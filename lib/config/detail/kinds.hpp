// The monitor kinds as the config loader knows them: one parse function per kind for the
// monitor's `config:` block, in one table keyed by the kind's name (core/kinds.hpp). The
// loader reads the keys every monitor has (name, type, group, …) and hands the block to its
// kind's function; adding a kind means a file in config/kinds/ and a row in the table.
// Internal to config/.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/detail/reader.hpp"
#include "core/kinds.hpp"

namespace uptime::config::detail {

// What a kind's parser may use besides its block: the file's other settings.
struct monitor_context {
  std::chrono::seconds default_interval;
};

// Reads a monitor's `config:` block (`block` is nullptr when the monitor has none) into `m`,
// whose common keys (interval, …) are already read, and checks the rules between them.
// Every problem is reported on `r`.
using parse_kind_block = void (*)(reader& r, const entry* block, monitor_settings& m,
                                  const monitor_context& context);

struct kind_parser {
  core::monitor_kind kind;
  parse_kind_block parse;
};

// One per kind: config/kinds/<kind>.cpp.
void parse_push_block(reader& r, const entry* block, monitor_settings& m,
                      const monitor_context& context);

// Every kind's parser, in core::monitor_kinds() order.
std::span<const kind_parser> kind_parsers();
// The parser of the kind named `type`, or nullptr.
const kind_parser* find_kind_parser(std::string_view type);
// "expected push" (one kind) or "expected one of push, http, …", for messages.
std::string expected_kinds();

}  // namespace uptime::config::detail
