-- Appended to every scenario: one machine-readable line for bench/run.py.
-- Placeholders {{NAME}} are filled in by run.py before wrk loads the script.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_index", counter)
  table.insert(threads, thread)
end

-- The first failed answer of each thread, for the report (wrk only counts them).
first_error = ""

function response(status, headers, body)
  if status >= 400 and first_error == "" then
    first_error = status .. " " .. string.sub(body or "", 1, 200)
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local failed = thread:get("first_error")
    if failed ~= nil and failed ~= "" then
      io.write("FIRST_ERROR " .. failed:gsub("\n", " ") .. "\n")
      break
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
