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

namespace {
std::variant<push_report, push_body_error> read(std::string_view signal, std::string_view body = "",
                                                std::vector<std::pair<std::string, std::string>> query = {},
                                                bool required = false) {
  return read_push({signal, body, std::move(query), required});
}
push_report ok(std::variant<push_report, push_body_error> r) {
  REQUIRE(std::holds_alternative<push_report>(r));
  return std::get<push_report>(r);
}
std::string error_of(std::variant<push_report, push_body_error> r) {
  REQUIRE(std::holds_alternative<push_body_error>(r));
  return std::get<push_body_error>(r).message;
}
}  // namespace

TEST_CASE("the path's signal says start, fail, log or an exit code") {
  CHECK(ok(read("start")).signal == push_signal::start);
  CHECK(ok(read("fail")).signal == push_signal::failure);
  CHECK(ok(read("log", "step 2 done")).signal == push_signal::log);
  CHECK(ok(read("log", "step 2 done")).message == "step 2 done");
  CHECK(ok(read("0")).signal == push_signal::success);
  CHECK(ok(read("0")).exit_code == 0);
  const auto three = ok(read("3", R"({"message":"disk full"})"));
  CHECK(three.signal == push_signal::failure);
  CHECK(three.exit_code == 3);
  CHECK(three.message == "disk full");
  CHECK(ok(read("255")).exit_code == 255);
}

TEST_CASE("an exit code over 255 or an unknown signal is refused") {
  CHECK(error_of(read("256")) == "exit code must be 0-255, got 256");
  CHECK(error_of(read("99999999999999")).find("exit code must be 0-255") == 0);
  CHECK(error_of(read("stop")) == "unknown signal \"stop\"; expected start, fail, log or an exit code 0-255");
  CHECK(error_of(read("-1")).find("unknown signal") == 0);
}

TEST_CASE("rid pairs runs and must be a UUID") {
  CHECK(ok(read("start", "", {{"rid", "2F1C4A9E-8d1b-4c1e-9a7e-3b5d2c7e9f10"}})).run_id ==
        "2F1C4A9E-8d1b-4c1e-9a7e-3b5d2c7e9f10");
  CHECK(error_of(read("", "", {{"rid", "run-42"}})).find("rid must be a UUID") == 0);
  CHECK(is_uuid("00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(is_uuid("00000000-0000-0000-0000-00000000000g"));
  CHECK_FALSE(is_uuid("000000000000-0000-0000-0000-00000000"));
}

TEST_CASE("Uptime Kuma's status and msg query parameters work on the plain URL") {
  const auto down = ok(read("", "", {{"status", "down"}, {"msg", "db unreachable"}, {"ping", "12"}}));
  CHECK(down.signal == push_signal::failure);
  CHECK(down.message == "db unreachable");
  const auto up = ok(read("", "", {{"status", "up"}, {"msg", "OK"}}));
  CHECK(up.signal == push_signal::success);
  CHECK(up.message == "OK");
  // A Kuma push carries its report in the query, which satisfies require_payload.
  CHECK(ok(read("", "", {{"status", "up"}}, true)).signal == push_signal::success);
}

TEST_CASE("a failure named anywhere makes the push a failure") {
  CHECK(ok(read("0", R"({"status":"error"})")).signal == push_signal::failure);
  CHECK(ok(read("fail", R"({"status":"ok"})")).signal == push_signal::failure);
}

TEST_CASE("require_payload applies to finishes, not to start and log signals") {
  CHECK(error_of(read("", "", {}, true)).find("requires a JSON object body") != std::string::npos);
  CHECK(error_of(read("0", "", {}, true)).find("requires a JSON object body") != std::string::npos);
  CHECK(ok(read("start", "", {}, true)).signal == push_signal::start);
}

TEST_CASE("a message that is not valid UTF-8 is repaired where it enters, not refused") {
  const auto raw = report("disk \xFF\xFE full");
  CHECK(raw.message == "disk \xEF\xBF\xBD\xEF\xBF\xBD full");
  // A German error cut mid-character by the README's `tail -c` wrapper.
  auto fail = read_push({"fail", "Schreibfehler auf Ger\xC3", {}, false});
  REQUIRE(std::holds_alternative<push_report>(fail));
  CHECK(std::get<push_report>(fail).signal == push_signal::failure);
  CHECK(std::get<push_report>(fail).message == "Schreibfehler auf Ger\xEF\xBF\xBD");
  // Uptime Kuma's ?msg= is percent-decoded, so it can carry any byte too.
  auto kuma = read_push({"", "", {{"status", "down"}, {"msg", "caf\xE9"}}, false});
  REQUIRE(std::holds_alternative<push_report>(kuma));
  CHECK(std::get<push_report>(kuma).message == "caf\xEF\xBF\xBD");
}

TEST_CASE("a long ill-formed message stays within the limit once repaired") {
  const auto r = report(std::string(3000, '\xFF'));
  CHECK(r.message.size() <= max_message_chars + std::string("…").size());
  CHECK(r.message.substr(r.message.size() - 3) == "…");
  const auto cut_in_char = report(std::string(999, 'a') + "\xE2\x82\xAC tail");
  CHECK(cut_in_char.message == std::string(999, 'a') + "…");
}
