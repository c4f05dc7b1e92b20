-- Requests paced at DELAY ms per connection (first script argument), so that the total rate is a
-- chosen fraction of the peak: wrk is closed-loop and has no rate option of its own. One instance
-- of M per request (rows.lua: fixed, or varied); with "get" as the second argument, a bare GET
-- instead: wrk.sh's baseline on /health/live, a request the scorer does no model work for, at the
-- same pacing.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
dofile("scorer/bench/rows.lua").use(1, 0)

local pause = 0
function init(args)
  pause = tonumber(args[1]) or 0
  if args[2] == "get" then
    wrk.method = "GET"
    wrk.body = nil
    wrk.headers["Content-Type"] = nil
  end
end

function delay()
  return pause
end
