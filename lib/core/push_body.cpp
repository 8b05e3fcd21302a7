// Reading a push's body (see push_body.hpp).
#include "core/push_body.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <optional>

#include "core/text.hpp"

namespace uptime::core {

namespace {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A job's text as a message: cut at max_message_chars without splitting a UTF-8 sequence,
// and valid UTF-8 whatever the job sent (a message cut mid-character by `tail -c`, a body in
// Latin-1): it goes into the database, alerts and JSON, where ill-formed text cannot be read
// back.
std::string cap(std::string_view s) {
  // Where to cut `t` so as not to split a sequence: back over at most three continuation
  // bytes (a sequence is at most four bytes; more are ill-formed anyway).
  const auto cut_point = [](std::string_view t) {
    std::size_t n = max_message_chars;
    for (int k = 0; k < 3 && n > 0 && (static_cast<unsigned char>(t[n]) & 0xC0) == 0x80; ++k) --n;
    return n;
  };
  bool cut = false;
  if (s.size() > max_message_chars) {
    s = s.substr(0, cut_point(s));
    cut = true;
  }
  std::string out(s);
  make_valid_utf8(out);
  if (out.size() > max_message_chars) {  // replacements are longer than the bytes they replace
    out.resize(cut_point(out));
    cut = true;
  }
  if (cut) out += "…";
  return out;
}

}  // namespace

std::variant<push_report, push_body_error> parse_push_body(std::string_view body,
                                                           bool require_payload) {
  const auto text = trim(body);
  boost::system::error_code ec;
  const auto value = text.empty() ? boost::json::value() : boost::json::parse(text, ec);
  if (text.empty() || ec || !value.is_object()) {
    if (require_payload)
      return push_body_error{
          text.empty() ? "This monitor requires a JSON object body, e.g. {\"status\":\"ok\"}"
                       : "The body must be a JSON object, e.g. {\"status\":\"ok\"}"};
    return push_report{push_signal::success, cap(text), std::nullopt, {}};
  }
  const auto& obj = value.as_object();
  push_report report;
  if (const auto* status = obj.if_contains("status")) {
    if (status->is_string() && is_failure_status(status->get_string()))
      report.signal = push_signal::failure;
  }
  if (const auto* message = obj.if_contains("message")) {
    report.message = message->is_string() ? cap(message->get_string())
                                          : cap(boost::json::serialize(*message));
  }
  return report;
}

bool is_uuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = t[i];
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

namespace {

const std::string* query_value(const push_request_parts& p, std::string_view name) {
  for (const auto& [k, v] : p.query)
    if (k == name) return &v;
  return nullptr;
}

// The signal segment: nullopt for an unknown one; exit codes as given (range checked later).
struct path_signal {
  push_signal signal = push_signal::success;
  std::optional<int> exit_code;
};
std::variant<path_signal, push_body_error> read_signal(std::string_view s) {
  if (s.empty()) return path_signal{};
  if (s == "start") return path_signal{push_signal::start, std::nullopt};
  if (s == "fail") return path_signal{push_signal::failure, std::nullopt};
  if (s == "log") return path_signal{push_signal::log, std::nullopt};
  if (s.size() <= 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const int code = std::stoi(std::string(s));
    if (code > 255) return push_body_error{"exit code must be 0-255, got " + std::string(s)};
    return path_signal{code == 0 ? push_signal::success : push_signal::failure, code};
  }
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return push_body_error{"exit code must be 0-255, got " + std::string(s.substr(0, 12))};
  return push_body_error{"unknown signal \"" + std::string(s.substr(0, 40)) +
                         "\"; expected start, fail, log or an exit code 0-255"};
}

}  // namespace

std::variant<push_report, push_body_error> read_push(const push_request_parts& parts) {
  auto sig = read_signal(parts.signal);
  if (auto* bad = std::get_if<push_body_error>(&sig)) return *bad;
  const auto& path = std::get<path_signal>(sig);

  std::string run_id;
  if (const auto* rid = query_value(parts, "rid")) {
    if (!is_uuid(*rid)) return push_body_error{"rid must be a UUID, e.g. 2f1c4a9e-8d1b-4c1e-9a7e-3b5d2c7e9f10"};
    run_id = *rid;
  }

  if (path.signal == push_signal::start || path.signal == push_signal::log) {
    push_report r;
    r.signal = path.signal;
    r.run_id = std::move(run_id);
    if (path.signal == push_signal::log) {
      auto body = parse_push_body(parts.body, false);
      r.message = std::get<push_report>(body).message;
    }
    return r;
  }

  // A finish: the body as before, then what the path and Uptime Kuma's query add.
  const auto* kuma_message = query_value(parts, "msg");
  const auto* kuma_status = query_value(parts, "status");
  const bool kuma_push = kuma_status || kuma_message;
  auto body = parse_push_body(parts.body, parts.require_payload && !kuma_push);
  if (auto* bad = std::get_if<push_body_error>(&body)) return *bad;
  auto report = std::get<push_report>(body);
  if (path.signal == push_signal::failure) report.signal = push_signal::failure;
  if (kuma_status && is_failure_status(*kuma_status)) report.signal = push_signal::failure;
  if (report.message.empty() && kuma_message) report.message = cap(*kuma_message);
  report.exit_code = path.exit_code;
  report.run_id = std::move(run_id);
  return report;
}

}  // namespace uptime::core
