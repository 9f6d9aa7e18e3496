-- wrk script: POST /api/build/<pk>/create-output/ (one board) and POST
-- /api/build/<pk>/complete/ of the output it made, on the benchmark's
-- build order BO-9998 (100,000 of its largest assembly, each line
-- allocated from one large stock item of its component): each complete
-- consumes the board's share of all 200 lines -- 200 consumed items split
-- off, with their tracking entries -- and makes the board's stock item,
-- in one transaction.  The outputs made are queued by response() and
-- completed by the next request of the same thread.  Settings come from
-- the environment that tests/bench/bench.sh sets.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
local build = os.getenv("BENCH_BUILD_COMPLETE")
local loc = os.getenv("BENCH_LOC_A")
local made = {}

request = function()
	local o = table.remove(made, 1)
	if o == nil then
		return wrk.format(nil, "/api/build/" .. build ..
		    "/create-output/", nil, '{"quantity":1}')
	end
	return wrk.format(nil, "/api/build/" .. build .. "/complete/", nil,
	    '{"outputs":[{"output":' .. o .. '}],"location":' .. loc .. '}')
end

response = function(status, headers, body)
	if status == 201 then
		local pk = string.match(body, '^%[{"pk":%s*(%d+)')
		if pk ~= nil then
			made[#made + 1] = pk
		end
	end
end
