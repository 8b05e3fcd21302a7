// A fresh SQLite file in its own temporary folder for one test, removed afterwards.
#pragma once

#include <filesystem>
#include <random>
#include <string>

struct temp_db {
  std::filesystem::path dir;
  std::filesystem::path file;
  temp_db() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() /
          ("uptime-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    file = dir / "uptime.db";
  }
  ~temp_db() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};
