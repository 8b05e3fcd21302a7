// Loading a config from text in the config unit tests: one way for every test file, with the
// file named config.yaml in messages and a fixed environment.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace config_test {

namespace cfg = uptime::config;

inline cfg::env_lookup env_of(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// YAML literals in the tests may start on the line after R"( for readability; that first
// newline is dropped so line 1 of the document is the first line written.
inline std::string_view yaml_text(std::string_view yaml) {
  if (!yaml.empty() && yaml.front() == '\n') yaml.remove_prefix(1);
  return yaml;
}

inline cfg::load_result load(std::string_view yaml, const cfg::env_lookup& env = env_of({})) {
  return cfg::load_string(yaml_text(yaml), "config.yaml", env);
}

// The loaded config; fails the test with every error if there were any.
inline cfg::config loaded(std::string_view yaml, const cfg::env_lookup& env = env_of({})) {
  auto r = load(yaml, env);
  if (!r.value) {
    std::string all;
    for (const auto& e : r.errors) all += e + "\n";
    FAIL("the config was refused:\n" << all);
  }
  CHECK(r.errors.empty());
  return *r.value;
}

// Every error, one per line, so a mismatch shows the whole list.
inline std::string errors(std::string_view yaml, const cfg::env_lookup& env = env_of({})) {
  auto r = load(yaml, env);
  CHECK_FALSE(r.value);
  std::string all;
  for (const auto& e : r.errors) all += e + "\n";
  return all;
}

}  // namespace config_test
