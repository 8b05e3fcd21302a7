// File descriptors as a budget for connections: raising the process's soft limit to its hard
// limit at start (a server started from a shell inherits `ulimit -n 1024`), and the connection
// cap that leaves descriptors for everything else (the database and its WAL, logs, libcurl's
// transfers). Not a general rlimit wrapper.
#pragma once

#include <cstddef>
#include <cstdint>

namespace uptime::http_api {

struct fd_limits {
  std::uint64_t soft = 0;  // RLIMIT_NOFILE as it is now
  std::uint64_t hard = 0;
  bool raised = false;     // this call raised the soft limit
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit (or as close as the kernel's nr_open
// allows when the hard limit is unlimited) and returns the limits as they end up. Never fails:
// if the kernel refuses, the limits stay as they were.
fd_limits raise_fd_limit();

// RLIMIT_NOFILE's soft limit now.
std::uint64_t fd_soft_limit();

// Descriptors kept back from connections: a tenth of the limit, at least 64, at most 1024.
std::size_t fd_reserve(std::uint64_t fd_limit);

// The most connections that `fd_limit` descriptors allow with the reserve kept, and never more
// than `configured` (at least 1).
std::size_t connection_cap(std::size_t configured, std::uint64_t fd_limit);

}  // namespace uptime::http_api
