-- 64 instances of model M (54 features each) per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local rows = {}
for i = 1, 64 do
  local row = {}
  for j = 1, 54 do
    row[j] = string.format("%.4f", ((i * 54 + j * 37) % 19) / 9.5 - 1)
  end
  rows[i] = "[" .. table.concat(row, ",") .. "]"
end
wrk.body = '{"instances": [' .. table.concat(rows, ",") .. ']}'
