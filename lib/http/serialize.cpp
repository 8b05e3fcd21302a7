// A response's bytes on the wire (see serialize.hpp).
#include "http/serialize.hpp"

#include <charconv>

namespace uptime::http_api {

void serialize(const response& res, std::string& out, bool with_body) {
  out += res.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char number[20];
  std::to_chars(number, number + 3, static_cast<unsigned>(res.status));
  out.append(number, 3);
  out += ' ';
  out += http::obsolete_reason(res.status);
  if (res.content_type == json_content_type && res.cache_control == no_store) {
    out += "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n";  // every API answer
  } else {
    out += "\r\nContent-Type: ";
    out += res.content_type;
    out += "\r\n";
    if (!res.cache_control.empty()) {
      out += "Cache-Control: ";
      out += res.cache_control;
      out += "\r\n";
    }
  }
  for (const auto& h : res.headers) {
    out += h.name;
    out += ": ";
    // A value may come from a request (a Location, an ETag): a line break in it would end the
    // header early and let it write fields, or a whole answer, of its own.
    for (const char c : h.value) out += c == '\r' || c == '\n' ? ' ' : c;
    out += "\r\n";
  }
  const auto body = res.body.view();
  out += "Content-Length: ";
  out.append(number, std::to_chars(number, number + sizeof number, body.size()).ptr);
  // HTTP/1.1 is persistent unless it says otherwise; HTTP/1.0 the other way round.
  if (res.version == 10 && res.keep_alive)
    out += "\r\nConnection: keep-alive";
  else if (res.version != 10 && !res.keep_alive)
    out += "\r\nConnection: close";
  out += "\r\n\r\n";
  if (!res.head && with_body) out += body;
}

}  // namespace uptime::http_api
