-- Isso's count badges: POST /count with a JSON list of 20 distinct random thread uris
-- (the same articles as our batch counts).
local articles = {{ARTICLES}}
local per_page = {{BATCH}}

function init(args)
  math.randomseed(thread_index * 7919)
end

function request()
  local seen, uris = {}, {}
  while #uris < per_page do
    local n = math.random(1, articles)
    if not seen[n] then
      seen[n] = true
      table.insert(uris, '"demo-' .. n .. '"')
    end
  end
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/count", nil, "[" .. table.concat(uris, ",") .. "]")
end
