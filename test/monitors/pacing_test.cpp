// The pacing of the write-behind rounds (monitors/pacing.hpp).
#include <catch2/catch.hpp>

#include "monitors/pacing.hpp"

using namespace uptime::monitors;
using std::chrono::milliseconds;

TEST_CASE("write-behind rounds come every second until they would write more than 10,000 snapshots a second") {
  CHECK(state_flush_due(0) == milliseconds(1000));
  CHECK(state_flush_due(10'000) == milliseconds(1000));
  CHECK(state_flush_due(25'000) == milliseconds(2500));
  CHECK(state_flush_due(100'000) == milliseconds(10'000));
  CHECK(state_flush_due(1'000'000) == milliseconds(10'000));  // never rarer than every 10 s
}
