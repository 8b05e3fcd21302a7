// Resident memory and start time from /proc (see process_stats.hpp).
#include "util/process_stats.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace uptime::util {

namespace {

std::optional<std::string> read_whole(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return text;
}

std::optional<double> read_start_time() {
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return std::nullopt;
  // /proc/stat: a line "btime <boot time, Unix seconds>".
  const auto stat = read_whole("/proc/stat");
  if (!stat) return std::nullopt;
  const auto at = stat->find("\nbtime ");
  if (at == std::string::npos) return std::nullopt;
  std::istringstream boot_line(stat->substr(at + 7));
  double boot = 0;
  if (!(boot_line >> boot)) return std::nullopt;
  // /proc/self/stat: field 22 is the start time in ticks after boot. Field 2 (the command
  // name, in parentheses) may hold spaces and ')': count fields from after its last ')'.
  const auto self = read_whole("/proc/self/stat");
  if (!self) return std::nullopt;
  const auto close = self->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(self->substr(close + 1));
  std::string field;
  for (int i = 3; i < 22; ++i)  // fields 3..21
    if (!(fields >> field)) return std::nullopt;
  unsigned long long start_ticks = 0;
  if (!(fields >> start_ticks)) return std::nullopt;
  return boot + static_cast<double>(start_ticks) / static_cast<double>(ticks_per_second);
}

}  // namespace

std::optional<std::uint64_t> resident_memory_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return std::nullopt;
  const long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return std::nullopt;
  return resident * static_cast<std::uint64_t>(page);
}

std::optional<double> process_start_time_seconds() {
  static const std::optional<double> start = read_start_time();  // thread-safe once
  return start;
}

}  // namespace uptime::util
