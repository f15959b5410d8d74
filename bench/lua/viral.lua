-- A viral story: one article, 95 % reads (thread pages, count badges, conditional GETs
-- with the last ETag this thread saw), 4 % submissions, 1 % approvals of pending ids (each
-- wrk thread its own slice of the ids, never one twice).
local article = "{{ARTICLE}}"
local auth = "{{AUTH}}"
local threads_total = {{THREADS}}
local ids = {}
local next_index = 0
local n = 0
local etag = '{{ETAG}}'
local text = ("I read the council report myself and the <b>numbers</b> do not add up: the transport "
  .. "budget shrinks while the bridge repairs are pushed to next year again. See "
  .. "https://example.org/council/budget-2026 for the tables. <i>Who</i> decided this, and why "
  .. "was it not in the minutes? My street floods every winter and nobody answers our letters.\n\n"
  .. "Thanks for asking the questions the others did not ask. Reader {{NONCE}} no. "):gsub("\n", "\\n")
local thread_path = "/api/v1/articles/" .. article .. "/comments"

function init(args)
  math.randomseed(thread_index * 7919)
  for line in io.lines("{{IDS_FILE}}") do
    table.insert(ids, line)
  end
  next_index = thread_index
end

function request()
  -- wrk.format's headers replace wrk.headers: each request names its reader (one of 250).
  local reader = "203.0.113." .. math.random(1, 250)
  local r = math.random()
  if r < 0.40 then
    return wrk.format("GET", thread_path, {["X-Forwarded-For"] = reader})
  elseif r < 0.65 then
    return wrk.format("GET", "/api/v1/articles/" .. article .. "/counts", {["X-Forwarded-For"] = reader})
  elseif r < 0.95 then
    return wrk.format("GET", thread_path, {["If-None-Match"] = etag, ["X-Forwarded-For"] = reader})
  elseif r < 0.99 then
    n = n + 1
    local body = string.format('{"author": "Reader %d", "email": "reader@example.org", "body": "%s%d-%d"}',
      thread_index, text, thread_index, n)
    return wrk.format("POST", thread_path, {["Content-Type"] = "application/json", ["X-Forwarded-For"] = reader}, body)
  else
    local id = ids[((next_index - 1) % #ids) + 1]
    next_index = next_index + threads_total
    return wrk.format("POST", "/api/v1/admin/entries/" .. id .. "/approve", {["Authorization"] = auth})
  end
end

function on_response(status, headers, body)
  if status == 200 and headers["ETag"] ~= nil and body ~= nil and string.find(body, '"items"', 1, true) then
    etag = headers["ETag"]  -- the thread page's current version, for the next conditional GET
  end
end
