// The request fields a handler sees, through the real listener on an ephemeral port with real
// sockets: the header fields coming features read (Authorization, X-Api-Key, Origin,
// If-None-Match, Accept-Encoding, Cookie, User-Agent), the decoded query, path parameters, the client's
// address, the body and keep-alive; and that none of them leaks into the next request on the
// same connection.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>

#include "http/listener.hpp"

using namespace uptime;
using namespace uptime::http_api;

namespace {

// Answers every request with what the handler saw, as JSON.
route_table echo_routes() {
  route_table routes;
  routes.add({http::verb::get, http::verb::post}, "/echo/{id}",
             [](request& req, const route_match& m, respond_fn respond) {
               json::array query;
               for (const auto& [k, v] : req.query) query.push_back(json::array{json::string(k), json::string(v)});
               respond(json_response(
                   http::status::ok,
                   json::object{{"method", req.method_string},
                                {"id", m.params.get("id")},
                                {"query", std::move(query)},
                                {"user_agent", req.user_agent},
                                {"authorization", req.authorization},
                                {"if_none_match", req.if_none_match},
                                {"accept_encoding", req.accept_encoding},
                                {"cookie", req.cookie},
                                {"x_api_key", req.x_api_key},
                                {"origin", req.origin},
                                {"source_address", req.source_address},
                                {"keep_alive", req.keep_alive},
                                {"body", req.body}}));
             });
  return routes;
}

// Reads one answer (its header says the body's length) from a blocking socket.
json::object read_answer(tcp::socket& s, std::string& buffer) {
  for (;;) {
    const auto end = buffer.find("\r\n\r\n");
    if (end != std::string::npos) {
      const auto at = buffer.find("Content-Length: ");
      REQUIRE(at < end);
      const auto length = std::stoul(buffer.substr(at + 16));
      if (buffer.size() >= end + 4 + length) {
        REQUIRE(buffer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
        auto body = json::parse(buffer.substr(end + 4, length)).as_object();
        buffer.erase(0, end + 4 + length);
        return body;
      }
    }
    char chunk[4096];
    const auto n = s.read_some(net::buffer(chunk));
    buffer.append(chunk, n);
  }
}

}  // namespace

TEST_CASE("a handler behind the real listener sees the header fields, query, address and body") {
  net::io_context io;
  auto routes = echo_routes();
  auto l = std::make_shared<listener>(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0),
                                      listener_settings{}, routes);
  l->start();
  const auto at = l->local_endpoint();
  auto guard = net::make_work_guard(io);
  std::thread server([&] { io.run(); });

  net::io_context client_io;
  tcp::socket s(client_io);
  s.connect(at);
  net::write(s, net::buffer(std::string(
                    "POST /echo/42?x=1&msg=hello%20there&flag HTTP/1.1\r\n"
                    "Host: x\r\n"
                    "User-Agent: probe/1.0\r\n"
                    "Authorization: Bearer s3cret\r\n"
                    "If-None-Match: \"v1\"\r\n"
                    "if-none-match: \"v2\"\r\n"
                    "Accept-Encoding: gzip, br\r\n"
                    "Cookie: a=1\r\n"
                    "Cookie: b=2\r\n"
                    "X-Api-Key: k-1\r\n"
                    "Origin: https://page.example\r\n"
                    "X-Not-Kept: whatever\r\n"
                    "Content-Length: 4\r\n"
                    "\r\n"
                    "body"
                    // The next request on the same connection sends none of those fields.
                    "GET /echo/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  std::string buffer;
  const auto first = read_answer(s, buffer);
  const auto second = read_answer(s, buffer);

  net::post(io, [&] { l->stop(); });
  guard.reset();
  server.join();

  CHECK(first.at("method") == "POST");
  CHECK(first.at("id") == "42");
  CHECK(first.at("query") == json::parse(R"([["x","1"],["msg","hello there"],["flag",""]])"));
  CHECK(first.at("user_agent") == "probe/1.0");
  CHECK(first.at("authorization") == "Bearer s3cret");
  CHECK(first.at("if_none_match") == "\"v1\", \"v2\"");  // one list, in order
  CHECK(first.at("accept_encoding") == "gzip, br");
  CHECK(first.at("cookie") == "a=1; b=2");
  CHECK(first.at("x_api_key") == "k-1");
  CHECK(first.at("origin") == "https://page.example");
  CHECK(first.at("source_address") == "127.0.0.1");
  CHECK(first.at("keep_alive") == true);
  CHECK(first.at("body") == "body");

  CHECK(second.at("method") == "GET");
  CHECK(second.at("id") == "7");
  CHECK(second.at("query").as_array().empty());
  for (auto field : {"user_agent", "authorization", "if_none_match", "accept_encoding", "cookie", "x_api_key", "origin", "body"})
    CHECK(second.at(field) == "");
  CHECK(second.at("source_address") == "127.0.0.1");
  CHECK(second.at("keep_alive") == false);
}
