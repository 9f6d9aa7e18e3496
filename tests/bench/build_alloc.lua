-- wrk script: POST /api/build/<pk>/auto-allocate/ (interchangeable stock)
-- and POST /api/build/<pk>/unallocate/ in turn, on the benchmark's build
-- order of its largest assembly (200 lines): every other request fills
-- the lines from the components' stock, the next releases it all, so the
-- data set does not grow.  Settings come from the environment that
-- tests/bench/bench.sh sets.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
local build = os.getenv("BENCH_BUILD")
local n = 0

request = function()
	n = n + 1
	if n % 2 == 1 then
		return wrk.format(nil, "/api/build/" .. build .. "/auto-allocate/",
		    nil, '{"interchangeable":true}')
	end
	return wrk.format(nil, "/api/build/" .. build .. "/unallocate/", nil,
	    "{}")
end
