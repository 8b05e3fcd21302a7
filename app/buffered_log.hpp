// The server's log when it is not written to a terminal (systemd's journal, a file): lines go
// through stdout's buffer and are flushed every second, or at once for an error.
// spdlog's default console sink flushes every line, one write(2) each: 100,000 monitors mean
// 100,000 lines at start and in an expiry storm, and the io thread would wait on each.
#pragma once

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <unistd.h>

namespace uptime::app {

class buffered_stdout_sink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

// Makes the default logger buffered (keeping its pattern and level) unless stdout is a
// terminal, where every line should show at once.
inline void buffer_log_unless_terminal(const std::string& pattern) {
  if (isatty(fileno(stdout))) return;
  std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
  auto logger = std::make_shared<spdlog::logger>("", std::make_shared<buffered_stdout_sink>());
  logger->set_pattern(pattern);
  logger->set_level(spdlog::default_logger()->level());
  logger->flush_on(spdlog::level::err);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace uptime::app
