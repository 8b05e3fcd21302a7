// What a push body means: JSON object with status/message, raw text, and require_payload.
#include <catch2/catch.hpp>

#include "core/push_body.hpp"

using namespace uptime::core;

namespace {
push_report report(std::string_view body, bool required = false) {
  auto r = parse_push_body(body, required);
  REQUIRE(std::holds_alternative<push_report>(r));
  return std::get<push_report>(r);
}
bool refused(std::string_view body) {
  return std::holds_alternative<push_body_error>(parse_push_body(body, true));
}
}  // namespace

TEST_CASE("an empty body is a plain success") {
  const auto r = report("");
  CHECK(r.signal == push_signal::success);
  CHECK(r.message.empty());
}

TEST_CASE("a JSON status of error, fail, failure or down is a failure with its message") {
  const auto r = report(R"({"status":"error","message":"disk full","details":{"code":28}})");
  CHECK(r.signal == push_signal::failure);
  CHECK(r.message == "disk full");
  CHECK(report(R"({"status":"FAIL"})").signal == push_signal::failure);
  CHECK(report(R"({"status":"ok","message":"fine"})").signal == push_signal::success);
  CHECK(report(R"({"status":42})").signal == push_signal::success);
}

TEST_CASE("invalid JSON is kept as the message text when no payload is required") {
  CHECK(report("backup done in 42s\n").message == "backup done in 42s");
  CHECK(report("status=error").message == "status=error");
  CHECK(report("status=error").signal == push_signal::success);
  CHECK(report("[1,2]").message == "[1,2]");
}

TEST_CASE("a non-string message is kept as its JSON text") {
  CHECK(report(R"({"message":{"rows":3}})").message == R"({"rows":3})");
}

TEST_CASE("long messages are cut without splitting a UTF-8 character") {
  std::string body(max_message_chars - 1, 'a');
  body += "é";  // two bytes straddling the limit
  body += std::string(50, 'b');
  const auto m = report(body).message;
  CHECK(m == std::string(max_message_chars - 1, 'a') + "…");
}

TEST_CASE("require_payload refuses a push without a JSON object body") {
  CHECK(refused(""));
  CHECK(refused("   "));
  CHECK(refused("not json"));
  CHECK(refused("[1]"));
  CHECK(refused("\"text\""));
  CHECK_FALSE(refused("{}"));
  CHECK_FALSE(refused(R"({"status":"ok"})"));
}
