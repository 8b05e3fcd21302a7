// The text exposition format writer (see prometheus_text.hpp).
#include "api/prometheus_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <iterator>

namespace uptime::api {

std::string_view to_string(metric_type t) {
  switch (t) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::histogram: return "histogram";
  }
  return "untyped";
}

void append_label_value(std::string& out, std::string_view value) {
  // Runs of plain text are appended whole: most names have nothing to escape.
  std::size_t from = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(value.substr(from, i - from));
    out += c == '\n' ? std::string_view("\\n") : c == '"' ? std::string_view("\\\"") : std::string_view("\\\\");
    from = i + 1;
  }
  out.append(value.substr(from));
}

void append_label(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += ',';
  out += name;
  out += "=\"";
  append_label_value(out, value);
  out += '"';
}

void append_value(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  // Exactly representable whole numbers as digits: fmt's shortest form would switch to an
  // exponent from 1e16 on, and Unix times and counters read better (and diff better) plain.
  constexpr double exact_limit = 9007199254740992.0;  // 2^53
  if (std::fabs(value) < exact_limit && value == std::trunc(value)) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, static_cast<std::int64_t>(value)).ptr;
    out.append(digits, end);
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void prometheus_text::family(std::string_view name, metric_type type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (const char c : help) {
    if (c == '\\')
      out_ += "\\\\";
    else if (c == '\n')
      out_ += "\\n";
    else
      out_ += c;
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += to_string(type);
  out_ += '\n';
}

void prometheus_text::open_sample(std::string_view name, std::string_view suffix,
                                  std::string_view labels, std::string_view more_labels) {
  out_ += name;
  out_ += suffix;
  if (!labels.empty() || !more_labels.empty()) {
    out_ += '{';
    out_ += labels;
    if (!labels.empty() && !more_labels.empty()) out_ += ',';
    out_ += more_labels;
    out_ += '}';
  }
  out_ += ' ';
}

bool prometheus_text::sample(std::string_view name, std::string_view labels, double value,
                             std::string_view more_labels) {
  if (std::isnan(value)) return false;
  open_sample(name, {}, labels, more_labels);
  append_value(out_, value);
  out_ += '\n';
  return true;
}

void prometheus_text::histogram(std::string_view name, std::string_view labels,
                                const util::histogram_snapshot& h) {
  // Every bound, then +Inf (which holds the count: a snapshot with no buckets at all, from a
  // histogram never made, still reads as a valid empty one).
  std::string le;
  for (std::size_t i = 0; i <= h.upper_bounds.size(); ++i) {
    le.assign("le=\"");
    if (i < h.upper_bounds.size())
      append_value(le, h.upper_bounds[i]);
    else
      le += "+Inf";
    le += '"';
    open_sample(name, "_bucket", labels, le);
    const auto n = i < h.upper_bounds.size() && i < h.cumulative.size() ? h.cumulative[i] : h.count;
    append_value(out_, static_cast<double>(n));
    out_ += '\n';
  }
  if (!std::isnan(h.sum)) {
    open_sample(name, "_sum", labels, {});
    append_value(out_, h.sum);
    out_ += '\n';
  }
  open_sample(name, "_count", labels, {});
  append_value(out_, static_cast<double>(h.count));
  out_ += '\n';
}

}  // namespace uptime::api
