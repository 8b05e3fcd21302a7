// The pacing of the server's background writes: write-behind rounds and the history sweep's
// trail (server/pacing.hpp).
#include <catch2/catch.hpp>

#include "server/pacing.hpp"

using namespace uptime::server;
using std::chrono::milliseconds;

TEST_CASE("write-behind rounds come every second until they would write more than 10,000 snapshots a second") {
  CHECK(state_flush_due(0) == milliseconds(1000));
  CHECK(state_flush_due(10'000) == milliseconds(1000));
  CHECK(state_flush_due(25'000) == milliseconds(2500));
  CHECK(state_flush_due(100'000) == milliseconds(10'000));
  CHECK(state_flush_due(1'000'000) == milliseconds(10'000));  // never rarer than every 10 s
}

TEST_CASE("the history sweep trails a quarter of a turn more than keep x monitors") {
  CHECK(history_sweep_trail(100, 1'000) == 125'000);
  CHECK(history_sweep_trail(100, 101'000) == 12'625'000);
  CHECK(history_sweep_trail(5, 0) == 0);  // no monitors: nothing to trail
}
