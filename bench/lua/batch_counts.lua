-- The badges of a page: 20 distinct articles in one request, different on each request.
local articles = {{ARTICLES}}
local per_page = {{BATCH}}

function init(args)
  math.randomseed(thread_index * 7919)
end

function request()
  local seen, ids = {}, {}
  while #ids < per_page do
    local n = math.random(1, articles)
    if not seen[n] then
      seen[n] = true
      table.insert(ids, "article_id=demo-" .. n)
    end
  end
  return wrk.format("GET", "/api/v1/counts?" .. table.concat(ids, "&"))
end
