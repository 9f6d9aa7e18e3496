-- wrk script: POST /api/stock/transfer/, moving one whole stock item back
-- and forth between two locations (no split, so the data set does not grow).
-- Settings come from the environment that tests/bench/bench.sh sets.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
local item = os.getenv("BENCH_ITEM")
local qty = os.getenv("BENCH_QTY")
local loc = { os.getenv("BENCH_LOC_A"), os.getenv("BENCH_LOC_B") }
local n = 0

request = function()
	n = n + 1
	local body = '{"items":[{"pk":' .. item .. ',"quantity":"' .. qty ..
	    '"}],"location":' .. loc[n % 2 + 1] .. ',"notes":"bench"}'
	return wrk.format(nil, "/api/stock/transfer/", nil, body)
end
