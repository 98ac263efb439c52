-- wrk script: POSTs the JSON in BENCH_BODY (used by scripts/bench.sh for matching).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
