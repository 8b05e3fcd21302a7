// Typed, error-collecting readers over a parsed YAML tree (see reader.hpp). Scalars are read as
// text and converted here rather than with yaml-cpp's as<T>(), so that ${VAR} substitution
// happens before conversion ("port: ${PORT}") and every message can quote what the user wrote.
#include "config/detail/reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>

#include "core/duration.hpp"
#include "core/text.hpp"

namespace uptime::config::detail {
namespace {

bool valid_variable_name(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

// Levenshtein distance, for "did you mean": keys are short, so O(n*m) is nothing.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_key_message(std::string_view key, std::span<const std::string_view> allowed) {
  if (auto best = closest_key(key, allowed)) return fmt::format("unknown key (did you mean {}?)", *best);
  return fmt::format("unknown key; expected one of {}", fmt::join(allowed, ", "));
}

// A message may quote what the file says: a line break or an escape sequence in it must not
// end the message's line (or forge another in the log), nor a stray byte garble a terminal.
std::string escape_for_message(std::string_view text) { return std::string(core::log_text(text).view()); }

std::string format_size(std::uint64_t bytes) {
  constexpr std::uint64_t kib = 1024;
  if (bytes != 0 && bytes % (kib * kib * kib) == 0) return fmt::format("{}GiB", bytes / (kib * kib * kib));
  if (bytes != 0 && bytes % (kib * kib) == 0) return fmt::format("{}MiB", bytes / (kib * kib));
  if (bytes != 0 && bytes % kib == 0) return fmt::format("{}KiB", bytes / kib);
  return fmt::format("{}", bytes);
}

}  // namespace

std::string join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return fmt::format("{}.{}", path, key);
}

std::string index(std::string_view path, std::size_t i) { return fmt::format("{}[{}]", path, i); }

std::optional<std::string_view> closest_key(std::string_view key, std::span<const std::string_view> allowed) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;  // suggest only close matches (typos), not any key
  for (std::string_view candidate : allowed) {
    const std::size_t d = edit_distance(ascii_lower(key), candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

reader::reader(std::string file_name, const env_lookup& env, const tree& doc)
    : file_name_(std::move(file_name)), env_(env), doc_(doc) {}

entry reader::root(node_id n) const { return {"", n, doc_.kind(n), doc_.at(n), "", doc_.at(n)}; }

std::string reader::describe(node_id n) const {
  switch (doc_.kind(n)) {
    case node_kind::null:
      return "nothing";
    case node_kind::mapping:
      return "a mapping";
    case node_kind::list:
      return "a list";
    case node_kind::scalar:
      break;
  }
  return fmt::format("\"{}\"", doc_.text(n));
}

void reader::error(const position& at, std::string_view path, std::string_view message) {
  std::string where = file_name_;
  if (!at.is_null()) where += fmt::format(":{}:{}", at.line + 1, at.column + 1);
  std::string text = path.empty() ? fmt::format("{}: {}", where, escape_for_message(message))
                                  : fmt::format("{}: {}: {}", where, escape_for_message(path),
                                                escape_for_message(message));
  errors_.push_back({at.line, at.column, std::move(text)});
}

std::vector<std::string> reader::errors() const {
  std::vector<located> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const located& a, const located& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::vector<std::string> out;
  out.reserve(sorted.size());
  for (auto& e : sorted) out.push_back(std::move(e.text));
  return out;
}

std::vector<entry> reader::mapping(const entry& e, std::span<const std::string_view> allowed) {
  std::vector<entry> out;
  if (e.empty()) return out;
  if (!e.is_mapping()) {
    error(e, fmt::format("must be a mapping (key: value lines), got {}", describe(e.node)));
    return out;
  }
  const std::size_t pairs = doc_.size(e.node);
  out.reserve(pairs);
  std::map<std::string_view, int, std::less<>> first_line;
  for (std::size_t i = 0; i < pairs; ++i) {
    const node_id key_node = doc_.key(e.node, i);
    const node_id value = doc_.value(e.node, i);
    const position key_mark = doc_.at(key_node);
    if (doc_.kind(key_node) != node_kind::scalar) {
      error(key_mark.is_null() ? e.mark : key_mark, e.path,
            fmt::format("keys must be text, got {}", describe(key_node)));
      continue;
    }
    const std::string_view key = doc_.text(key_node);
    std::string path = join(e.path, key);
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(key_mark, path, unknown_key_message(key, allowed));
      continue;
    }
    if (auto [first, inserted] = first_line.emplace(key, key_mark.line + 1); !inserted) {
      error(key_mark, path, fmt::format("duplicate key (first on line {})", first->second));
      continue;
    }
    const node_kind kind = doc_.kind(value);
    const position value_mark = doc_.at(value);
    const bool value_empty = kind == node_kind::null || value_mark.is_null();
    out.push_back(
        {std::string(key), value, kind, value_empty ? key_mark : value_mark, std::move(path), key_mark});
  }
  return out;
}

list_items reader::list(const entry& e, std::string_view example) {
  list_items out;
  if (e.empty()) return out;
  if (!e.is_list()) {
    error(e, fmt::format("must be a list, e.g. {}, got {}", example, describe(e.node)));
    return out;
  }
  out.doc_ = &doc_;
  out.list_ = e.node;
  out.mark_ = e.mark;
  out.path_ = e.path;
  out.size_ = doc_.size(e.node);
  return out;
}

entry list_items::at(std::size_t i) const {
  const node_id item = doc_->item(list_, i);
  const node_kind kind = doc_->kind(item);
  const bool item_empty = kind == node_kind::null || doc_->at(item).is_null();
  const position mark = item_empty ? mark_ : doc_->at(item);
  return {"", item, kind, mark, index(path_, i), mark};
}

std::optional<std::string> reader::substitute(const entry& e, std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool ok = true;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '$' || i + 1 == raw.size()) {
      out += c;
    } else if (raw[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (raw[i + 1] == '{') {
      const std::size_t close = raw.find('}', i + 2);
      if (close == std::string_view::npos) {
        error(e, "unterminated ${ (write $$ for a literal $)");
        return std::nullopt;
      }
      const std::string_view name = raw.substr(i + 2, close - i - 2);
      if (!valid_variable_name(name)) {
        error(e, fmt::format("\"${{{}}}\" is not a valid environment variable reference", name));
        ok = false;
      } else if (auto value = env_ ? env_(name) : std::nullopt) {
        out += *value;
      } else {
        error(e, fmt::format("environment variable {} is not set", name));
        ok = false;
      }
      i = close;
    } else {
      out += c;  // a lone '$' is literal; only "${" and "$$" are special
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> reader::scalar(const entry& e, std::string_view what) {
  if (e.is_mapping() || e.is_list()) {
    error(e, fmt::format("must be {}, got {}", what, describe(e.node)));
    return std::nullopt;
  }
  if (e.empty()) return std::string{};
  auto s = substitute(e, doc_.text(e.node));
  // Every text reaches logs, alerts and JSON, which all need UTF-8 (an alert that is not
  // could not be written to the outbox and read back).
  if (s) {
    if (auto bad = core::first_invalid_utf8(*s)) {
      error(e, fmt::format("must be UTF-8 text; byte {} is 0x{:02x}, which is not (save the file as UTF-8)",
                           *bad + 1, static_cast<unsigned char>((*s)[*bad])));
      return std::nullopt;
    }
  }
  return s;
}

std::optional<std::string> reader::text(const entry& e, bool required) {
  auto s = scalar(e, "text");
  if (s && required && s->empty()) {
    error(e, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> reader::label(const entry& e) {
  auto s = text(e, true);
  if (!s) return s;
  if (auto problem = label_problem(*s)) {
    error(e, *problem);
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> label_problem(std::string_view s) {
  if (auto bad = core::first_invalid_utf8(s)) {
    return fmt::format("must be UTF-8 text; byte {} is 0x{:02x}, which is not", *bad + 1,
                       static_cast<unsigned char>(s[*bad]));
  }
  const auto control = std::find_if(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control != s.end()) {
    return fmt::format("must not contain control characters (a line break, a tab, an escape), got \"{}\"", s);
  }
  return std::nullopt;
}

std::optional<bool> reader::boolean(const entry& e) {
  auto s = scalar(e, "true or false");
  if (!s) return std::nullopt;
  const std::string v = ascii_lower(*s);
  if (v == "true" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "no" || v == "off") return false;
  error(e, fmt::format("must be true or false, got \"{}\"", *s));
  return std::nullopt;
}

std::optional<std::int64_t> reader::integer(const entry& e, std::int64_t min, std::int64_t max) {
  // Limits that only guard the type ("at least 1") are not worth showing as a number.
  const std::string what = max >= std::numeric_limits<int>::max()
                               ? fmt::format("a whole number of at least {}", min)
                               : fmt::format("a whole number from {} to {}", min, max);
  auto s = scalar(e, what);
  if (!s) return std::nullopt;
  std::int64_t value = 0;
  const char* end = s->data() + s->size();
  auto [ptr, ec] = std::from_chars(s->data(), end, value);
  if (s->empty() || ec == std::errc::invalid_argument || ptr != end) {
    error(e, fmt::format("must be {}, got \"{}\"", what, *s));
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    error(e, fmt::format("must be {}, got {}", what, *s));
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::seconds> reader::duration(const entry& e, bool allow_zero) {
  auto s = scalar(e, "a duration like 90s, 15m, 25h or 7d");
  if (!s) return std::nullopt;
  auto parsed = core::parse_duration(*s);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    error(e, *message);
    return std::nullopt;
  }
  const auto d = std::get<std::chrono::seconds>(parsed);
  if (d.count() == 0 && !allow_zero) {
    error(e, fmt::format("must be a positive duration, got {}", *s));
    return std::nullopt;
  }
  return d;
}

std::optional<std::uint64_t> reader::size(const entry& e, std::uint64_t min, std::uint64_t max) {
  constexpr std::string_view what = "a size like 102400, 100KiB or 1MiB";
  auto s = scalar(e, what);
  if (!s) return std::nullopt;
  auto malformed = [&] {
    error(e, fmt::format("must be {}, got \"{}\"", what, *s));
    return std::nullopt;
  };
  const std::string_view text = *s;
  std::size_t i = 0;
  std::uint64_t n = 0;
  bool too_big = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (too_big) continue;  // stop accumulating before it could overflow
    n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
    too_big = n > max;
  }
  if (i == 0) return malformed();
  while (i < text.size() && text[i] == ' ') ++i;
  const std::string unit = ascii_lower(text.substr(i));
  struct size_unit {
    std::string_view name;
    std::uint64_t bytes;
  };
  static constexpr size_unit size_units[] = {{"", 1},
                                             {"b", 1},
                                             {"kb", 1000},
                                             {"kib", 1024},
                                             {"mb", 1000 * 1000},
                                             {"mib", 1024 * 1024},
                                             {"gb", 1000 * 1000 * 1000},
                                             {"gib", 1024 * 1024 * 1024}};
  const auto* found = std::find_if(std::begin(size_units), std::end(size_units),
                                   [&](const size_unit& u) { return u.name == unit; });
  if (found == std::end(size_units)) return malformed();
  const std::uint64_t multiplier = found->bytes;
  if (too_big || n > max / multiplier || n * multiplier < min) {
    error(e, fmt::format("must be a size from {} to {}, got \"{}\"", format_size(min), format_size(max), *s));
    return std::nullopt;
  }
  return n * multiplier;
}

}  // namespace uptime::config::detail
