-- Shared by every mix (loaded with dofile from each script). bench/run.py sets the
-- environment: BENCH_TOKEN (the caller's token, none for login), BENCH_THREADS, BENCH_RUN
-- (a string unique to this run, for Idempotency-Keys).
--
-- setup() numbers the threads; init() seeds each thread's random numbers apart; done()
-- prints the figures run.py reads, as one line: BENCH_JSON {...}. Latencies in microseconds.
local common = {}

common.token = os.getenv("BENCH_TOKEN")
common.run = os.getenv("BENCH_RUN") or tostring(os.time())
common.threads = tonumber(os.getenv("BENCH_THREADS") or "2")

-- Headers for one request: wrk.format fills in Host and Content-Length in the table it is
-- given, so every request gets a fresh one.
function common.headers(extra)
  local headers = {}
  if common.token then headers["Authorization"] = "Bearer " .. common.token end
  if extra then for name, value in pairs(extra) do headers[name] = value end end
  return headers
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function common.seed()
  math.randomseed(os.time() * 100 + (thread_id or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

-- Each thread may count what it saw (e.g. 409s) in a global `conflicts`.
function done(summary, latency, requests)
  local conflicts = 0
  for _, thread in ipairs(threads) do conflicts = conflicts + (thread:get("conflicts") or 0) end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
      .. '"write":%d,"status":%d,"timeout":%d,"conflicts":%d,"p50":%d,"p90":%d,"p95":%d,'
      .. '"p99":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, conflicts, latency:percentile(50),
    latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean))
end

return common
