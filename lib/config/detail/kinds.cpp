// The table of monitor kinds' config parsers (see kinds.hpp).
#include "config/detail/kinds.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <vector>

namespace uptime::config::detail {

namespace {
constexpr std::array parsers{
    kind_parser{core::monitor_kind::push, &parse_push_block},
};
}  // namespace

std::span<const kind_parser> kind_parsers() { return parsers; }

const kind_parser* find_kind_parser(std::string_view type) {
  const auto kind = core::parse_kind(type);
  if (!kind) return nullptr;
  for (const kind_parser& p : parsers)
    if (p.kind == *kind) return &p;
  return nullptr;
}

std::string expected_kinds() {
  std::vector<std::string_view> names;
  for (const kind_parser& p : parsers) names.push_back(core::to_string(p.kind));
  if (names.size() == 1) return fmt::format("expected {}", names.front());
  return fmt::format("expected one of {}", fmt::join(names, ", "));
}

}  // namespace uptime::config::detail
