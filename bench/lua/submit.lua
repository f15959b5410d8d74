-- A reader's comment of about 400 characters, with markup and a bare link, on a random article.
local articles = {{ARTICLES}}
local n = 0
local text = ("I read the council report myself and the <b>numbers</b> do not add up: the transport "
  .. "budget shrinks while the bridge repairs are pushed to next year again. See "
  .. "https://example.org/council/budget-2026 for the tables. <i>Who</i> decided this, and why "
  .. "was it not in the minutes? My street floods every winter and nobody answers our letters.\n\n"
  .. "Thanks for asking the questions the others did not ask. Reader {{NONCE}} no. "):gsub("\n", "\\n")

function init(args)
  math.randomseed(thread_index * 7919)
end

function request()
  n = n + 1
  local body = string.format('{"author": "Bench reader %d", "email": "bench@example.org", "body": "%s%d-%d"}',
    thread_index, text, thread_index, n)
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/articles/demo-" .. math.random(1, articles) .. "/comments", nil, body)
end
