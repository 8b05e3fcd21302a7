// The table of monitor kinds (see kinds.hpp). A new kind adds its row here, with rules of its
// own in a file of its own.
#include "core/kinds.hpp"

#include <array>

namespace uptime::core {

namespace {

// The push kind's rules are the functions of monitor.hpp.
constexpr kind_rules push_kind{
    .kind = monitor_kind::push,
    .name = "push",
    .going_down_at = &going_down_at,
    .on_deadline = &on_deadline,
    .apply_rules = &apply_rules,
    .shift_for_outage = &shift_for_outage,
    .from_whole_seconds = &from_whole_seconds,
    .on_push = &on_push,
    .replay_push = &replay_push,
};

// Indexed by monitor_kind.
constexpr std::array kinds{push_kind};
static_assert(
    [] {
      for (std::size_t i = 0; i < kinds.size(); ++i)
        if (static_cast<std::size_t>(kinds[i].kind) != i) return false;
      return true;
    }(),
    "kinds must be in the order of monitor_kind");

}  // namespace

std::span<const kind_rules> monitor_kinds() { return kinds; }

const kind_rules& rules_of(monitor_kind k) { return kinds[static_cast<std::size_t>(k)]; }

std::string_view to_string(monitor_kind k) { return rules_of(k).name; }

std::optional<monitor_kind> parse_kind(std::string_view name) {
  for (const kind_rules& k : kinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

}  // namespace uptime::core
