// Walking the parsed YAML tree (tree.hpp) while collecting every problem instead of stopping
// at the first: typed readers for scalars (text with ${VAR} substitution, whole numbers,
// booleans, durations, sizes), mappings checked against their allowed keys, and lists. Each error is
// kept with its position and rendered as "<file>:<line>:<col>: <path>: <message>". Internal to
// config/; the schema itself (which keys exist, their defaults and limits) is in config.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/detail/tree.hpp"

namespace uptime::config::detail {

// One value in the tree and where to point at it. `mark` is the value's position, or its key's
// when the value is empty (yaml-cpp puts the mark of an empty value on the next token). An
// alias's value is the anchored node, so its mark is the anchor's, as with YAML::Node.
struct entry {
  std::string key;         // "" for list items and the root
  node_id node = no_node;  // in the reader's tree
  node_kind kind = node_kind::null;
  position mark;
  std::string path;   // e.g. "monitors[2].config.expected_interval"; "" for the root
  position key_mark;  // the key's position; for list items and the root, the value's

  int line() const { return mark.line + 1; }  // 1-based
  // Written as nothing, ~ or a plain null (a quoted "" or "null" is text).
  bool empty() const { return kind == node_kind::null; }
  bool is_mapping() const { return kind == node_kind::mapping; }
  bool is_list() const { return kind == node_kind::list; }
};

// The items of a list as entries, each made when it is reached rather than all at once: a
// list may hold 100,000 monitors. Refers to the tree: valid while the tree is.
class list_items {
 public:
  class iterator {
   public:
    entry operator*() const { return items_->at(i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator&) const = default;

   private:
    friend class list_items;
    iterator(const list_items* items, std::size_t i) : items_(items), i_(i) {}
    const list_items* items_;
    std::size_t i_;
  };

  std::size_t size() const { return size_; }
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size_}; }
  entry at(std::size_t i) const;

 private:
  friend class reader;
  const tree* doc_ = nullptr;
  node_id list_ = no_node;
  position mark_;  // the list's: an empty item is pointed at there
  std::string path_;
  std::size_t size_ = 0;
};

// Not thread-safe; one reader per load. `doc` must outlive it.
class reader {
 public:
  reader(std::string file_name, const env_lookup& env, const tree& doc);

  // The entry for a document's root (see tree::documents()).
  entry root(node_id n) const;

  // Records an error at `at` (positions are 0-based; messages are 1-based).
  void error(const position& at, std::string_view path, std::string_view message);
  void error(const entry& at, std::string_view message) { error(at.mark, at.path, message); }

  // Every error so far, in file order (by position; same position: in the order recorded).
  std::vector<std::string> errors() const;
  bool has_errors() const { return !errors_.empty(); }

  // The children of a mapping, in file order. An empty value is an empty mapping. Reports a
  // value that is not a mapping, keys that are not text, duplicate keys, and keys not in
  // `allowed` (unless `allowed` is empty: any key); those children are left out.
  std::vector<entry> mapping(const entry& e, std::span<const std::string_view> allowed);

  // The items of a list, in order. An empty value is an empty list; anything else is reported
  // with `example` as a hint ("must be a list, e.g. [down, up]").
  list_items list(const entry& e, std::string_view example);

  // Typed scalars: nullopt after reporting why. All of them substitute ${VAR} first.
  // text(): an empty value is "" unless `required`.
  std::optional<std::string> text(const entry& e, bool required = false);
  // A required text that names something in logs and alerts (a monitor's name or group): no
  // control characters (line breaks, tabs, escapes), which could forge a log line.
  std::optional<std::string> label(const entry& e);
  std::optional<bool> boolean(const entry& e);
  // A `max` of INT_MAX or more is treated as a type guard and left out of messages.
  std::optional<std::int64_t> integer(const entry& e, std::int64_t min, std::int64_t max);
  // `allow_zero` false: must be > 0.
  std::optional<std::chrono::seconds> duration(const entry& e, bool allow_zero);
  // Bytes: an integer, or a number with B, KB, KiB, MB, MiB, GB or GiB (any case). `max` must
  // be below 2^60 so that accumulating digits cannot overflow.
  std::optional<std::uint64_t> size(const entry& e, std::uint64_t min, std::uint64_t max);

 private:
  // The scalar's text after ${VAR} substitution; nullopt after reporting. `what` names the
  // expected kind for the message about an empty value or a list/mapping.
  std::optional<std::string> scalar(const entry& e, std::string_view what);
  std::optional<std::string> substitute(const entry& e, std::string_view raw);

  struct located {
    int line;  // 0-based, -1 = no position
    int column;
    std::string text;
  };

  // What a value is, for messages: "nothing", "a mapping", "a list" or the quoted text.
  std::string describe(node_id n) const;

  std::string file_name_;
  const env_lookup& env_;
  const tree& doc_;
  std::vector<located> errors_;
};

// Path helpers: "server" + "port" -> "server.port"; "monitors" + 2 -> "monitors[2]".
std::string join(std::string_view path, std::string_view key);
std::string index(std::string_view path, std::size_t i);

// The key in `allowed` that `key` is most likely a typo of (edit distance under 3), if any.
std::optional<std::string_view> closest_key(std::string_view key, std::span<const std::string_view> allowed);

// Why `s` cannot be a label (see reader::label), or nullopt.
std::optional<std::string> label_problem(std::string_view s);


// ASCII-only lowercase (no locale): for units, booleans and URL schemes.
std::string ascii_lower(std::string_view s);

}  // namespace uptime::config::detail
