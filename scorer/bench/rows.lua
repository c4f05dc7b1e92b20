-- Model M's rows (54 features) for the predict scripts. By default every request carries the same
-- fixed rows. With STREAMPROP_BENCH_ROWS=varied in wrk's environment, each request is the next of
-- those built per thread from 1,024 random rows (values in [-1, 1] with 4 decimals, a fixed seed;
-- 1,024 requests of one row, 16 of 64): the prediction log then holds records that compress as a
-- user's numbers do, not one row repeated. About 55,000 numbers to print per thread whatever the
-- request size, so building them costs wrk little of a measured run.
local rows = {}

local function fixed_row(i)
  local row = {}
  for j = 1, 54 do
    row[j] = string.format("%.4f", ((i * 54 + j * 37) % 19) / 9.5 - 1)
  end
  return "[" .. table.concat(row, ",") .. "]"
end

local function random_row()
  local row = {}
  for j = 1, 54 do
    row[j] = string.format("%.4f", math.random() * 2 - 1)
  end
  return "[" .. table.concat(row, ",") .. "]"
end

-- Sets the body to `instances` rows; with varied rows, defines wrk's request() to cycle through
-- the prebuilt requests (a POST only: a script that turns the request into a GET keeps its own).
function rows.use(instances, first)
  local fixed = {}
  for i = 1, instances do
    fixed[i] = fixed_row(first + i - 1)
  end
  wrk.body = '{"instances": [' .. table.concat(fixed, ",") .. "]}"
  if os.getenv("STREAMPROP_BENCH_ROWS") ~= "varied" then
    return
  end
  local requests, k = nil, 0
  request = function()
    if wrk.method ~= "POST" then
      return wrk.format()
    end
    if requests == nil then
      math.randomseed(42)
      requests = {}
      for r = 1, math.ceil(1024 / instances) do
        local body = {}
        for i = 1, instances do
          body[i] = random_row()
        end
        requests[r] = wrk.format(nil, nil, nil, '{"instances": [' .. table.concat(body, ",") .. "]}")
      end
    end
    k = k % #requests + 1
    return requests[k]
  end
end

return rows
