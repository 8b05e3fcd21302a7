// uptime-monitor's command line: serve, check-config, monitors, notify-test (CLI11). Parsing only; the
// work is in commands.cpp and lib/.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <iostream>

#include "buffered_log.hpp"
#include "commands.hpp"
#include "http/fd_limit.hpp"

int main(int argc, char** argv) {
  // One malloc arena for every thread. The writer thread builds the start's records (40 MB at
  // 100,000 monitors) and the io thread frees them while it builds the registry: with an arena
  // per thread that memory could not be reused across them, and the start peaked at 175 MB of
  // RSS instead of 138. Small allocations stay per thread (glibc's tcache), so pushes do not
  // contend for the arena's lock (no change in the benchmark's throughput).
  mallopt(M_ARENA_MAX, 1);
  CLI::App app{"uptime-monitor: push (heartbeat) monitoring for cron jobs, backups and services"};
  app.set_version_flag("--version", std::string("uptime-monitor ") + UPTIME_VERSION_STRING);
  app.require_subcommand(1);
  const std::string default_config = "/etc/uptime-monitor/config.yaml";
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();

  std::string serve_config = default_config;
  auto* serve = app.add_subcommand("serve", "Run the server");
  serve->add_option("-c,--config", serve_config, "Configuration file")->capture_default_str();

  std::string check_config = default_config;
  auto* check = app.add_subcommand("check-config", "Validate the configuration file and exit");
  check->add_option("-c,--config", check_config, "Configuration file")->capture_default_str();

  std::string monitors_config = default_config;
  auto* monitors = app.add_subcommand(
      "monitors", "List monitors from the database: status, last push, deadline, push URL");
  monitors->add_option("-c,--config", monitors_config, "Configuration file")->capture_default_str();
  bool monitors_json = false;
  monitors->add_flag("--json", monitors_json, "Print {\"monitors\":[…]} as JSON, each monitor as the API shows it");

  std::string notify_config = default_config;
  std::string notify_channel;
  auto* notify_test = app.add_subcommand(
      "notify-test", "Send a test alert through one notification channel and say whether it arrived");
  notify_test->add_option("-c,--config", notify_config, "Configuration file")->capture_default_str();
  notify_test->add_option("channel", notify_channel, "Channel name (under notifications:)")->required();

  CLI11_PARSE(app, argc, argv);

  const std::string log_pattern = "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v";
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern(log_pattern);
  if (*serve) uptime::app::buffer_log_unless_terminal(log_pattern);

  if (*serve) {
    // Started from a shell, the soft limit is often 1024: too few for the connections the
    // server accepts. The listener fits its cap to whatever limit there is, and says so.
    const auto fds = uptime::http_api::raise_fd_limit();
    if (fds.raised) spdlog::debug("File descriptor limit raised to {}", fds.soft);
    return uptime::app::serve_command(serve_config);
  }
  if (*check) return uptime::app::check_config_command(check_config, std::cout, std::cerr);
  if (*monitors) return uptime::app::monitors_command(monitors_config, std::cout, std::cerr, monitors_json);
  if (*notify_test)
    return uptime::app::notify_test_command(notify_config, notify_channel, std::cout, std::cerr);
  return 2;
}
