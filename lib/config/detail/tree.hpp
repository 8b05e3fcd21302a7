// A compact, read-only YAML document tree for the config loader, built from yaml-cpp's parser
// events instead of YAML::Load. yaml-cpp's own tree costs several heap blocks per node (loading
// took about 6 KB per monitor entry with it); this one is a few flat arrays: 16 bytes per
// node, 4 per child and the scalar text, with no allocation per node. It keeps only what config/ reads: each node's kind,
// position and text. Tags, anchors' names and styles are dropped; an alias is the node it
// names, as in yaml-cpp. Internal to config/; yaml-cpp is included only by tree.cpp.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace uptime::config::detail {

// A place in the file, 0-based like yaml-cpp's marks (messages add 1); -1/-1 = no position.
struct position {
  int line = -1;
  int column = -1;

  bool is_null() const { return line == -1 && column == -1; }
};

// What yaml-cpp reported for a node: OnNull (an empty value, ~, or plain null/Null/NULL),
// OnScalar (any other scalar, quoted "" and "null" included), or a collection.
enum class node_kind : std::uint8_t { null, scalar, list, mapping };

using node_id = std::uint32_t;
constexpr node_id no_node = std::numeric_limits<node_id>::max();

// Where parsing stopped and why: "YAML syntax error: " and yaml-cpp's message, or one of our
// limits (a NUL byte, nesting too deep; see raw_text.hpp). The position may be null.
struct syntax_error {
  position at;
  std::string message;
};

// Immutable once parsed; safe to read from several threads, not to parse into.
class tree {
 public:
  // Inputs are refused from this size on: positions and offsets are stored in 32 bits, line
  // numbers in 30 (yaml-cpp itself counts positions in an int).
  static constexpr std::size_t max_input = std::size_t{1} << 30;

  // Parses every document in `yaml`, or returns the first YAML syntax error or exceeded limit.
  // Never throws for any input (running out of memory is an error too). `yaml` must be
  // shorter than max_input.
  static std::variant<tree, syntax_error> parse(std::string_view yaml);

  // The root of each document, in file order; none for a file without any (empty, comments).
  const std::vector<node_id>& documents() const { return documents_; }

  node_kind kind(node_id n) const { return static_cast<node_kind>(nodes_[n].kind_line >> kind_shift); }
  position at(node_id n) const {
    return {static_cast<int>(nodes_[n].kind_line & line_mask) - 1, nodes_[n].column};
  }
  // A scalar's text; "" for any other kind.
  std::string_view text(node_id n) const;
  // Items of a list, or key/value pairs of a mapping (in file order, duplicates kept); 0 for a
  // scalar or null.
  std::size_t size(node_id n) const;
  node_id item(node_id list, std::size_t i) const { return children_[nodes_[list].first + i]; }
  node_id key(node_id map, std::size_t i) const { return children_[nodes_[map].first + 2 * i]; }
  node_id value(node_id map, std::size_t i) const { return children_[nodes_[map].first + 2 * i + 1]; }

 private:
  friend class tree_builder;

  // 16 bytes: with a million nodes for 100,000 monitors, every field counts.
  struct node {
    std::uint32_t kind_line;  // the kind in the top 2 bits; below, the 0-based line + 1 (0: none)
    std::int32_t column;
    // scalar: text_[first, first + count); list: children_[first, first + count);
    // mapping: children_[first, first + 2 * count), key then value.
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };
  static constexpr unsigned kind_shift = 30;
  static constexpr std::uint32_t line_mask = (std::uint32_t{1} << kind_shift) - 1;

  // Deques, not vectors: they grow by blocks without copying what is there, so the peak stays
  // near the final size instead of up to twice it.
  std::deque<node> nodes_;
  std::deque<node_id> children_;  // a node may be listed under several parents (aliases)
  std::string text_;              // every scalar's text, back to back
  std::vector<node_id> documents_;
};

}  // namespace uptime::config::detail
