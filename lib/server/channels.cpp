// Channel conversion and the notify-test delivery (see channels.hpp).
#include "server/channels.hpp"

#include <optional>

#include "core/url.hpp"
#include "net.hpp"
#include "notify/alert_json.hpp"
#include "notify/transport.hpp"
#include "monitors/clock.hpp"

namespace uptime::server {

std::map<std::string, notify::channel> channels_of(const config::config& cfg) {
  std::map<std::string, notify::channel> out;
  for (const auto& [name, c] : cfg.notifications) out[name] = notify::channel{c.name, c.type, c.fields};
  return out;
}

std::string host_of(const std::string& base_url) {
  if (const auto url = core::parse_http_url(base_url)) return url->host_and_port();
  return base_url.substr(0, base_url.find('/'));  // not a URL (config refuses those): as written
}

int send_test_alert(const config::config& cfg, const std::string& channel_name, std::ostream& out) {
  const auto channels = channels_of(cfg);
  const auto ch = channels.find(channel_name);
  if (ch == channels.end()) {
    out << "No channel named \"" << channel_name << "\" under notifications: in "
        << cfg.file.string() << '\n';
    return 1;
  }
  const monitors::system_clock wall;
  notify::alert a;
  a.alert_id = notify::new_alert_id();
  a.event = notify::alert_event::test;
  a.monitor_id = 0;
  a.monitor_name = "uptime-monitor test alert";
  a.status = "up";
  a.previous_status = "up";
  a.message = "This is a test of the \"" + channel_name + "\" channel, sent by uptime-monitor notify-test.";
  a.occurred_at = wall.now();
  a.push_host = host_of(cfg.public_base_url());
  auto rendered = notify::render(ch->second, a, wall.now());
  if (auto* why = std::get_if<std::string>(&rendered)) {
    out << "Not sent: " << *why << '\n';
    return 1;
  }
  net::io_context io;
  // The answer is posted from the transport's thread: keep run_one() waiting until it comes.
  auto keep_running = net::make_work_guard(io);
  notify::curl_transport transport(io.get_executor());
  std::optional<notify::delivery_result> result;
  transport.send(std::move(std::get<notify::outbound>(rendered)),
                 [&](notify::delivery_result r) { result = std::move(r); });
  while (!result) io.run_one();
  transport.stop();
  if (result->ok) {
    out << "Delivered a test alert via \"" << channel_name << "\" (" << ch->second.type << ")\n";
    return 0;
  }
  out << "Not delivered via \"" << channel_name << "\" (" << ch->second.type
      << "): " << result->error << '\n';
  return 1;
}

}  // namespace uptime::server
