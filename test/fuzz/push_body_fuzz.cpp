// Fuzz target for what a push says (core/push_body.hpp): read_push with the input split into a
// signal, query pairs, require_payload and a body (FuzzedDataProvider; test/fuzz/seeds.py writes
// the seed corpus in that layout), and parse_push_body on the whole input. Beyond "no crash":
// - a report's message is at most max_message_chars bytes, plus "…" when it was cut;
// - a message is valid UTF-8 whatever the job sent (checked with the target's own validator,
//   not core's);
// - the path decides: "fail" is a failure, "start" and "log" keep their signal, an exit code
//   is kept (0-255) and makes the push a failure unless 0; a run id is a UUID or empty.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/push_body.hpp"
#include "support.hpp"

namespace {

using namespace uptime::core;
using uptime::fuzz::is_valid_utf8;
using uptime::fuzz::require;

// A job's text (body, ?msg=) is made valid UTF-8 where it enters, whatever it was.
void require_message_utf8(const std::string& message) {
  require(is_valid_utf8(message), "a push's message is valid UTF-8", message);
}

void require_message_capped(const std::string& message) {
  constexpr std::string_view ellipsis = "…";
  require(message.size() <= max_message_chars + ellipsis.size(),
          "a push's message is at most max_message_chars bytes plus the ellipsis", message);
  if (message.size() > max_message_chars)
    require(message.ends_with(ellipsis), "a message over the limit ends with the ellipsis", message);
}

// The names read_push looks at, and some it must ignore; a fuzzed name otherwise.
constexpr std::array<const char*, 6> query_names{"rid", "msg", "status", "ping", "Msg", "rid "};
constexpr std::array<const char*, 9> signals{"", "start", "fail", "log", "0", "1", "255", "256", "Start"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view whole(reinterpret_cast<const char*>(data), size);
  for (const bool require_payload : {false, true}) {
    const auto r = parse_push_body(whole, require_payload);
    if (const auto* report = std::get_if<push_report>(&r)) {
      require_message_capped(report->message);
      require_message_utf8(report->message);
    }
  }

  FuzzedDataProvider in(data, size);
  push_request_parts parts;
  parts.require_payload = in.ConsumeBool();
  const int pairs = in.ConsumeIntegralInRange(0, 4);
  const bool pick_signal = in.ConsumeBool();
  const std::string signal =
      pick_signal ? std::string(in.PickValueInArray(signals)) : in.ConsumeRandomLengthString(16);
  parts.signal = signal;
  for (int i = 0; i < pairs; ++i) {
    const bool known = in.ConsumeBool();
    std::string name = known ? std::string(in.PickValueInArray(query_names))
                             : in.ConsumeRandomLengthString(8);
    std::string value = in.ConsumeRandomLengthString(1500);
    parts.query.emplace_back(std::move(name), std::move(value));
  }
  const std::string body = in.ConsumeRemainingBytesAsString();
  parts.body = body;

  const auto result = read_push(parts);
  const auto* report = std::get_if<push_report>(&result);
  if (!report) {
    require(!std::get<push_body_error>(result).message.empty(), "a refused push has a message",
            signal);
    return 0;
  }
  require_message_capped(report->message);
  require_message_utf8(report->message);
  require(report->run_id.empty() || is_uuid(report->run_id), "a run id is a UUID",
          report->run_id);
  if (signal == "start")
    require(report->signal == push_signal::start, "/start is a start", signal);
  else if (signal == "log")
    require(report->signal == push_signal::log, "/log is a log", signal);
  else if (signal == "fail")
    require(report->signal == push_signal::failure, "/fail is a failure", signal);
  else if (!signal.empty()) {
    require(report->exit_code.has_value(), "an exit-code push keeps its code", signal);
    require(*report->exit_code >= 0 && *report->exit_code <= 255, "an exit code is 0-255", signal);
    if (*report->exit_code != 0)
      require(report->signal == push_signal::failure, "a non-zero exit code is a failure", signal);
  }
  if (signal.empty() || signal == "start" || signal == "log" || signal == "fail")
    require(!report->exit_code, "only an exit-code push has an exit code", signal);
  return 0;
}
