// Per-(monitor, channel) delivery queues with retries (see dispatcher.hpp).
#include "notify/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "core/text.hpp"

namespace uptime::notify {

dispatcher::dispatcher(net::io_context& io, transport& t, std::function<core::utc_time()> now,
                       core::retry_policy policy, outcomes report)
    : io_(io), transport_(t), now_(std::move(now)), policy_(policy), report_(std::move(report)) {}

void dispatcher::set_channels(std::map<std::string, channel> channels) {
  channels_ = std::move(channels);
}

void dispatcher::enqueue(queued_alert a) {
  key k{a.what.monitor_id, a.channel};
  auto& l = lanes_[k];
  if (!l) l = std::make_unique<lane>(io_);
  l->queue.push_back(std::move(a));
  pump(k);
}

void dispatcher::stop() {
  stopped_ = true;
  for (auto& [k, l] : lanes_) l->timer.cancel();
}

std::size_t dispatcher::pending() const {
  std::size_t n = 0;
  for (const auto& [k, l] : lanes_) n += l->queue.size();
  return n;
}

void dispatcher::pump(const key& k) {
  auto it = lanes_.find(k);
  if (it == lanes_.end()) return;
  auto& l = *it->second;
  if (l.busy || stopped_) return;
  if (l.queue.empty()) {
    lanes_.erase(it);
    return;
  }
  l.busy = true;
  const auto wait = l.queue.front().next_attempt_at - now_();
  if (wait <= std::chrono::milliseconds::zero()) {
    attempt(k);
    return;
  }
  l.timer.expires_after(wait);
  l.timer.async_wait([this, k](boost::system::error_code ec) {
    if (!ec && !stopped_) attempt(k);
  });
}

void dispatcher::attempt(const key& k) {
  auto& l = *lanes_.at(k);
  const auto& head = l.queue.front();
  const auto ch = channels_.find(head.channel);
  // Neither a missing channel nor settings that cannot render will mend by waiting.
  if (ch == channels_.end()) {
    give_up(k, "channel \"" + head.channel + "\" is no longer configured");
    return;
  }
  auto rendered = render(ch->second, head.what, now_());
  if (auto* why = std::get_if<std::string>(&rendered)) {
    give_up(k, *why);
    return;
  }
  transport_.send(std::move(std::get<outbound>(rendered)),
                  [this, k](delivery_result r) { on_result(k, std::move(r)); });
}

void dispatcher::give_up(const key& k, const std::string& why) {
  auto& l = *lanes_.at(k);
  l.busy = false;
  auto& head = l.queue.front();
  spdlog::error("Alert {} for monitor {} \"{}\" via {} given up: {}", to_string(head.what.event),
                head.what.monitor_id, head.what.monitor_name, head.channel, core::log_text(why).view());
  ++totals_[head.channel].given_up;
  if (report_.gave_up) report_.gave_up(head, now_(), why);
  l.queue.pop_front();
  pump(k);
}

void dispatcher::on_result(const key& k, delivery_result r) {
  auto it = lanes_.find(k);
  if (it == lanes_.end()) return;
  auto& l = *it->second;
  l.busy = false;
  auto& head = l.queue.front();
  const auto now = now_();
  const auto& a = head.what;
  if (r.ok) {
    ++head.attempts;
    spdlog::info("Alert {} for monitor {} \"{}\" delivered via {} (attempt {})", to_string(a.event),
                 a.monitor_id, a.monitor_name, head.channel, head.attempts);
    ++totals_[head.channel].delivered;
    if (report_.delivered) report_.delivered(head, now);
    l.queue.pop_front();
  } else {
    ++head.attempts;
    const auto retry_at = core::next_attempt_at(policy_, head.attempts, head.created_at, now);
    if (!retry_at || stopped_) {
      if (!retry_at) {
        spdlog::error("Alert {} for monitor {} \"{}\" via {} given up after {} attempts: {}",
                      to_string(a.event), a.monitor_id, a.monitor_name, head.channel, head.attempts,
                      core::log_text(r.error).view());  // (it may quote what the receiver sent)
        ++totals_[head.channel].given_up;
        if (report_.gave_up) report_.gave_up(head, now, r.error);
        l.queue.pop_front();
      } else {
        ++totals_[head.channel].failed;
        if (report_.failed) {
          head.next_attempt_at = now;
          report_.failed(head, r.error);
        }
      }
    } else {
      head.next_attempt_at = *retry_at;
      spdlog::warn("Alert {} for monitor {} \"{}\" via {} failed (attempt {}): {}; next try at {}",
                   to_string(a.event), a.monitor_id, a.monitor_name, head.channel, head.attempts,
                   core::log_text(r.error).view(), core::format_iso(*retry_at));
      ++totals_[head.channel].failed;
      if (report_.failed) report_.failed(head, r.error);
    }
  }
  pump(k);
}

}  // namespace uptime::notify
