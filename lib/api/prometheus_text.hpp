// Prometheus' text exposition format (version 0.0.4), written into one std::string: families
// with their # HELP and # TYPE lines, samples with labels, histograms. It knows the format's
// rules (label escaping, the float text, +Inf, no NaN) and nothing of monitors; metrics.cpp says
// what is exposed. Made for a scrape of 100,000 monitors (a million lines, tens of MB): every
// line is appended to the caller's string (reserve it once), numbers are written in place,
// nothing is allocated per line; label sets are rendered once (label text) and reused by every
// family that carries them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/histogram.hpp"

namespace uptime::api {

enum class metric_type { counter, gauge, histogram };
std::string_view to_string(metric_type t);  // "counter", "gauge", "histogram"

// Appends a label value with \ " and newline escaped (\\ \" \n), as the format requires.
void append_label_value(std::string& out, std::string_view value);

// Appends `name="value"` (value escaped), preceded by a comma unless `out` is empty: label
// text, ready to go between the braces of any number of samples.
void append_label(std::string& out, std::string_view name, std::string_view value);

// Appends a sample value as Go's strconv.ParseFloat (Prometheus) reads it: a whole number
// below 2^53 as plain digits (a Unix time is 1767225600, not 1.7672256e+09), others in the
// shortest form that reads back exactly, +Inf and -Inf. A NaN is the caller's to avoid
// (prometheus_text::sample drops it).
void append_value(std::string& out, double value);

class prometheus_text {
 public:
  // Appends to `out`, which must outlive this writer.
  explicit prometheus_text(std::string& out) : out_(out) {}

  // `# HELP name help` and `# TYPE name type`: a family starts; its samples follow, all
  // together (the format requires one group per family). `help` may hold anything: a
  // backslash and a newline are escaped.
  void family(std::string_view name, metric_type type, std::string_view help);

  // `name{labels,more_labels} value`: `labels` and `more_labels` are label text
  // (append_label), either may be empty. A NaN value writes nothing and returns false: it
  // would read as "no data" to some consumers and as a real value to others; leaving the
  // series out says "unknown" plainly.
  bool sample(std::string_view name, std::string_view labels, double value,
              std::string_view more_labels = {});

  // The `_bucket{le=…}` series (cumulative, +Inf last), `_sum` and `_count` of a histogram
  // family called `name` (whose family() line came first).
  void histogram(std::string_view name, std::string_view labels, const util::histogram_snapshot& h);

 private:
  void open_sample(std::string_view name, std::string_view suffix, std::string_view labels,
                   std::string_view more_labels);

  std::string& out_;
};

}  // namespace uptime::api
