#!/usr/bin/env bash
# Records, or replays, the search engine's answers to a corpus of read requests on databases
# kept for the purpose, so that a refactoring can be shown to answer byte for byte as before.
#
#   scripts/corpus.sh record [BACKENDS...]    default backends: sqlite postgres
#   scripts/corpus.sh replay [BACKENDS...]
#
# The databases (10,000 synthetic firms and the demonstration firms) are made by the first
# `record` and never seeded again: ids and times differ between seedings. They live in
# CORPUS_DIR (default target/corpus, with the corpus files) and, for PostgreSQL, in the database
# annuaire_corpus on CORPUS_POSTGRES_URL (default postgres://root@127.0.0.1:5432/postgres).
# Certificates' `expired` follows today's date: record and replay on the same day.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:?record or replay}
shift
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"
DIR=${CORPUS_DIR:-target/corpus}
PG_ADMIN_URL=${CORPUS_POSTGRES_URL:-postgres://root@127.0.0.1:5432/postgres}
PORT=${CORPUS_PORT:-18556}
PASSWORD="corpus admin password"
mkdir -p "$DIR"
trap 'kill "${SERVER:-0}" 2>/dev/null || true' EXIT

cargo build --release --quiet
BIN=target/release/annuaire
STATUS=0
for BACKEND in "${BACKENDS[@]}"; do
  FRESH=0
  if [ "$BACKEND" = sqlite ]; then
    URL="sqlite://$DIR/corpus.db"
    [ -f "$DIR/corpus.db" ] || FRESH=1
  else
    URL="${PG_ADMIN_URL%/*}/annuaire_corpus"
    if [ "$(psql "$PG_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = 'annuaire_corpus'")" != 1 ]; then
      psql "$PG_ADMIN_URL" -qc "CREATE DATABASE annuaire_corpus" >/dev/null
      FRESH=1
    fi
  fi
  # The signing keys only sign this run's logins; nothing recorded depends on them.
  export ANNUAIRE_DATABASE_URL="$URL" ANNUAIRE_DEMO_DATA=never ANNUAIRE_LOG=warn \
    ANNUAIRE_ADMIN_PASSWORD="$PASSWORD" ANNUAIRE_BIND="127.0.0.1:$PORT" \
    ANNUAIRE_JWT_KEYS="corpus:$(head -c 32 /dev/urandom | base64)" \
    ANNUAIRE_RATE_LIMIT_PER_MINUTE=1000000000 ANNUAIRE_RATE_LIMIT_BURST=1000000000
  if [ "$FRESH" = 1 ]; then
    [ "$MODE" = record ] || { echo "no $BACKEND corpus database: record first" >&2; exit 1; }
    "$BIN" seed --demo >/dev/null
    "$BIN" seed --synthetic 10000 >/dev/null
  fi
  "$BIN" serve > "$DIR/server-$BACKEND.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  if [ "$MODE" = record ] && [ -f "$DIR/corpus-$BACKEND.jsonl" ] && [ -z "${CORPUS_FORCE:-}" ]; then
    echo "$DIR/corpus-$BACKEND.jsonl exists: recording again would hide a change (CORPUS_FORCE=1 to do it)" >&2
    exit 1
  fi
  echo "== $MODE on $BACKEND"
  python3 scripts/corpus.py "$MODE" "http://127.0.0.1:$PORT" "$PASSWORD" "$DIR/corpus-$BACKEND.jsonl" || STATUS=1
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done
exit $STATUS
