-- A fixed GET (thread fetch, reviews page, queue page, the Flask ceiling).
wrk.method = "GET"
local auth = "{{AUTH}}"
if auth ~= "" then
  wrk.headers["Authorization"] = auth
end
