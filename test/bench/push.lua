-- wrk script for the benchmark: keep-alive GET pushes spread at random over every monitor.
-- The URL paths (one per line) come from the file named by $BENCH_PATHS, read once per wrk
-- thread and pre-formatted, so wrk spends its time on the wire, not in Lua. At the end it
-- prints one machine-readable line, exact counters that wrk's text summary rounds:
--   BENCH_RESULT {"requests":…,"duration_us":…,"non2xx":…,"connect_errors":…,…}
-- Used by test/bench/run; also usable by hand:
--   BENCH_PATHS=paths.txt wrk -t1 -c32 -d5s -s test/bench/push.lua http://127.0.0.1:PORT

local requests = {}

function init(args)
  local file = os.getenv("BENCH_PATHS")
  if file == nil then error("set BENCH_PATHS to a file of URL paths, one per line") end
  for line in io.lines(file) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("GET", line, {["User-Agent"] = "wrk-bench"})
    end
  end
  if #requests == 0 then error("no paths in " .. file) end
  -- Each thread its own sequence: seed from the thread's address.
  math.randomseed(os.time() + tonumber(tostring(requests):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
