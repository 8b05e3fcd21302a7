// Fuzz target for the alert JSON the outbox keeps (notify/alert_json.hpp): what is written to
// the outbox must always read back, or a retried alert is lost (issue 12, defect 1).
// - An alert built from the input (FuzzedDataProvider; texts of any bytes, any event and id,
//   times in whole seconds from 1970 to 9999 as the outbox keeps them, a duration in whole
//   milliseconds as runs are measured) goes through
//   to_json and alert_from_json: it must read back, the JSON must be valid UTF-8, and every
//   field must come back equal, except that a text that was not valid UTF-8 comes back as some
//   valid UTF-8 (the fix replaces invalid sequences with U+FFFD where texts enter).
// - The input's raw bytes go to alert_from_json: no crash, and an alert it reads writes and
//   reads back the same (times to the second: the outbox keeps whole seconds; a duration to
//   within an ulp or so: Boost.JSON 1.81 does not read every 17-digit number back to the exact
//   double it was written from, e.g. -1.79769313486231E308, harmless for a duration shown
//   rounded, and not a problem for the durations runs have, which are whole milliseconds).
#include <cmath>
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notify/alert_json.hpp"
#include "support.hpp"

namespace {

using namespace uptime;
using fuzz::is_valid_utf8;
using fuzz::require;

void require_same_text(const std::string& written, const std::string& read, const char* property) {
  if (is_valid_utf8(written)) require(read == written, property, written);
  else require(is_valid_utf8(read), "a text that was not UTF-8 reads back as valid UTF-8", read);
}

std::optional<core::utc_time> to_second(std::optional<core::utc_time> t) {
  if (!t) return t;
  return core::floor_to_second(*t);
}

bool same_duration(std::optional<double> a, std::optional<double> b, bool exact) {
  if (a == b || exact || !a || !b) return a == b;
  return std::fabs(*a - *b) <= 1e-15 * std::fmax(std::fabs(*a), std::fabs(*b));
}

// `read` is `written` after a trip through the outbox.
void require_same_alert(const notify::alert& written, const notify::alert& read, bool exact_duration) {
  require_same_text(written.alert_id, read.alert_id, "alert_id reads back");
  require(read.event == written.event, "event reads back");
  require(read.monitor_id == written.monitor_id, "monitor_id reads back");
  require_same_text(written.monitor_name, read.monitor_name, "monitor_name reads back");
  require_same_text(written.monitor_group, read.monitor_group, "monitor_group reads back");
  require_same_text(written.monitor_type, read.monitor_type, "monitor_type reads back");
  require_same_text(written.status, read.status, "status reads back");
  require_same_text(written.previous_status, read.previous_status, "previous_status reads back");
  require_same_text(written.message, read.message, "message reads back");
  require(read.occurred_at == core::floor_to_second(written.occurred_at), "occurred_at reads back");
  require(read.last_push_at == to_second(written.last_push_at), "last_push_at reads back");
  require(read.next_expected_by == to_second(written.next_expected_by),
          "next_expected_by reads back");
  require_same_text(written.push_host, read.push_host, "push_host reads back");
  require(same_duration(written.duration_seconds, read.duration_seconds, exact_duration),
          "duration_seconds reads back");
}

// Written, then read: it must come back.
void require_round_trip(const notify::alert& a, bool exact_duration) {
  const std::string json = notify::to_json(a);
  require(is_valid_utf8(json), "to_json writes valid UTF-8", json);
  const auto read = notify::alert_from_json(json);
  require(read.has_value(), "every alert to_json writes reads back", json);
  require_same_alert(a, *read, exact_duration);
}

// Whole seconds from 1970 to 9999-12-31T23:59:59Z: what format_iso writes and parse_iso reads.
core::utc_time fuzzed_time(FuzzedDataProvider& in) {
  return core::utc_time{std::chrono::seconds{in.ConsumeIntegralInRange<std::int64_t>(0, 253402300799)}};
}

std::optional<core::utc_time> fuzzed_optional_time(FuzzedDataProvider& in) {
  if (!in.ConsumeBool()) return std::nullopt;
  return fuzzed_time(in);
}

constexpr std::array<notify::alert_event, 4> events{notify::alert_event::down, notify::alert_event::up,
                                                    notify::alert_event::reminder, notify::alert_event::test};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  if (const auto read = notify::alert_from_json(raw)) {
    require(!read->alert_id.empty(), "an alert read has an alert_id", raw);
    require_round_trip(*read, false);
  }

  FuzzedDataProvider in(data, size);
  notify::alert a;
  a.event = in.PickValueInArray(events);
  a.monitor_id = in.ConsumeIntegral<std::int64_t>();
  a.occurred_at = fuzzed_time(in);
  a.last_push_at = fuzzed_optional_time(in);
  a.next_expected_by = fuzzed_optional_time(in);
  if (in.ConsumeBool())
    a.duration_seconds = double(in.ConsumeIntegralInRange<std::int64_t>(0, 3'162'240'000'000)) / 1000.0;
  // alert_id is never empty (new_alert_id makes it); everything else may be anything.
  a.alert_id = in.ConsumeRandomLengthString(40);
  if (a.alert_id.empty()) a.alert_id = "2f1c4a9e-8d1b-4c1e-9a7e-3b5d2c7e9f10";
  a.monitor_name = in.ConsumeRandomLengthString(200);
  a.monitor_group = in.ConsumeRandomLengthString(100);
  a.monitor_type = in.ConsumeRandomLengthString(10);
  a.status = in.ConsumeRandomLengthString(10);
  a.previous_status = in.ConsumeRandomLengthString(10);
  a.push_host = in.ConsumeRandomLengthString(100);
  a.message = in.ConsumeRemainingBytesAsString();
  require_round_trip(a, true);
  return 0;
}
