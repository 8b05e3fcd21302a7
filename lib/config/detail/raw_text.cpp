// The byte-level checks before parsing (see raw_text.hpp). The flow-depth scan follows just
// enough of YAML to know where a node may begin: at the start of a block line, after "- ",
// "? " and ": ", after an anchor or a tag, and inside [ ] or { } after a bracket, ',' or ':'.
// Only there does a bracket open a collection or a quote open quoted text.
#include "config/detail/raw_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace uptime::config::detail {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

bool is_break(char c) { return c == '\n' || c == '\r'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_flow_indicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

class flow_depth_scan {
 public:
  explicit flow_depth_scan(std::string_view s) : s_(s) {}

  // The offset of the first bracket that opens a level beyond max_nesting, if any.
  std::optional<std::size_t> too_deep() {
    if (s_.starts_with(utf8_bom)) i_ = utf8_bom.size();
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (is_break(c)) {
        ++i_;
        if (depth_ == 0) {
          node_start_ = true;  // a block line starts with a node (after its indentation)
          if (document_marker()) i_ += 3;
        }
      } else if (is_blank(c)) {
        ++i_;
      } else if (c == '#' && (i_ == 0 || is_blank(s_[i_ - 1]) || is_break(s_[i_ - 1]))) {
        skip_line();
      } else if ((c == '[' || c == '{') && (node_start_ || depth_ > 0)) {
        if (++depth_ > max_nesting) return i_;
        node_start_ = true;
        ++i_;
      } else if ((c == ']' || c == '}') && depth_ > 0) {
        --depth_;
        node_start_ = false;
        ++i_;
      } else if (c == ',' && depth_ > 0) {
        node_start_ = true;
        ++i_;
      } else if (indicator(c)) {
        node_start_ = true;
        ++i_;
      } else if (node_start_ && (c == '"' || c == '\'')) {
        skip_quoted(c);
        node_start_ = false;
      } else if (node_start_ && (c == '&' || c == '!')) {
        skip_token();  // an anchor or a tag: the node itself comes after it
      } else if (node_start_ && depth_ == 0 && (c == '|' || c == '>')) {
        skip_block_scalar();
      } else {
        node_start_ = false;  // plain text (or an alias): brackets and quotes in it are text
        ++i_;
      }
    }
    return std::nullopt;
  }

 private:
  // "- ", "? " and ": " (or at the end of a line); in [ ] and { }, ':' and '?' always.
  bool indicator(char c) const {
    if (c != '-' && c != '?' && c != ':') return false;
    if (depth_ > 0) return c != '-';
    if (c != ':' && !node_start_) return false;
    const char next = i_ + 1 < s_.size() ? s_[i_ + 1] : '\n';
    return is_blank(next) || is_break(next);
  }

  bool document_marker() const {
    const std::string_view rest = s_.substr(i_);
    if (!rest.starts_with("---") && !rest.starts_with("...")) return false;
    return rest.size() == 3 || is_blank(rest[3]) || is_break(rest[3]);
  }

  void skip_line() {
    while (i_ < s_.size() && !is_break(s_[i_])) ++i_;
  }

  void skip_token() {
    while (i_ < s_.size() && !is_blank(s_[i_]) && !is_break(s_[i_]) &&
           !(depth_ > 0 && is_flow_indicator(s_[i_]))) {
      ++i_;
    }
  }

  // To just after the closing quote, or to the end (tree.cpp reports a quote never closed).
  void skip_quoted(char quote) {
    ++i_;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (quote == '"' && c == '\\') {
        i_ += 2;
      } else if (c == quote) {
        ++i_;
        if (quote == '\'' && i_ < s_.size() && s_[i_] == '\'') {
          ++i_;  // '' is a quote inside single-quoted text
        } else {
          return;
        }
      } else {
        ++i_;
      }
    }
    i_ = std::min(i_, s_.size());
  }

  // A | or > scalar: its header line, then every line indented more than the line it began
  // on (or blank). Its content is text, whatever brackets it holds.
  void skip_block_scalar() {
    std::size_t line_start = s_.rfind('\n', i_);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    std::size_t indent = 0;
    while (line_start + indent < s_.size() && s_[line_start + indent] == ' ') ++indent;
    skip_line();
    while (i_ < s_.size()) {
      std::size_t next = i_;
      while (next < s_.size() && is_break(s_[next])) ++next;
      std::size_t spaces = 0;
      while (next + spaces < s_.size() && s_[next + spaces] == ' ') ++spaces;
      const bool blank = next + spaces == s_.size() || is_break(s_[next + spaces]);
      if (!blank && spaces <= indent) break;
      i_ = next + spaces;
      skip_line();
    }
    node_start_ = false;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int depth_ = 0;
  bool node_start_ = true;
};

}  // namespace

position position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t last_break = before.rfind('\n');
  std::size_t column = last_break == std::string_view::npos ? offset : offset - last_break - 1;
  // yaml-cpp does not count a byte order mark: columns on the first line start after it.
  if (line == 0 && text.starts_with(utf8_bom) && column >= utf8_bom.size()) column -= utf8_bom.size();
  return {line, static_cast<int>(column)};
}

std::optional<syntax_error> check_raw_text(std::string_view yaml) {
  if (yaml.starts_with("\xFE\xFF") || yaml.starts_with("\xFF\xFE")) {
    return syntax_error{{0, 0}, "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"};
  }
  if (const std::size_t nul = yaml.find('\0'); nul != std::string_view::npos) {
    return syntax_error{position_of(yaml, nul), "the file contains a NUL byte; a config must be UTF-8 text"};
  }
  if (auto at = flow_depth_scan(yaml).too_deep()) {
    return syntax_error{position_of(yaml, *at), fmt::format("nested too deeply (limit {} levels)", max_nesting)};
  }
  return std::nullopt;
}

}  // namespace uptime::config::detail
