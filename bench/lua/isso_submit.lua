-- Isso's submission: POST /new?uri=demo-N with the very text of submit.lua (about 400
-- characters, markup and a bare link), a distinct text each time, a random article.
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
  local body = string.format('{"author": "Bench reader %d", "email": "bench@example.org", "text": "%s%d-%d"}',
    thread_index, text, thread_index, n)
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/new?uri=demo-" .. math.random(1, articles), nil, body)
end
