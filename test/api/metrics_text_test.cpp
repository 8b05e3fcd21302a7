// The Prometheus text writer: label escaping, the float text Prometheus reads (whole numbers as
// digits, +Inf, never NaN), HELP and TYPE lines, and a histogram's bucket series.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "api/prometheus_text.hpp"

using namespace uptime;
using namespace uptime::api;

namespace {

std::string value_text(double v) {
  std::string out;
  append_value(out, v);
  return out;
}

}  // namespace

TEST_CASE("a label value has its backslashes, quotes and newlines escaped and nothing else") {
  std::string out;
  append_label_value(out, "a\\b \"quoted\"\nnext\tline é");
  CHECK(out == "a\\\\b \\\"quoted\\\"\\nnext\tline é");
}

TEST_CASE("label text joins labels with commas, ready for any number of samples") {
  std::string labels;
  append_label(labels, "id", "5");
  append_label(labels, "name", "Nightly \"db\" backup");
  CHECK(labels == "id=\"5\",name=\"Nightly \\\"db\\\" backup\"");
}

TEST_CASE("whole numbers are written as plain digits, however large a Unix time or counter is") {
  CHECK(value_text(0) == "0");
  CHECK(value_text(-0.0) == "0");
  CHECK(value_text(1) == "1");
  CHECK(value_text(-3) == "-3");
  CHECK(value_text(1767225600) == "1767225600");
  CHECK(value_text(1e15) == "1000000000000000");
  CHECK(value_text(9007199254740991.0) == "9007199254740991");
}

TEST_CASE("fractions are written in the shortest form that reads back exactly") {
  CHECK(value_text(0.5) == "0.5");
  CHECK(value_text(0.0005) == "0.0005");
  CHECK(value_text(1767225600.25) == "1767225600.25");
  CHECK(std::stod(value_text(0.1 + 0.2)) == 0.1 + 0.2);
  CHECK(std::stod(value_text(1e-9)) == 1e-9);
}

TEST_CASE("infinities are written as +Inf and -Inf") {
  CHECK(value_text(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(value_text(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("a NaN sample is left out rather than written") {
  std::string out;
  prometheus_text text(out);
  CHECK_FALSE(text.sample("x", "", std::nan("")));
  CHECK(out.empty());
  CHECK(text.sample("x", "", 2));
  CHECK(out == "x 2\n");
}

TEST_CASE("a family starts with its HELP and TYPE lines, HELP escaped") {
  std::string out;
  prometheus_text text(out);
  text.family("uptime_alerts_pending", metric_type::gauge, "Alerts \\ waiting\nto go");
  CHECK(out == "# HELP uptime_alerts_pending Alerts \\\\ waiting\\nto go\n"
               "# TYPE uptime_alerts_pending gauge\n");
}

TEST_CASE("a sample's labels and extra labels go between one pair of braces") {
  std::string out;
  prometheus_text text(out);
  text.sample("m", "id=\"1\"", 1, "state=\"up\"");
  text.sample("m", "", 0, "state=\"down\"");
  text.sample("m", "id=\"2\"", 3);
  text.sample("m", "", 4);
  CHECK(out == "m{id=\"1\",state=\"up\"} 1\nm{state=\"down\"} 0\nm{id=\"2\"} 3\nm 4\n");
}

TEST_CASE("a histogram writes cumulative buckets ending with +Inf, then its sum and count") {
  util::histogram_snapshot h;
  h.upper_bounds = {0.001, 0.5, 2};
  h.cumulative = {1, 3, 3, 4};
  h.sum = 7.25;
  h.count = 4;
  std::string out;
  prometheus_text(out).histogram("commit_seconds", "", h);
  CHECK(out ==
        "commit_seconds_bucket{le=\"0.001\"} 1\n"
        "commit_seconds_bucket{le=\"0.5\"} 3\n"
        "commit_seconds_bucket{le=\"2\"} 3\n"
        "commit_seconds_bucket{le=\"+Inf\"} 4\n"
        "commit_seconds_sum 7.25\n"
        "commit_seconds_count 4\n");
}

TEST_CASE("a histogram with no buckets at all still reads as a valid empty one") {
  std::string out;
  prometheus_text(out).histogram("h", "", util::histogram_snapshot{});
  CHECK(out == "h_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}
