-- One instance per request, each connection pausing DELAY ms between requests (first script
-- argument), so that the total rate is a chosen fraction of the peak: wrk is closed-loop and has
-- no rate option of its own.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local row = {}
for j = 1, 54 do
  row[j] = string.format("%.4f", ((j * 37) % 19) / 9.5 - 1)
end
wrk.body = '{"instances": [[' .. table.concat(row, ",") .. ']]}'

local pause = 0
function init(args)
  pause = tonumber(args[1]) or 0
end

function delay()
  return pause
end
