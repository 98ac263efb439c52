#!/usr/bin/env bash
# Benchmarks the API over HTTP on synthetic data, on SQLite and PostgreSQL.
#
#   scripts/bench.sh [SIZES...]            default: 10000 100000 1000000
#
# For each backend and size it builds a fresh database with `annuaire seed --synthetic N`,
# starts the release binary, drives each scenario with wrk (50 connections, 2 threads,
# BENCH_SECONDS seconds each, default 10) and prints throughput, p50 and p99 latency, and the
# server's peak resident memory (VmHWM). Needs wrk (`apt-get install wrk`) and, for
# PostgreSQL, BENCH_POSTGRES_URL: a server URL whose role may create databases (default
# postgres://root@127.0.0.1:5432/postgres); its options (?host=/var/run/postgresql for the
# local socket, ?sslmode=…) carry over to the databases it creates. BENCH_BACKENDS="sqlite postgres" picks backends;
# BENCH_ONLY=directory, matching, writes, mirror or import (or several, spaced) runs one
# group of scenarios. The mirror group makes a full sync of the change feed from position 0
# with every include a partner may ask for (scripts/mirror.py, one connection, pages of 1000),
# reporting firms and bytes per second, then polls the feed at its tip with wrk.
# Write scenarios (scripts/writes.lua: creates, record writes, merge patches with If-Match) run
# at 1, 4, 16 and 64 concurrent writers (BENCH_WRITERS); each reports its non-2xx count. Matching scenarios
# (a broad, a narrow and a scored buyer need, top 50) run at 10 connections, as the agency's
# desk would.
# The import group (scripts/bench-import.sh) sends generated workbooks of the sizes up to
# 100,000 firms to POST /v1/imports, dry run and commit, into a fresh database.
# BENCH_POOL_SIZE sets the server's database connections (default three per core).
# BENCH_REUSE=DIR keeps the SQLite files in DIR and the PostgreSQL databases, and seeds a size
# only when its database is not there yet: a million firms take a quarter of an hour to seed.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("${@:-10000 100000 1000000}")
read -r -a SIZES <<< "${SIZES[*]}"
BACKENDS=(${BENCH_BACKENDS:-sqlite postgres})
SECONDS_PER_SCENARIO=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
# Three database connections per core: more only queue for the cores (on two cores, 16 served
# no more requests than 6, at a p99 as high or higher).
POOL_SIZE=${BENCH_POOL_SIZE:-$((3 * $(nproc)))}
PG_ADMIN_URL=${BENCH_POSTGRES_URL:-postgres://root@127.0.0.1:5432/postgres}
PORT=${BENCH_PORT:-18555}
WORK=$(mktemp -d)
DATA=${BENCH_REUSE:-$WORK}
PASSWORD="benchmark admin password"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
BIN=target/release/annuaire
# PostgreSQL needs configured signing keys; a fresh one per run is enough to log in with.
JWT_KEYS=${ANNUAIRE_JWT_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

database_url() { # backend size; sets FRESH when the database has to be seeded
  FRESH=1
  if [ "$1" = sqlite ]; then
    [ -n "${BENCH_REUSE:-}" ] && [ -f "$DATA/bench-$2.db" ] && FRESH=0
    URL="sqlite://$DATA/bench-$2.db"
  else
    local name="annuaire_bench_$2"
    if [ -n "${BENCH_REUSE:-}" ] && [ "$(psql "$PG_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" = 1 ]; then
      FRESH=0
    else
      psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
    fi
    # The same server and options (`?host=/var/run/postgresql`, `?sslmode=…`), another database.
    local server=${PG_ADMIN_URL%%\?*} options=
    [ "$server" != "$PG_ADMIN_URL" ] && options="?${PG_ADMIN_URL#*\?}"
    URL="${server%/*}/$name$options"
  fi
}

runs() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

scenario() { # name path [connections] [lua script]
  local out connections=${3:-$CONNECTIONS}
  out=$(wrk -t"$((connections < 2 ? 1 : 2))" -c"$connections" -d"${SECONDS_PER_SCENARIO}s" --latency ${4:+-s "$4"} \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
  p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<< "$out")
  printf '| %-8s | %9s | %-22s | %9s | %8s | %8s | %6s |\n' "$BACKEND" "$SIZE" "$1" "$rps" "$p50" "$p99" "${errors:-0}"
}

MAIN=0
for group in directory matching writes mirror; do runs "$group" && MAIN=1; done
if [ "$MAIN" = 0 ]; then BACKENDS=(); fi

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr); $($BIN --version)"
echo "wrk: $CONNECTIONS connections, 2 threads, ${SECONDS_PER_SCENARIO} s per scenario; $POOL_SIZE database connections"
echo
printf '| %-8s | %9s | %-22s | %9s | %8s | %8s | %6s |\n' backend orgs scenario "req/s" p50 p99 non2xx
echo "|----------|-----------|------------------------|-----------|----------|----------|--------|"
for BACKEND in "${BACKENDS[@]}"; do
  for SIZE in "${SIZES[@]}"; do
    database_url "$BACKEND" "$SIZE"
    export ANNUAIRE_DATABASE_URL="$URL" ANNUAIRE_DEMO_DATA=never ANNUAIRE_LOG=warn \
      ANNUAIRE_ADMIN_PASSWORD="$PASSWORD" ANNUAIRE_BIND="127.0.0.1:$PORT" ANNUAIRE_ACCESS_TOKEN_TTL=86400 \
      ANNUAIRE_POOL_SIZE="$POOL_SIZE" ANNUAIRE_JWT_KEYS="$JWT_KEYS" \
      ANNUAIRE_RATE_LIMIT_PER_MINUTE=1000000000 ANNUAIRE_RATE_LIMIT_BURST=1000000000
    SEEDED="reused"
    if [ "$FRESH" = 1 ]; then
      SEEDED="seeded in $( { /usr/bin/time -f '%e' "$BIN" seed --synthetic "$SIZE" >/dev/null; } 2>&1 | tail -1) s"
      # A bulk load leaves PostgreSQL's visibility map unset: every read would check the heap.
      if [ "$BACKEND" = postgres ]; then psql "$URL" -qc "VACUUM (ANALYZE)"; fi
    fi
    "$BIN" serve > "$WORK/server.log" 2>&1 &
    SERVER=$!
    # Ready once the facet index is loaded: about 30 s at a million firms.
    STARTED=$(date +%s)
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
    READY="ready in $(($(date +%s) - STARTED)) s at $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$SERVER/status")"
    TOKEN=$(curl -s "http://127.0.0.1:$PORT/v1/auth/login" -H 'Content-Type: application/json' \
      -d "{\"email\": \"admin@localhost\", \"password\": \"$PASSWORD\"}" | json 'd["access_token"]')
    first=$(curl -s "http://127.0.0.1:$PORT/v1/organizations?sort=created&order=desc&limit=100" -H "Authorization: Bearer $TOKEN")
    ID=$(json 'd["items"][0]["id"]' <<< "$first")
    DEEP=$(json 'd["next_cursor"]' <<< "$first")
    MIDDLE=$((SIZE))
    if runs directory; then
      scenario "get by id" "/v1/organizations/$ID"
      scenario "filtered list" "/v1/organizations?service=bpo&language=fr&country=SN"
      scenario "full-text search" "/v1/organizations?q=teranga%20cont"
      scenario "search + 3 filters" "/v1/organizations?q=sahel&service=bpo&language=en&market=FR"
      scenario "facets" "/v1/organizations/facets?language=wo"
      # Counts with a text run two at a time per server (the gate): measured at two connections.
      scenario "search facets, 2 conns" "/v1/organizations/facets?q=sahel" 2
      scenario "first page" "/v1/organizations?sort=created&order=desc&limit=100"
      scenario "deep page (cursor)" "/v1/organizations?sort=created&order=desc&limit=100&cursor=$DEEP"
      scenario "change-feed page" "/v1/changes?after=$MIDDLE&limit=100"
    fi
    if runs matching; then
      BENCH_BODY='{"criteria": {"services": ["bpo"], "required_languages": ["fr"]}, "options": {"limit": 50, "include_samples": true}}' \
        scenario "match, broad (top 50)" "/v1/matches/preview" 10 scripts/post.lua
      BENCH_BODY='{"criteria": {"services": ["bpo.contact_center_inbound"], "required_languages": ["en"],
        "required_certifications": ["iso_iec_27001"], "min_capacity": {"amount": 100, "unit": "seats"}},
        "options": {"limit": 50, "include_samples": true}}' \
        scenario "match, narrow (top 50)" "/v1/matches/preview" 10 scripts/post.lua
      BENCH_BODY='{"criteria": {"services": ["bpo"], "preferred_languages": ["en", "es"],
        "min_capacity": {"amount": 50, "unit": "seats"}}, "options": {"limit": 50, "include_samples": true}}' \
        scenario "match, scored (top 50)" "/v1/matches/preview" 10 scripts/post.lua
    fi
    if runs writes; then
      # The organizations records and patches go to: the 300 newest, spread over the writers.
      IDS=$(for page in 1 2 3; do
        curl -s "http://127.0.0.1:$PORT/v1/organizations?sort=created&order=desc&limit=100${CURSOR:+&cursor=$CURSOR}" \
          -H "Authorization: Bearer $TOKEN" > "$WORK/page.json"
        CURSOR=$(json 'd["next_cursor"] or ""' < "$WORK/page.json")
        json '",".join(o["id"] for o in d["items"])' < "$WORK/page.json"
      done | paste -sd, -)
      unset CURSOR
      for writers in ${BENCH_WRITERS:-1 4 16 64}; do
        BENCH_KIND=create scenario "create, $writers writers" "/" "$writers" scripts/writes.lua
        BENCH_KIND=record BENCH_IDS=$IDS scenario "record, $writers writers" "/" "$writers" scripts/writes.lua
        BENCH_KIND=patch BENCH_IDS=$IDS scenario "patch, $writers writers" "/" "$writers" scripts/writes.lua
      done
    fi
    if runs mirror; then
      INCLUDE=capabilities,markets,certifications,relationships,programmes
      PARTNER=$(curl -s "http://127.0.0.1:$PORT/v1/api-keys" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' -d '{"label": "bench mirror", "role": "partner"}' | json 'd["key"]')
      SYNC=$(python3 scripts/mirror.py "http://127.0.0.1:$PORT" "$PARTNER" "$INCLUDE" 1000)
      echo "|          | $SIZE | full sync, every include: $SYNC |"
      TIP=${SYNC##* tip }
      TOKEN=$PARTNER scenario "feed tip poll" "/v1/changes?after=$TIP&include=$INCLUDE"
    fi
    PEAK=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$SERVER/status")
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
    echo "|          | $SIZE | ${SEEDED}; ${READY}; server peak memory $PEAK |"
  done
done
if runs import; then
  IMPORT_SIZES=()
  for SIZE in "${SIZES[@]}"; do [ "$SIZE" -le 100000 ] && IMPORT_SIZES+=("$SIZE"); done
  echo
  BENCH_BACKENDS="${BENCH_BACKENDS:-sqlite postgres}" scripts/bench-import.sh "${IMPORT_SIZES[@]}"
fi
