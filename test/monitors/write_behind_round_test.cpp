// A write-behind round's rules (monitors/write_behind_round.hpp): id order, chunks with the writer at
// once, and when the round may move state_flushed_through.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "monitors/write_behind_round.hpp"

using namespace uptime::monitors;

namespace {
std::vector<std::int64_t> ids_of(std::span<const std::int64_t> chunk) { return {chunk.begin(), chunk.end()}; }
}  // namespace

TEST_CASE("a round hands out its monitors in id order, a chunk at a time") {
  write_behind_round r({7, 3, 9, 1, 5});
  CHECK(ids_of(r.next_chunk(2, 10)) == std::vector<std::int64_t>{1, 3});
  CHECK(ids_of(r.next_chunk(2, 10)) == std::vector<std::int64_t>{5, 7});
  CHECK(ids_of(r.next_chunk(2, 10)) == std::vector<std::int64_t>{9});
  CHECK(r.next_chunk(2, 10).empty());  // every id has gone
  CHECK_FALSE(r.finished());           // ... but three chunks are still with the writer
  r.chunk_done(true);
  r.chunk_done(true);
  CHECK_FALSE(r.finished());
  r.chunk_done(true);
  CHECK(r.finished());
  CHECK(r.may_move_mark());
}

TEST_CASE("a large round still comes out in id order") {
  std::vector<std::int64_t> pushed;
  for (std::int64_t i = 0; i < 1000; ++i) pushed.push_back((i * 7919) % 1000 + 1);  // 1..1000, shuffled
  write_behind_round r(pushed);
  std::vector<std::int64_t> out;
  for (auto c = r.next_chunk(64, 1'000); !c.empty(); c = r.next_chunk(64, 1'000)) out.insert(out.end(), c.begin(), c.end());
  REQUIRE(out.size() == 1000);
  CHECK(std::is_sorted(out.begin(), out.end()));
  CHECK(out.front() == 1);
  CHECK(out.back() == 1000);
}

TEST_CASE("no more than max_in_flight chunks are with the writer at once") {
  write_behind_round r({1, 2, 3, 4, 5, 6});
  CHECK(r.next_chunk(1, 2).size() == 1);
  CHECK(r.next_chunk(1, 2).size() == 1);
  CHECK(r.next_chunk(1, 2).empty());  // two out: wait
  r.chunk_done(true);
  CHECK(ids_of(r.next_chunk(1, 2)) == std::vector<std::int64_t>{3});
  CHECK(r.next_chunk(1, 2).empty());
  // Stopping: the rest goes at once.
  CHECK(ids_of(r.next_chunk(10, 1'000'000)) == std::vector<std::int64_t>{4, 5, 6});
}

TEST_CASE("a chunk not written keeps the mark where it is, even when later chunks were") {
  write_behind_round r({1, 2, 3});
  REQUIRE(r.next_chunk(1, 3).size() == 1);
  REQUIRE(r.next_chunk(1, 3).size() == 1);
  REQUIRE(r.next_chunk(1, 3).size() == 1);
  r.chunk_done(false);
  r.chunk_done(true);
  r.chunk_done(true);
  CHECK(r.finished());
  CHECK(r.failed());
  CHECK_FALSE(r.may_move_mark());
}

TEST_CASE("a round with no monitors (only state changes since the last) is finished at once") {
  write_behind_round r({});
  CHECK(r.next_chunk(50, 16).empty());
  CHECK(r.finished());
  CHECK(r.may_move_mark());
}
