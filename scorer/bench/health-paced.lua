-- GET /health/live with the same pause per connection as predict-paced.lua (first script
-- argument): a route that does no model work, so its latency at the same rate is what the machine,
-- Jetty and wrk give any request; wrk.sh reports it beside the predictions' as their baseline.
local pause = 0
function init(args)
  pause = tonumber(args[1]) or 0
end

function delay()
  return pause
end
