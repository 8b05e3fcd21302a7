// Writes a `response` as HTTP/1.1 (or 1.0) bytes in one pass, with no field list. Used by the
// listener for every answer and by the fuzz target; no I/O of its own.
#pragma once

#include <string>

#include "http/response.hpp"

namespace uptime::http_api {

// The bytes of `res` as sent on the wire (status line, fields, blank line, body), appended to
// `out`: Content-Type, Cache-Control (unless empty), the extra fields in order,
// Content-Length, and Connection when the version's default is not what keep_alive says.
// A CR or LF in an extra field's value is sent as a space. With `with_body` false only the
// header is written (the caller sends a large body from where it is, uncopied).
void serialize(const response& res, std::string& out, bool with_body = true);

}  // namespace uptime::http_api
