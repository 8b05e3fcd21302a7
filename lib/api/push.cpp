// The push endpoint's routes and answers (see push.hpp).
#include "api/push.hpp"

#include <fmt/format.h>

#include <charconv>

namespace uptime::api {

namespace {

constexpr std::string_view not_found_message = "Push monitor not found";

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

void receive(push_receiver& receiver, push_answer_counts* counts, http_api::request& req,
             const http_api::route_match& match, http_api::respond_fn respond) {
  const auto id = parse_id(match.params[0]);
  if (!id) {
    if (counts) counts->add(http::status::not_found);
    respond(http_api::error_response(http::status::not_found, not_found_message));
    return;
  }
  push_request call;
  call.id = *id;
  call.secret_key = match.params[1];
  if (match.params.size() > 2) call.signal = match.params[2];
  call.query = std::move(req.query);
  call.method = req.method_string;
  call.body = std::move(req.body);
  call.source_address = req.source_address;
  call.user_agent = req.user_agent;
  const bool signal_segment = !call.signal.empty();
  receiver.receive(std::move(call), push_done(std::move(respond), signal_segment, counts));
}

}  // namespace

std::vector<std::pair<int, std::uint64_t>> push_answer_counts::totals() const {
  std::vector<std::pair<int, std::uint64_t>> out;
  for (std::size_t code = 100; code < counts_.size(); ++code)
    if (counts_[code] > 0 || code == 200 || code == 400 || code == 403 || code == 404 || code == 500)
      out.emplace_back(static_cast<int>(code), counts_[code]);
  return out;
}

void add_push_routes(http_api::route_table& routes, push_receiver& receiver, push_answer_counts* counts) {
  const auto methods = {http::verb::get, http::verb::post, http::verb::head};
  // Anything else under /api/push is a push URL gone wrong, and is told so.
  http_api::route_options options;
  options.not_found_message = not_found_message;
  const auto handler = [&receiver, counts](http_api::request& req, const http_api::route_match& match,
                                           http_api::respond_fn respond) {
    receive(receiver, counts, req, match, std::move(respond));
  };
  routes.add(methods, "/api/push/{id}/{key}", handler, options);
  routes.add(methods, "/api/push/{id}/{key}/{signal}", handler, options);
}

// Written by hand: every field is a number, a fixed word, an ISO time or a UUID (nothing to
// escape), and this runs for every push.
std::string push_answer(const push_accepted& facts, bool signal_segment) {
  std::string body;
  body.reserve(160);
  char number[32];
  body += R"({"success":true,"monitor_id":)";
  body.append(number, std::to_chars(number, number + sizeof number, facts.id).ptr);
  body += R"(,"received_at":")";
  body += core::format_iso_text(facts.received_at).view();
  body += R"(","next_expected_by":")";
  body += core::format_iso_text(facts.next_expected_by).view();
  body += '"';
  if (signal_segment) {
    body += R"(,"signal":")";
    body += core::to_string(facts.signal);
    body += '"';
  }
  if (!facts.run_id.empty()) {
    body += R"(,"run_id":")";
    body += facts.run_id;
    body += '"';
  }
  if (facts.duration)
    body += fmt::format(R"(,"duration_seconds":{:.3f})",
                        static_cast<double>(facts.duration->count()) / 1000.0);
  body += '}';
  return body;
}

void push_done::operator()(push_result result) {
  struct answer {
    bool signal_segment;
    http_api::response operator()(const push_accepted& a) const {
      return http_api::raw_json_response(http::status::ok, push_answer(a, signal_segment));
    }
    http_api::response operator()(const push_not_found&) const {
      return http_api::error_response(http::status::not_found, not_found_message);
    }
    http_api::response operator()(const push_wrong_key&) const {
      return http_api::error_response(http::status::forbidden, "Invalid secret key");
    }
    http_api::response operator()(const push_bad_body& b) const {
      return http_api::error_response(http::status::bad_request, b.message);
    }
    http_api::response operator()(const push_not_written&) const {
      return http_api::error_response(http::status::internal_server_error, "Internal server error");
    }
  };
  auto res = std::visit(answer{signal_segment_}, result);
  if (counts_) counts_->add(res.status);
  respond_(std::move(res));
}

}  // namespace uptime::api
