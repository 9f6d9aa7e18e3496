-- wrk script: POST /api/order/po/<pk>/receive/, one unit of each of the
-- ten lines of the benchmark's placed order (ordered by the billion, so it
-- never runs out) into one location: ten stock items and ten tracking
-- entries a request.  Settings come from the environment that
-- tests/bench/bench.sh sets.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
local po = os.getenv("BENCH_PO")
local loc = os.getenv("BENCH_LOC_A")
local items = {}
for line in string.gmatch(os.getenv("BENCH_PO_LINES"), "%d+") do
	items[#items + 1] = '{"line_item":' .. line .. ',"quantity":1}'
end
local body = '{"location":' .. loc .. ',"items":[' .. table.concat(items, ",") .. ']}'

request = function()
	return wrk.format(nil, "/api/order/po/" .. po .. "/receive/", nil, body)
end
