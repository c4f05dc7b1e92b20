-- One instance of model M (54 features) per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local row = {}
for j = 1, 54 do
  row[j] = string.format("%.4f", ((j * 37) % 19) / 9.5 - 1)
end
wrk.body = '{"instances": [[' .. table.concat(row, ",") .. ']]}'
