// The connection cap that file descriptors allow: a reserve kept for the database, logs and
// notifications, and the configured max_connections as a ceiling.
#include <catch2/catch.hpp>

#include "http/fd_limit.hpp"

using namespace uptime::http_api;

TEST_CASE("the connection cap keeps a tenth of the descriptors, at least 64 and at most 1024") {
  CHECK(connection_cap(10000, 1024) == 1024 - 102);
  CHECK(connection_cap(10000, 4096) == 4096 - 409);
  CHECK(connection_cap(10000, 256) == 256 - 64);
  CHECK(connection_cap(100000, 1048576) == 100000);
  CHECK(connection_cap(2000000, 1048576) == 1048576 - 1024);
}

TEST_CASE("the configured max_connections stays the ceiling when descriptors allow more") {
  CHECK(connection_cap(5, 1024) == 5);
  CHECK(connection_cap(10000, 524288) == 10000);
}

TEST_CASE("a tiny descriptor limit still allows some connections") {
  CHECK(connection_cap(10000, 100) == 50);
  CHECK(connection_cap(10000, 1) == 1);
  CHECK(connection_cap(10000, 0) == 1);
}

TEST_CASE("raising the descriptor limit leaves the soft limit at the hard one") {
  const auto limits = raise_fd_limit();
  CHECK(limits.soft == limits.hard);
  CHECK(fd_soft_limit() == limits.soft);
}
