-- A conditional GET of the thread with its current ETag: answered 304.
wrk.method = "GET"
wrk.headers["If-None-Match"] = '{{ETAG}}'
