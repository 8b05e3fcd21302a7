// Fuzz target for the config loader (config/config.hpp): the input is a config file's text,
// loaded with load_string and an environment that knows a few fixed variables (so ${VAR}
// substitution is exercised without reading the process's environment). Loading must never
// throw or crash, and its result is either a complete config or errors: value set iff errors
// is empty, and every error a non-empty line of text. Run with -max_len=4096 (test/fuzz/run
// does): real configs are small, and longer inputs only slow the search down.
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "support.hpp"

namespace {

using uptime::fuzz::fail;
using uptime::fuzz::require;

std::optional<std::string> fixed_environment(std::string_view name) {
  if (name == "PORT") return "8080";
  if (name == "HOOK_TOKEN") return "s3cr3t-token";
  if (name == "SMTP_PASSWORD") return "hunter2";
  if (name == "EMPTY") return "";
  if (name == "SPACES") return "  a b  ";
  if (name == "NEWLINE") return "line1\nline2";
  if (name == "DOLLAR") return "${PORT}";  // substituted once: stays literal
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  uptime::config::load_result result;
  try {
    result = uptime::config::load_string(yaml, "/etc/uptime-monitor/config.yaml", fixed_environment);
  } catch (const std::exception& e) {
    fail("load_string does not throw", e.what());
  } catch (...) {
    fail("load_string does not throw", "(not a std::exception)");
  }
  require(result.value.has_value() == result.errors.empty(),
          "a config loads to a value or to errors, never both or neither", yaml);
  for (const auto& error : result.errors) require(!error.empty(), "an error says something", yaml);
  if (result.value) {
    require(result.value->file == "/etc/uptime-monitor/config.yaml", "the config keeps its file name");
    for (const auto& m : result.value->monitors)
      require(!m.schedule || m.zone != nullptr, "a scheduled monitor has its zone", m.name);
  }
  return 0;
}
