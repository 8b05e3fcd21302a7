// The push history sweep's trail (store/sqlite/history_sweep.hpp).
#include <catch2/catch.hpp>

#include "store/sqlite/history_sweep.hpp"

using uptime::store::history_sweep_trail;

TEST_CASE("the history sweep trails a quarter of a turn more than keep x monitors") {
  CHECK(history_sweep_trail(100, 1'000) == 125'000);
  CHECK(history_sweep_trail(100, 101'000) == 12'625'000);
  CHECK(history_sweep_trail(5, 0) == 0);  // no monitors: nothing to trail
}
