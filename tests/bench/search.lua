-- wrk script: POST /api/search/ as InvenTree's mobile app sends it, the
-- term searched in parts, categories, stock items and locations at once
-- (five of each).  Settings come from the environment bench.sh sets.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
local term = os.getenv("BENCH_SEARCH_TERM"):gsub('[\\"]', '\\%0')
wrk.body = '{"search":"' .. term .. '","limit":5,"part":{},' ..
    '"partcategory":{},"stockitem":{},"stocklocation":{}}'
