// Building the compact tree (see tree.hpp) from yaml-cpp's parser events, the way yaml-cpp's
// own NodeBuilder builds YAML::Node: same events, same positions, same alias resolution, so
// the loader reports exactly what it did on YAML::LoadAll, without the per-node heap blocks.
#include "config/detail/tree.hpp"

#include <fmt/format.h>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <array>
#include <functional>
#include <istream>
#include <new>
#include <optional>
#include <streambuf>

#include "config/detail/raw_text.hpp"

namespace uptime::config::detail {

// Receives one document's events at a time. Each collection's children are collected on one
// shared stack while it is open and moved into tree::children_ when it closes, so building
// allocates nothing per node or per collection.
class tree_builder : public YAML::EventHandler {
 public:
  // `source` is the text being parsed, to look at what yaml-cpp's marks point at.
  tree_builder(tree& t, std::string_view source) : t_(t), source_(source) {
    recent_.fill(no_text);
    // yaml-cpp's offsets (Mark::pos) do not count a UTF-8 byte order mark.
    if (source_.starts_with("\xEF\xBB\xBF")) source_.remove_prefix(3);
  }

  // Set when parsing stopped at one of our limits rather than at a YAML syntax error.
  const std::optional<syntax_error>& refused() const { return refused_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 does not consume a ',' outside any [list] or {mapping} (", 2", or "- a" then
    // ", b"): it reports an empty document there and then the same one again, forever, and
    // YAML::LoadAll collected them until memory ran out. A document that starts where the
    // previous one did has consumed nothing, so that is where to stop.
    if (mark.pos == previous_start_) {
      throw YAML::ParserException(mark, "unexpected ',' outside any [list] or {mapping}");
    }
    previous_start_ = mark.pos;
    anchors_.clear();  // yaml-cpp numbers anchors per document, from 1
    document_ = no_node;
  }
  void OnDocumentEnd() override {
    // yaml-cpp always sends one root event per document (OnNull for an empty one).
    if (document_ != no_node) t_.documents_.push_back(document_);
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add(mark, anchor, node_kind::null);
  }

  // Like NodeBuilder: the alias is the anchored node itself, so its position is the anchor's.
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    // The parser refuses an alias to an undefined anchor before it sends the event.
    place(anchors_.at(anchor));
  }

  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    check_closed(mark);
    const node_id n = add(mark, anchor, node_kind::scalar);
    tree::node& s = t_.nodes_[n];
    s.first = store(value);
    s.count = static_cast<std::uint32_t>(value.size());
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(add(mark, anchor, node_kind::list));
  }
  void OnSequenceEnd() override { close(1); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(add(mark, anchor, node_kind::mapping));
  }
  void OnMapEnd() override { close(2); }

 private:
  struct open_collection {
    node_id id;
    std::size_t first_pending;  // its children are pending_[first_pending, end)
  };

  // A new node, placed under the open collection (or as the document's root).
  node_id add(const YAML::Mark& mark, YAML::anchor_t anchor, node_kind kind) {
    const auto n = static_cast<node_id>(t_.nodes_.size());
    // tree::parse refuses inputs that could have 2^30 lines, so the line fits below the kind.
    const auto line = static_cast<std::uint32_t>(mark.line + 1) & tree::line_mask;
    t_.nodes_.push_back({static_cast<std::uint32_t>(kind) << tree::kind_shift | line, mark.column, 0, 0});
    if (anchor != YAML::NullAnchor) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, no_node);
      anchors_[anchor] = n;  // registered before its children: "&a [*a]" refers to itself
    }
    place(n);
    return n;
  }

  void place(node_id n) {
    if (open_.empty()) {
      document_ = n;
    } else {
      pending_.push_back(n);
    }
  }

  // Refuses a collection nested deeper than max_nesting, from inside yaml-cpp's recursion
  // (one level per collection): it never goes deeper than that, whatever the file. Flow
  // collections were already measured on the text (raw_text.hpp); this catches block ones
  // ("- - - - a") and anything that scan missed.
  void open(node_id n) {
    if (open_.size() >= static_cast<std::size_t>(max_nesting)) {
      const position at = t_.at(n);
      refused_ = syntax_error{at, fmt::format("nested too deeply (limit {} levels)", max_nesting)};
      throw YAML::ParserException(YAML::Mark::null_mark(), refused_->message);
    }
    open_.push_back({n, pending_.size()});
  }

  // yaml-cpp 0.7 ends quoted text at the end of the file without an error once the text has
  // crossed a line break: `grace_period: "5m` then a newline was read as "5m ". So a scalar
  // that starts with a quote (after its tag or anchor, if any) must have its closing quote.
  void check_closed(const YAML::Mark& mark) {
    if (mark.pos < 0) return;
    std::size_t i = static_cast<std::size_t>(mark.pos);
    auto blank = [&](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < source_.size() && (source_[i] == '!' || source_[i] == '&')) {
      while (i < source_.size() && !blank(source_[i])) ++i;
      while (i < source_.size() && blank(source_[i])) ++i;
    }
    if (i >= source_.size() || (source_[i] != '"' && source_[i] != '\'')) return;
    const char quote = source_[i];
    for (++i; i < source_.size(); ++i) {
      if (quote == '"' && source_[i] == '\\') {
        ++i;
      } else if (source_[i] == quote) {
        if (quote == '\'' && i + 1 < source_.size() && source_[i + 1] == '\'') {
          ++i;  // '' inside single-quoted text
        } else {
          return;
        }
      }
    }
    throw YAML::ParserException(mark, fmt::format("the quoted text that starts here is never closed (a {} is "
                                                  "missing)",
                                                  quote));
  }

  // `per_entry`: 1 for a list's items, 2 for a mapping's key/value pairs. yaml-cpp sends a
  // value for every key (OnNull when there is none), so a mapping's count is even.
  void close(std::size_t per_entry) {
    const open_collection c = open_.back();
    open_.pop_back();
    tree::node& n = t_.nodes_[c.id];
    n.first = static_cast<std::uint32_t>(t_.children_.size());
    n.count = static_cast<std::uint32_t>((pending_.size() - c.first_pending) / per_entry);
    t_.children_.insert(t_.children_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(c.first_pending),
                        pending_.end());
    pending_.resize(c.first_pending);
  }

  // Where `value` is in tree::text_, appending it unless it is a short text seen recently. A
  // config repeats the same keys and values in every entry ("expected_interval", "push"):
  // a small direct-mapped cache of them halves the text of a large config. A slot holds the
  // last text that hashed to it; a miss only costs a copy, so the cache never grows.
  std::uint32_t store(const std::string& value) {
    constexpr std::size_t max_cached = 64;  // longer texts rarely repeat; hashing them is waste
    std::uint32_t* slot = nullptr;
    if (value.size() <= max_cached) {
      slot = &recent_[std::hash<std::string_view>{}(value) % recent_.size()];
      const std::size_t at = *slot;
      if (at != no_text && t_.text_.compare(at, value.size(), value) == 0) return *slot;
    }
    const auto at = static_cast<std::uint32_t>(t_.text_.size());
    t_.text_ += value;
    if (slot != nullptr) *slot = at;
    return at;
  }

  static constexpr std::uint32_t no_text = std::numeric_limits<std::uint32_t>::max();

  tree& t_;
  std::string_view source_;
  std::optional<syntax_error> refused_;
  std::array<std::uint32_t, 1024> recent_;  // offsets in text_ of recent short texts
  node_id document_ = no_node;
  int previous_start_ = -1;  // where the previous document started, as an offset
  std::vector<node_id> anchors_;  // anchor number -> node
  std::vector<open_collection> open_;
  std::vector<node_id> pending_;  // children of the open collections, innermost last
};

namespace {

// An istream source over text we do not own, so the parser reads the caller's buffer instead
// of a copy in a std::stringstream. Read-only: yaml-cpp only reads and puts back what it has
// just read, which moves the get pointer and writes nothing.
class view_buffer : public std::streambuf {
 public:
  explicit view_buffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

std::variant<tree, syntax_error> tree::parse(std::string_view yaml) {
  tree t;
  if (yaml.size() >= max_input) return syntax_error{{}, "the file is too large (1 GiB or more)"};
  if (auto refused = check_raw_text(yaml)) return std::move(*refused);
  tree_builder builder(t, yaml);
  try {
    view_buffer buffer(yaml);
    std::istream in(&buffer);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    if (builder.refused()) return *builder.refused();
    return syntax_error{e.mark.is_null() ? position{} : position{e.mark.line, e.mark.column},
                        "YAML syntax error: " + e.msg};
  } catch (const std::bad_alloc&) {
    return syntax_error{{}, "not enough memory to read this file"};
  }
  return t;
}

std::string_view tree::text(node_id n) const {
  const node& s = nodes_[n];
  if (kind(n) != node_kind::scalar) return {};
  return std::string_view(text_).substr(s.first, s.count);
}

std::size_t tree::size(node_id n) const {
  const node_kind k = kind(n);
  return k == node_kind::list || k == node_kind::mapping ? nodes_[n].count : 0;
}

}  // namespace uptime::config::detail
