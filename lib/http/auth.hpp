// The authentication seam: a route may require an authenticator, which looks at a request
// before its handler runs and either lets it through with an identity or answers it itself
// (401 with WWW-Authenticate, 403). What a credential is (an API key, a session cookie) and
// where identities come from belong to the authenticator, not to the HTTP layer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/request.hpp"
#include "http/response.hpp"

namespace uptime::http_api {

// Who a request proved to be, in the authenticator's terms.
struct identity {
  std::string subject;  // e.g. an API key's name
  std::string scope;    // what it may do, e.g. "read" or "write"
};

// Implementations are called on the io thread only, and must answer at once: they read what
// they know from memory (a key table kept current by whoever owns it), never a disk.
class authenticator {
 public:
  virtual ~authenticator() = default;
  // The identity `req` proves, or the answer that refuses it.
  virtual std::variant<identity, response> authenticate(const request& req) = 0;
};

// The token of an `Authorization: Bearer <token>` field (the scheme in any case), or nullopt
// when the field is absent, of another scheme, or not one token (a field sent twice).
std::optional<std::string_view> bearer_token(const request& req);

// 401 `{"error":"<message>"}` with `WWW-Authenticate: <challenge>` (e.g. `Bearer`).
response unauthorized(std::string challenge, std::string_view message = "Unauthorized");

}  // namespace uptime::http_api
