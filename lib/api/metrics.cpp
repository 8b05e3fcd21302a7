// The Prometheus endpoint: what a scrape shows and where it is built (see metrics.hpp).
#include "api/metrics.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>

#include "api/prometheus_text.hpp"

namespace uptime::api {

namespace {

constexpr std::array<std::string_view, 4> states = {"pending", "up", "down", "paused"};

// Every monitor's label text (`id="5",name="…",group="…"`) in one string: rendered once and
// used by each of its families, with no string per monitor.
struct monitor_labels {
  std::string text;
  std::vector<std::size_t> ends;  // monitor i's labels are text[ends[i-1], ends[i])

  explicit monitor_labels(const std::vector<monitor_sample>& monitors) {
    std::size_t names = 0;
    for (const auto& m : monitors) names += m.name.size() + m.group.size();
    text.reserve(names + monitors.size() * 40);
    ends.reserve(monitors.size());
    char id[24];
    for (const auto& m : monitors) {
      text += "id=\"";
      text.append(id, std::to_chars(id, id + sizeof id, m.id).ptr);
      text += "\",name=\"";
      append_label_value(text, m.name);
      text += "\",group=\"";
      append_label_value(text, m.group);
      text += '"';
      ends.push_back(text.size());
    }
  }
  std::string_view of(std::size_t i) const {
    const std::size_t from = i == 0 ? 0 : ends[i - 1];
    return std::string_view(text).substr(from, ends[i] - from);
  }
};

// Room for the whole text, so that it is built without growing (and copying) a string of tens
// of megabytes several times: per monitor, ten lines of a family name (up to 45 characters),
// its labels and a value.
std::size_t estimate(const monitor_labels& labels, std::size_t monitors) {
  return labels.text.size() * 10 + monitors * (10 * 70) + 16 * 1024;
}

void write_monitors(prometheus_text& out, const std::vector<monitor_sample>& monitors,
                    const monitor_labels& labels) {
  const auto each = [&](std::string_view name, metric_type type, std::string_view help, auto&& write) {
    out.family(name, type, help);
    for (std::size_t i = 0; i < monitors.size(); ++i) write(name, monitors[i], labels.of(i));
  };
  each("uptime_monitor_up", metric_type::gauge,
       "1 when the monitor is up, pending or paused; 0 when it is down.",
       [&](auto name, const monitor_sample& m, auto l) { out.sample(name, l, m.status == "down" ? 0 : 1); });
  out.family("uptime_monitor_state", metric_type::gauge,
             "1 for the monitor's current state (pending, up, down or paused), 0 for the others.");
  for (const auto state : states) {
    // One state at a time: the label text `state="…"` is made once per state.
    std::string state_label;
    append_label(state_label, "state", state);
    for (std::size_t i = 0; i < monitors.size(); ++i)
      out.sample("uptime_monitor_state", labels.of(i), monitors[i].status == state ? 1 : 0, state_label);
  }
  each("uptime_monitor_in_maintenance", metric_type::gauge,
       "1 while a maintenance window holds the monitor's alerts, else 0.",
       [&](auto name, const monitor_sample& m, auto l) { out.sample(name, l, m.in_maintenance ? 1 : 0); });
  const auto optional = [&](auto name, const std::optional<double>& v, auto l) {
    if (v) out.sample(name, l, *v);
  };
  each("uptime_monitor_last_push_timestamp_seconds", metric_type::gauge,
       "When the monitor's last push arrived, in Unix seconds; absent before its first push.",
       [&](auto name, const monitor_sample& m, auto l) { optional(name, m.last_push_seconds, l); });
  each("uptime_monitor_deadline_timestamp_seconds", metric_type::gauge,
       "When the monitor goes down unless a push arrives first, in Unix seconds; absent when it "
       "has no deadline (pending, down or paused).",
       [&](auto name, const monitor_sample& m, auto l) { optional(name, m.deadline_seconds, l); });
  each("uptime_monitor_last_run_duration_seconds", metric_type::gauge,
       "How long the monitor's last timed run took, from its start signal to its finish; absent "
       "when no run was timed.",
       [&](auto name, const monitor_sample& m, auto l) { optional(name, m.last_duration_seconds, l); });
  each("uptime_monitor_pushes_total", metric_type::counter,
       "Pushes the monitor received and acknowledged.",
       [&](auto name, const monitor_sample& m, auto l) {
         out.sample(name, l, static_cast<double>(m.pushes_total));
       });
}

void write_server(prometheus_text& out, const server_sample& s) {
  std::string labels;
  out.family("uptime_push_requests_total", metric_type::counter,
             "Answers of the push endpoint, by HTTP status code.");
  char code[8];
  for (const auto& [status, count] : s.push_answers) {
    labels.clear();
    const auto end = std::to_chars(code, code + sizeof code, status).ptr;
    append_label(labels, "code", std::string_view(code, static_cast<std::size_t>(end - code)));
    out.sample("uptime_push_requests_total", labels, static_cast<double>(count));
  }
  out.family("uptime_alerts_pending", metric_type::gauge,
             "Alerts waiting to be delivered: queued, being sent or waiting for a retry.");
  out.sample("uptime_alerts_pending", {}, static_cast<double>(s.alerts_pending));
  out.family("uptime_alert_deliveries_total", metric_type::counter,
             "Alert delivery attempts by channel and result: delivered, failed (to be retried) "
             "or given_up (no more attempts).");
  for (const auto& d : s.deliveries) {
    labels.clear();
    append_label(labels, "channel", d.channel);
    append_label(labels, "result", d.result);
    out.sample("uptime_alert_deliveries_total", labels, static_cast<double>(d.count));
  }
  out.family("uptime_store_commit_seconds", metric_type::histogram,
             "How long each database write transaction took, from its start to its commit.");
  out.histogram("uptime_store_commit_seconds", {}, s.commit_seconds);
  out.family("process_start_time_seconds", metric_type::gauge,
             "Start time of the process since the Unix epoch, in seconds.");
  if (s.start_time_seconds) out.sample("process_start_time_seconds", {}, *s.start_time_seconds);
  out.family("process_resident_memory_bytes", metric_type::gauge, "Resident memory size in bytes.");
  if (s.resident_memory_bytes)
    out.sample("process_resident_memory_bytes", {}, static_cast<double>(*s.resident_memory_bytes));
}

http_api::response text_response(std::string text) {
  http_api::response res;
  res.content_type = metrics_content_type;
  res.body = std::move(text);
  return res;
}

}  // namespace

std::string render_metrics(const std::vector<monitor_sample>& monitors, const server_sample& server) {
  const monitor_labels labels(monitors);
  std::string text;
  text.reserve(estimate(labels, monitors.size()));
  prometheus_text out(text);
  write_monitors(out, monitors, labels);
  write_server(out, server);
  return text;
}

metrics_endpoint::metrics_endpoint(net::io_context& io, metrics_source& source)
    : io_(io), source_(source) {
  // As the store's writer does: SCHED_BATCH (the same share of the CPU, no privilege needed)
  // lets the io thread finish its turn on a shared core before a build takes it, rather than
  // being preempted when the build is handed over. Best effort: ordinary scheduling otherwise.
  net::post(builder_, [] {
    sched_param none{};
    pthread_setschedparam(pthread_self(), SCHED_BATCH, &none);
  });
}

metrics_endpoint::~metrics_endpoint() {
  builder_.stop();
  builder_.join();
}

void metrics_endpoint::scrape(http_api::respond_fn respond) {
  waiting_.push_back(std::move(respond));
  if (building_) return;
  building_ = true;
  source_.sample_monitors([this](std::vector<monitor_sample> monitors) { on_sampled(std::move(monitors)); });
}

void metrics_endpoint::on_sampled(std::vector<monitor_sample> monitors) {
  auto server = source_.sample_server();
  net::post(builder_, [this, monitors = std::move(monitors), server = std::move(server)]() mutable {
    // By id, whatever order the source gathered them in: scrapes read (and diff) alike.
    std::sort(monitors.begin(), monitors.end(),
              [](const monitor_sample& a, const monitor_sample& b) { return a.id < b.id; });
    auto text = render_metrics(monitors, server);
    // Freed here, not on the io thread: 100,000 names and groups.
    std::vector<monitor_sample>().swap(monitors);
    net::post(io_, [this, text = std::move(text)]() mutable { on_built(std::move(text)); });
  });
}

void metrics_endpoint::on_built(std::string text) {
  ++builds_;
  building_ = false;
  auto waiting = std::move(waiting_);
  waiting_.clear();
  if (waiting.size() == 1) {
    waiting.front()(text_response(std::move(text)));
    return;
  }
  // Several scrapes shared the build: each answer owns its text, and copying tens of
  // megabytes is the builder's work too, not the io thread's.
  net::post(builder_, [this, text = std::move(text), waiting = std::move(waiting)]() mutable {
    auto copies = std::make_shared<std::vector<std::string>>(waiting.size() - 1, text);
    copies->push_back(std::move(text));
    net::post(io_, [copies, waiting = std::move(waiting)]() mutable {
      for (std::size_t i = 0; i < waiting.size(); ++i) waiting[i](text_response(std::move((*copies)[i])));
    });
  });
}

void add_metrics_routes(http_api::route_table& routes, metrics_endpoint& endpoint,
                        http_api::authenticator* auth) {
  http_api::route_options options;
  options.auth = auth;
  routes.add({http::verb::get}, "/metrics",
             [&endpoint](http_api::request&, const http_api::route_match&, http_api::respond_fn respond) {
               endpoint.scrape(std::move(respond));
             },
             options);
}

}  // namespace uptime::api
