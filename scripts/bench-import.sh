#!/usr/bin/env bash
# The import benchmark: a generated workbook of N sample firms (two capabilities, two markets
# and a certification each) sent to POST /v1/imports as a job, dry run then commit, into a
# fresh database per backend, on the release binary.
#
#   scripts/bench-import.sh [FIRMS...]      default: 10000 100000
#
# Reports per backend and size: the workbook's size, the dry run's and the commit's wall time
# (from the request to the job's end), the server's memory growth over its resident size
# before the import (the peak of VmRSS sampled every 0.2 s), reads of other callers during the
# commit (hey at a steady 50 requests/s: GET of an organization and a filtered list, 25/s
# each, p99 of each), and
# one writer creating an organization every half second meanwhile (the slowest answer and
# any non-201). Uses the same environment as scripts/bench.sh (BENCH_BACKENDS,
# BENCH_POSTGRES_URL, BENCH_PORT); called by it for BENCH_ONLY=import.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("${@:-10000 100000}")
read -r -a SIZES <<< "${SIZES[*]}"
BACKENDS=(${BENCH_BACKENDS:-sqlite postgres})
PG_ADMIN_URL=${BENCH_POSTGRES_URL:-postgres://root@127.0.0.1:5432/postgres}
PORT=${BENCH_PORT:-18555}
WORK=$(mktemp -d)
PASSWORD="benchmark admin password"
trap 'kill "${SERVER:-0}" "${SAMPLER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v hey >/dev/null || { echo "hey is missing: apt-get install hey" >&2; exit 1; }
cargo build --release --quiet
BIN=target/release/annuaire
JWT_KEYS=${ANNUAIRE_JWT_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
now() { date +%s.%N; }

api() { # method path [curl args...]
  local method=$1 path=$2; shift 2
  curl -s -X "$method" "http://127.0.0.1:$PORT$path" -H "Authorization: Bearer $TOKEN" "$@"
}

run_import() { # mode file; prints the seconds from the request to the job's end
  local started location state
  started=$(now)
  location=$(api POST "/v1/imports?mode=$1" -H 'Prefer: respond-async' \
    -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
    --data-binary "@$2" -D - -o /dev/null | awk 'tolower($1) == "location:" {print $2}' | tr -d '\r')
  while :; do
    api GET "$location" > "$WORK/job.json"
    state=$(json 'd["state"]' < "$WORK/job.json")
    case "$state" in done | failed | cancelled) break ;; esac
    sleep 0.2
  done
  [ "$(json 'd.get("outcome")' < "$WORK/job.json")" != None ] || { cat "$WORK/job.json" >&2; exit 1; }
  python3 -c "print(f'{$(now) - $started:.1f}')"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $($BIN --version)"
echo
printf '| %-8s | %7s | %8s | %7s | %7s | %8s | %-28s | %-34s |\n' backend firms workbook "dry run" commit "memory+" "reads during commit" "a writer during commit"
echo "|----------|---------|----------|---------|---------|----------|----------------------------|--------------------------|"
for SIZE in "${SIZES[@]}"; do
  FILE="$WORK/import-$SIZE.xlsx"
  "$BIN" import --generate "$SIZE" "$FILE"
  for BACKEND in "${BACKENDS[@]}"; do
    if [ "$BACKEND" = sqlite ]; then
      rm -f "$WORK"/import.db*
      URL="sqlite://$WORK/import.db"
    else
      psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS annuaire_bench_import" -c "CREATE DATABASE annuaire_bench_import" >/dev/null
      server=${PG_ADMIN_URL%%\?*} options=
      [ "$server" != "$PG_ADMIN_URL" ] && options="?${PG_ADMIN_URL#*\?}"
      URL="${server%/*}/annuaire_bench_import$options"
    fi
    ANNUAIRE_DATABASE_URL="$URL" ANNUAIRE_DEMO_DATA=never ANNUAIRE_LOG=warn ANNUAIRE_ADMIN_PASSWORD="$PASSWORD" \
      ANNUAIRE_BIND="127.0.0.1:$PORT" ANNUAIRE_ACCESS_TOKEN_TTL=86400 ANNUAIRE_JWT_KEYS="$JWT_KEYS" \
      ANNUAIRE_RATE_LIMIT_PER_MINUTE=1000000000 ANNUAIRE_RATE_LIMIT_BURST=1000000000 \
      "$BIN" serve > "$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
    TOKEN=$(curl -s "http://127.0.0.1:$PORT/v1/auth/login" -H 'Content-Type: application/json' \
      -d "{\"email\": \"admin@localhost\", \"password\": \"$PASSWORD\"}" | json 'd["access_token"]')
    BEFORE=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
    ( peak=0; while kill -0 "$SERVER" 2>/dev/null; do
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" > "$WORK/peak"
        sleep 0.2
      done ) &
    SAMPLER=$!
    DRY=$(run_import dry_run "$FILE")
    ID=$(api GET "/v1/organizations/asepex" | json 'd["id"]')
    # Reads and a writer run for as long as the commit does, started with it.
    rm -f "$WORK/committed"
    hey -z 600s -c 5 -q 5 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/organizations/$ID" > "$WORK/by-id.txt" &
    BY_ID=$!
    hey -z 600s -c 5 -q 5 -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$PORT/v1/organizations?service=bpo&country=SN&limit=20" > "$WORK/list.txt" &
    LIST=$!
    ( slowest=0 failed=0 n=0; while [ ! -f "$WORK/committed" ]; do
        t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST "http://127.0.0.1:$PORT/v1/organizations" \
          -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
          -d "{\"kind\": \"firm\", \"name\": \"Pendant import $n\", \"country\": \"SN\"}")
        [ "${t% *}" = 201 ] || failed=$((failed + 1))
        slowest=$(python3 -c "print(max($slowest, ${t#* }))"); n=$((n + 1))
        echo "$slowest s slowest of $n, $failed not 201" > "$WORK/writer"; sleep 0.5
      done ) &
    WRITER=$!
    COMMIT=$(run_import commit "$FILE")
    touch "$WORK/committed"
    kill -INT "$BY_ID" "$LIST" 2>/dev/null || true; wait "$BY_ID" "$LIST" 2>/dev/null || true
    wait "$WRITER" 2>/dev/null || true
    p99() { awk '$1 == "99%%" || $1 == "99%" {printf "%.0f ms", $3 * 1000}' "$1"; }
    READS="p99 by id $(p99 "$WORK/by-id.txt"), list $(p99 "$WORK/list.txt")"
    GROWTH=$(( ($(cat "$WORK/peak") - BEFORE) / 1024 ))
    COMMITTED=$(json 'd["report"]["summary"]["created"]' < "$WORK/job.json")
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
    kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true
    printf '| %-8s | %7s | %8s | %7s | %7s | %8s | %-28s | %-34s |\n' "$BACKEND" "$SIZE" \
      "$(du -h "$FILE" | cut -f1)" "$DRY s" "$COMMIT s" "$GROWTH MB" "$READS" "$(cat "$WORK/writer")"
    echo "|          | $SIZE | $COMMITTED rows created |"
  done
done
