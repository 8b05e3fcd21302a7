// The subcommands (see commands.hpp).
#include "commands.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ostream>

#include "api/monitor_json.hpp"
#include "config/config.hpp"
#include "core/duration.hpp"
#include "server/channels.hpp"
#include "server/server.hpp"
#include "net.hpp"
#include "store/store.hpp"

namespace uptime::app {

namespace {

std::optional<config::config> load_or_report(const std::filesystem::path& file, std::ostream& err) {
  auto loaded = config::load_file(file);
  if (loaded.value) return std::move(loaded.value);
  for (const auto& e : loaded.errors) err << e << '\n';
  err << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors") << " in "
      << file.string() << '\n';
  return std::nullopt;
}

std::string time_or_dash(const std::optional<core::utc_time>& t) {
  return t ? core::format_iso(*t) : "-";
}

}  // namespace

int serve_command(const std::filesystem::path& config_file) {
  auto loaded = config::load_file(config_file);
  if (!loaded.value) {
    for (const auto& e : loaded.errors) spdlog::critical("{}", e);
    spdlog::critical("Not starting: {} configuration error(s)", loaded.errors.size());
    return 2;
  }
  spdlog::info("uptime-monitor {} starting with {}", UPTIME_VERSION_STRING, config_file.string());
  return server::serve(std::move(*loaded.value));
}

int check_config_command(const std::filesystem::path& config_file, std::ostream& out,
                         std::ostream& err) {
  const auto cfg = load_or_report(config_file, err);
  if (!cfg) return 2;
  out << config_file.string() << ": OK, " << cfg->monitors.size() << " monitor(s), "
      << cfg->notifications.size() << " notification channel(s)\n";
  for (const auto& m : cfg->monitors)
    out << "  " << m.name << (m.group.empty() ? "" : " [" + m.group + "]") << ": "
        << (m.enabled ? "" : "disabled, ") << "expected "
        << (m.schedule ? "on \"" + m.schedule->text + "\" (" + m.timezone + ")"
                       : "every " + core::format_duration(m.expected_interval))
        << " + " << core::format_duration(m.grace_period) << " grace\n";
  out << "  database: " << cfg->database.path.string() << '\n';
  return 0;
}

int monitors_command(const std::filesystem::path& config_file, std::ostream& out,
                     std::ostream& err, bool json) {
  const auto cfg = load_or_report(config_file, err);
  if (!cfg) return 2;
  if (!std::filesystem::exists(cfg->database.path)) {
    err << "No database at " << cfg->database.path.string()
        << " yet: start the server once (uptime-monitor serve) to create it\n";
    return 1;
  }
  std::vector<store::monitor_record> records;
  try {
    net::io_context io;
    store::store_settings settings;
    settings.path = cfg->database.path;
    settings.read_only = true;
    auto db = store::open_store(settings, io.get_executor());
    std::optional<std::vector<store::monitor_record>> read;
    db->list_monitors([&](auto result) { read = std::move(result); });
    io.run();
    if (!read) throw std::runtime_error("the monitors could not be read (see the log above)");
    records = std::move(*read);
  } catch (const std::exception& e) {
    err << "Cannot read " << cfg->database.path.string() << ": " << e.what() << '\n';
    return 1;
  }

  const std::string base = cfg->public_base_url();
  if (json) {
    json::array list;
    for (const auto& r : records)
      list.push_back(api::monitor_to_json(api::view_of(r), {base, /*with_push_url=*/true}));
    out << json::serialize(json::object{{"monitors", std::move(list)}}) << '\n';
    return 0;
  }
  std::vector<std::array<std::string, 7>> rows;
  rows.push_back({"ID", "NAME", "GROUP", "STATUS", "LAST PUSH", "NEXT DEADLINE", "PUSH URL"});
  for (const auto& r : records) {
    const bool active = r.enabled;
    rows.push_back({std::to_string(r.id), r.name, r.group.empty() ? "-" : r.group,
                    active ? std::string(core::to_string(r.state.status)) : "disabled",
                    time_or_dash(r.state.last_push_at),
                    active && r.state.status == core::monitor_status::up
                        ? time_or_dash(r.state.next_expected_at)
                        : "-",
                    active ? config::push_url(base, r.id, r.secret_key) : "-"});
  }
  std::array<std::size_t, 7> width{};
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], width[i]) : row[i];
    out << line << '\n';
  }
  if (records.empty()) out << "(no monitors yet)\n";
  return 0;
}

int notify_test_command(const std::filesystem::path& config_file, const std::string& channel,
                        std::ostream& out, std::ostream& err) {
  const auto cfg = load_or_report(config_file, err);
  if (!cfg) return 2;
  return server::send_test_alert(*cfg, channel, out);
}

}  // namespace uptime::app
