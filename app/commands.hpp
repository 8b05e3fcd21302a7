// The subcommands of the uptime-monitor binary, each returning the process exit code.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace uptime::app {

// Runs the server on the config file until SIGTERM/SIGINT.
int serve_command(const std::filesystem::path& config_file);

// Validates the config file: prints a summary and exits 0, or every error and exits 2.
int check_config_command(const std::filesystem::path& config_file, std::ostream& out,
                         std::ostream& err);

// Prints the monitors table (id, name, group, status, last push, next deadline, push URL)
// from the database the config file names.
// With `json`: {"monitors":[…]}, each monitor as the API shows it (api/monitor_json.hpp),
// push URL included (whoever can run this can read the database).
int monitors_command(const std::filesystem::path& config_file, std::ostream& out,
                     std::ostream& err, bool json = false);

// Sends a test alert through one channel; exit 0 when delivered, 1 when not (the server's
// error is printed), 2 for a config error.
int notify_test_command(const std::filesystem::path& config_file, const std::string& channel,
                        std::ostream& out, std::ostream& err);

}  // namespace uptime::app
