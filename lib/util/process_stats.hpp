// What the process knows about itself for the standard Prometheus process metrics: its
// resident memory and when it started. Linux only (/proc); elsewhere both are nullopt and the
// metrics leave the series out. Reads procfs, which is memory, not a disk: cheap enough for a
// scrape on the io thread (a few microseconds).
#pragma once

#include <cstdint>
#include <optional>

namespace uptime::util {

// Resident set size in bytes (/proc/self/statm's second field × the page size), or nullopt.
std::optional<std::uint64_t> resident_memory_bytes();

// When this process started, in Unix seconds (the boot time from /proc/stat plus the start
// tick from /proc/self/stat, as Prometheus' own clients compute it), or nullopt. Read once;
// later calls return the first answer.
std::optional<double> process_start_time_seconds();

}  // namespace uptime::util
