-- The count badge of one article, a different article on each request.
local articles = {{ARTICLES}}

function init(args)
  math.randomseed(thread_index * 7919)
end

function request()
  return wrk.format("GET", "/api/v1/articles/demo-" .. math.random(1, articles) .. "/counts")
end
