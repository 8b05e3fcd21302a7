// How long the text of a scrape of 100,000 monitors takes to build, and how large it is: the
// endpoint's thread must build it well within the 1 s a full scrape may take. Hidden ([.]):
// run it by name or with "[bench]" on a quiet machine; a timing under a loaded CI or a
// sanitizer build says nothing.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

#include "api/metrics.hpp"

using namespace uptime;
using namespace uptime::api;

TEST_CASE("the text of 100,000 monitors is built in well under a second", "[.][bench]") {
  std::vector<monitor_sample> monitors(100000);
  for (std::size_t i = 0; i < monitors.size(); ++i) {
    auto& m = monitors[i];
    m.id = static_cast<std::int64_t>(i + 1);
    m.name = "backup job number " + std::to_string(i + 1);
    m.group = "group-" + std::to_string(i % 100);
    m.status = i % 10 == 0 ? "down" : "up";
    m.last_push_seconds = 1767225600 + static_cast<double>(i);
    if (i % 10 != 0) m.deadline_seconds = 1767229200 + static_cast<double>(i);
    if (i % 3 == 0) m.last_duration_seconds = 12.25;
    m.pushes_total = static_cast<std::int64_t>(i * 7);
  }
  server_sample server;
  server.push_answers = {{200, 123456789}, {403, 5}};
  const auto started = std::chrono::steady_clock::now();
  const auto text = render_metrics(monitors, server);
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("render_metrics: 100,000 monitors, %.1f MB in %.0f ms\n",
              static_cast<double>(text.size()) / 1e6, took * 1000);
  CHECK(took < 1.0);
}
