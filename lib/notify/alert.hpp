// What an alert says and how it leaves: the alert (one state change of one monitor, for one
// channel), a channel's settings, and what to send — an HTTP request or an e-mail — rendered by
// pure functions, one file per channel type under channels/. Sending, retries and the outbox
// are the dispatcher's (dispatcher.hpp); nothing here does I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/time.hpp"

namespace uptime::notify {

enum class alert_event { down, up, reminder, test };
std::string_view to_string(alert_event e);  // "down", "up", "reminder", "test"

struct alert {
  std::string alert_id;  // unique per alert and channel, stable across retries (receivers de-duplicate)
  alert_event event = alert_event::down;
  std::int64_t monitor_id = 0;
  std::string monitor_name;
  std::string monitor_group;
  std::string monitor_type = "push";
  std::string status;           // "down" | "up" | "pending"
  std::string previous_status;  // "down" | "up" | "pending"
  std::string message;          // why: the missed deadline, or the job's own message
  core::utc_time occurred_at;   // when the state changed (reminders: when it went DOWN)
  std::optional<core::utc_time> last_push_at;
  std::optional<core::utc_time> next_expected_by;
  std::string push_host;        // host[:port] of the push URL, never the secret
  std::optional<double> duration_seconds;  // the finished run's duration, when known
};

// A configured channel: its name, type and fields as text after ${VAR} substitution. Lists
// are joined with ","; maps (webhook headers) are "Name: value" lines joined with "\n".
struct channel {
  std::string name;
  std::string type;
  std::map<std::string, std::string> fields;
  std::string field(const std::string& key, const std::string& fallback = "") const {
    auto it = fields.find(key);
    return it == fields.end() ? fallback : it->second;
  }
};

struct http_request {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string ca_file;  // extra CA bundle for a self-hosted service; "" = the system's
};

enum class smtp_security { none, starttls, tls };

struct email {
  std::string host;
  int port = 25;
  smtp_security security = smtp_security::starttls;
  std::string username;
  std::string password;
  std::string from;             // envelope sender (address only)
  std::vector<std::string> to;  // envelope recipients (addresses only)
  std::string message;          // the whole RFC 5322 message, CRLF line ends
  std::string ca_file;          // extra CA bundle (a private or self-signed server); "" = the system's
};

using outbound = std::variant<http_request, email>;

// Builds what `alert` sends through `ch`, or says why it cannot (a message for the log and
// for notify-test). `now` is an e-mail's Date; its Message-ID is made from alert_id and the
// sender's domain, so a retried alert keeps its Message-ID.
std::variant<outbound, std::string> render(const channel& ch, const alert& a, core::utc_time now);

// The words a person reads at 3 am, shared by every channel.
std::string headline(const alert& a);  // "[DOWN] Daily Backup Job"
std::string details(const alert& a);   // multi-line plain text: group, state, since, last push, reason, host

}  // namespace uptime::notify
