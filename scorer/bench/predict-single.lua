-- One instance of model M (54 features) per request (rows.lua: fixed, or varied).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
dofile("scorer/bench/rows.lua").use(1, 0)
