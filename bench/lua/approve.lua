-- A moderator approves pending entries, each thread its own slice of ids, never one twice
-- (run.py checks that the run did not need more ids than it was given).
local ids = {}
local next_index = 0

function init(args)
  for line in io.lines("{{IDS_FILE}}") do
    table.insert(ids, line)
  end
  next_index = thread_index
end

function request()
  local id = ids[((next_index - 1) % #ids) + 1]
  next_index = next_index + {{THREADS}}
  wrk.headers["Authorization"] = "{{AUTH}}"
  return wrk.format("POST", "/api/v1/admin/entries/" .. id .. "/approve")
end
