#!/usr/bin/env bash
# The contract as partner portals meet it, checked with tools no one here wrote:
#   - Redocly CLI lints openapi/openapi.json with its recommended rules (no error allowed);
#   - schemathesis runs against a real server, as an admin and as a partner key, with the
#     checks not_a_server_error, status_code_conformance, content_type_conformance and
#     response_schema_conformance, stateful phase included (no finding allowed);
#   - openapi-python-client generates a client that scripts/contract/client_check.py uses
#     unchanged (login, filtered list and cursors, a firm with its records, create and
#     merge-patch with If-Match, the change feed).
# Usage: scripts/contract.sh [sqlite] [postgres]   (default: sqlite)
# PostgreSQL: ANNUAIRE_CONTRACT_POSTGRES_URL names a database whose role may create
# databases; a fresh `<name>_contract` beside it is used. Tools are installed, pinned, under
# target/contract-tools (or $CARGO_TARGET_DIR/contract-tools; PyPI and npm); set ANNUAIRE_CONTRACT_EXAMPLES to change the number of
# examples per operation (25).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS=4.32.5
OPENAPI_PYTHON_CLIENT=0.29.1
REDOCLY=2.77.0
EXAMPLES=${ANNUAIRE_CONTRACT_EXAMPLES:-25}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$TARGET/debug/annuaire
TOOLS=$TARGET/contract-tools
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

install_tools() {
  local marker="$TOOLS/versions-$SCHEMATHESIS-$OPENAPI_PYTHON_CLIENT-$REDOCLY"
  [ -f "$marker" ] && return
  step "installing schemathesis $SCHEMATHESIS, openapi-python-client $OPENAPI_PYTHON_CLIENT, @redocly/cli $REDOCLY"
  rm -rf "$TOOLS" && mkdir -p "$TOOLS/node"
  python3 -m venv "$TOOLS/python" || fail "python3 -m venv is needed"
  "$TOOLS/python/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS" "openapi-python-client==$OPENAPI_PYTHON_CLIENT" ||
    fail "cannot install the PyPI tools"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "@redocly/cli@$REDOCLY" ||
    fail "cannot install Redocly CLI from npm"
  touch "$marker"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the debug binary on $1 (a database URL), with budgets no test run reaches.
start_server() {
  local url=$1 port
  port=$(free_port)
  BASE=http://127.0.0.1:$port
  ANNUAIRE_DATABASE_URL=$url ANNUAIRE_BIND=127.0.0.1:$port ANNUAIRE_DEMO_DATA=never \
    ANNUAIRE_ADMIN_EMAIL=admin@localhost ANNUAIRE_ADMIN_PASSWORD="$PASSWORD" \
    ANNUAIRE_JWT_KEYS="contract:$(head -c 32 /dev/urandom | base64)" \
    ANNUAIRE_RATE_LIMIT_PER_MINUTE=1000000 ANNUAIRE_RATE_LIMIT_BURST=1000000 \
    ANNUAIRE_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000 ANNUAIRE_ANONYMOUS_RATE_LIMIT_BURST=1000000 \
    ANNUAIRE_LOGIN_MAX_FAILURES=1000 ANNUAIRE_LOGIN_MAX_FAILURES_PER_ADDRESS=1000 \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; fail "the server did not start"; }
    sleep 0.5
  done
  fail "the server was not ready within a minute"
}

stop_server() {
  kill "$SERVER_PID" && wait "$SERVER_PID" || true
  SERVER_PID=
  if grep -q "panicked" "$WORK/server.log"; then
    grep -B2 -A10 "panicked" "$WORK/server.log" >&2
    fail "the server panicked during the run"
  fi
}

json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

schemathesis() {
  local label=$1 credential=$2
  step "schemathesis on $BACKEND as $label ($EXAMPLES examples per operation)"
  (cd "$WORK" && "$TOOLS/python/bin/st" run "$BASE/openapi.json" \
    -H "Authorization: Bearer $credential" \
    -c not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful -n "$EXAMPLES" --seed 20261202 \
    --generation-database none --no-color --output-sanitize true) ||
    fail "schemathesis found failures on $BACKEND as $label"
}

run_backend() {
  BACKEND=$1
  local url
  case $BACKEND in
    sqlite) url="sqlite://$WORK/contract.db" ;;
    postgres)
      local base=${ANNUAIRE_CONTRACT_POSTGRES_URL:?set ANNUAIRE_CONTRACT_POSTGRES_URL for the postgres run}
      local name=${base##*/}_contract
      psql -qX -v ON_ERROR_STOP=1 "$base" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" ||
        fail "cannot create the database $name"
      url=${base%/*}/$name
      ;;
    *) fail "unknown backend $BACKEND (sqlite or postgres)" ;;
  esac
  PASSWORD="contract-$(head -c 12 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')"
  ANNUAIRE_DATABASE_URL=$url ANNUAIRE_JWT_KEYS="seed:$(head -c 32 /dev/urandom | base64)" \
    "$BIN" seed --demo >/dev/null || fail "cannot seed $BACKEND"
  start_server "$url"
  local login token key
  login=$(curl -fsS "$BASE/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\": \"admin@localhost\", \"password\": \"$PASSWORD\"}")
  token=$(json_field access_token <<<"$login")

  schemathesis admin "$token"
  # Made after the admin run, which revokes the keys it can find.
  key=$(curl -fsS "$BASE/v1/api-keys" -H "Authorization: Bearer $token" \
    -H 'content-type: application/json' -d '{"label": "contract check", "role": "partner"}' | json_field key)
  schemathesis partner "$key"

  step "generated Python client on $BACKEND"
  PYTHONPATH="$WORK/client" "$TOOLS/python/bin/python" scripts/contract/client_check.py \
    "$BASE" admin@localhost "$PASSWORD" || fail "the generated client failed on $BACKEND"
  stop_server
}

install_tools
step "cargo build (the server under test)"
cargo build --quiet

step "Redocly CLI lint, recommended rules"
"$TOOLS/node/node_modules/.bin/redocly" lint openapi/openapi.json --extends recommended --format stylish ||
  fail "Redocly found errors in openapi/openapi.json"

step "openapi-python-client generate"
mkdir -p "$WORK/client"
(cd "$WORK/client" && PATH="$TOOLS/python/bin:$PATH" "$TOOLS/python/bin/openapi-python-client" generate \
  --path "$OLDPWD/openapi/openapi.json" --meta none --output-path annuaire_client) >"$WORK/generate.log" 2>&1 ||
  { cat "$WORK/generate.log"; fail "openapi-python-client could not generate a client"; }
# What the generator cannot parse it leaves out of the client: a failure here, except the
# export's NDJSON and CSV bodies and the imports' files (CSV and XLSX bodies, the XLSX
# template), which a JSON client cannot type (the route stays: the import as multipart).
python3 - "$WORK/generate.log" <<'PY' || fail "openapi-python-client left parts of the document out"
import sys
log = open(sys.argv[1]).read()
warnings = log.count("WARNING parsing")
xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
untyped = sum(log.count(f"Unsupported {what}") for what in (
    "content_type application/x-ndjson", "content_type text/csv", f"content_type {xlsx}",
    "content type text/csv", f"content type {xlsx}"))
if warnings != untyped:
    print(log)
    sys.exit(1)
PY

for backend in "${@:-sqlite}"; do
  run_backend "$backend"
done
step "contract checks passed: ${*:-sqlite}"
