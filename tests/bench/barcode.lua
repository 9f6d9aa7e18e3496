-- wrk script: POST /api/barcode/, a scan of InvenTree's JSON barcode of one
-- part (the app's scan at the shelf).  Settings come from the environment
-- that tests/bench/bench.sh sets.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
wrk.body = '{"barcode":"{\\"part\\": ' .. os.getenv("BENCH_PART") .. '}"}'
