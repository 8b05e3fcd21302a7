// A response's bytes on the wire (see serialize.hpp).
#include "http/serialize.hpp"

#include <charconv>

namespace uptime::http_api {

void serialize(const response& res, std::string& out) {
  out += res.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char number[20];
  std::to_chars(number, number + 3, static_cast<unsigned>(res.status));
  out.append(number, 3);
  out += ' ';
  out += http::obsolete_reason(res.status);
  out += "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n";
  if (!res.allow.empty()) {
    out += "Allow: ";
    out += res.allow;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out.append(number, std::to_chars(number, number + sizeof number, res.body.size()).ptr);
  // HTTP/1.1 is persistent unless it says otherwise; HTTP/1.0 the other way round.
  if (res.version == 10 && res.keep_alive)
    out += "\r\nConnection: keep-alive";
  else if (res.version != 10 && !res.keep_alive)
    out += "\r\nConnection: close";
  out += "\r\n\r\n";
  if (!res.head) out += res.body;
}

}  // namespace uptime::http_api
