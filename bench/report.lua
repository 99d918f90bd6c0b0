-- report.lua - wrk script that adds one machine-readable line to wrk's output.
--
--   wrk -t2 -c64 -d10s --latency -s bench/report.lua URL
--
-- It defines only done(), so wrk keeps its fast C request/response path (a
-- request() or response() function would run Lua on every request and slow
-- the client down).  scripts/bench.sh reads the RESULT line; the human
-- readable output above it is kept in the raw log.
--
-- Latencies are in microseconds.  "status" counts responses wrk treats as
-- errors (status > 399, printed by wrk as "Non-2xx or 3xx responses");
-- connect/read/write/timeout are socket errors.

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d seconds=%.3f rps=%.1f bytes=%d " ..
      "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f " ..
      "connect=%d read=%d write=%d timeout=%d status=%d\n",
      summary.requests, secs, summary.requests / secs, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean,
      e.connect, e.read, e.write, e.timeout, e.status))
end
