// RLIMIT_NOFILE and the connection cap (see fd_limit.hpp).
#include "http/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>

namespace uptime::http_api {

namespace {

// The kernel's ceiling for RLIMIT_NOFILE (setrlimit fails above it, even under an unlimited
// hard limit).
std::uint64_t nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  std::uint64_t n = 0;
  if (in >> n && n > 0) return n;
  return 1024 * 1024;  // the kernel's default
}

}  // namespace

std::uint64_t fd_soft_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  return rl.rlim_cur == RLIM_INFINITY ? nr_open() : static_cast<std::uint64_t>(rl.rlim_cur);
}

fd_limits raise_fd_limit() {
  fd_limits out;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return out;
  out.soft = rl.rlim_cur == RLIM_INFINITY ? nr_open() : rl.rlim_cur;
  out.hard = rl.rlim_max == RLIM_INFINITY ? nr_open() : rl.rlim_max;
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= rl.rlim_max) return out;
  const rlimit wanted{static_cast<rlim_t>(out.hard), rl.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) {
    out.soft = out.hard;
    out.raised = true;
  }
  return out;
}

std::size_t fd_reserve(std::uint64_t fd_limit) {
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(fd_limit / 10, 64, 1024));
}

std::size_t connection_cap(std::size_t configured, std::uint64_t fd_limit) {
  const auto reserve = fd_reserve(fd_limit);
  // Below twice the reserve the limit is tiny anyway: give connections half of it.
  const std::uint64_t allowed = fd_limit > 2 * reserve ? fd_limit - reserve : fd_limit / 2;
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::min<std::uint64_t>(configured, allowed)));
}

}  // namespace uptime::http_api
