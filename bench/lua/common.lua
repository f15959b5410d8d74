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
answered_304 = 0

function response(status, headers, body)
  if on_response ~= nil then
    on_response(status, headers, body)  -- a scenario's own bookkeeping (viral.lua)
  end
  if status == 304 then
    answered_304 = answered_304 + 1
  end
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
  local n304 = 0
  for _, thread in ipairs(threads) do
    n304 = n304 + (thread:get("answered_304") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status_errors": %d, "socket_errors": %d, "answered_304": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout, n304))
end
