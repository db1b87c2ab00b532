#!/usr/bin/env bash
# Load benchmark of `finances serve` on PostgreSQL: seeds 100 accounts of 20 holdings each
# through the API, then measures authenticated GET /api/v1/accounts and
# GET /api/v1/accounts/{id}/holdings with wrk at 50 connections.
#
#   benches/load/run.sh            # PostgreSQL at 127.0.0.1:5432 (user postgres)
#   PG_ADMIN_URL=postgres://user@host:5432/postgres DURATION=30s benches/load/run.sh
#   RESPONSE_CACHE_MB=0 benches/load/run.sh   # render every answer (no remembered bodies)
set -euo pipefail

cd "$(dirname "$0")/../.."
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
DB_NAME="${DB_NAME:-finances_load}"
PORT="${PORT:-18080}"
CONNECTIONS="${CONNECTIONS:-50}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-20s}"
DB_URL="$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$PG_ADMIN_URL" "$DB_NAME")"

if ! command -v wrk >/dev/null; then
    echo "installing wrk"
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
if [ ! -x target/release/finances ] || [ -n "${REBUILD:-}" ]; then
    cargo build --release --bin finances
fi

psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME"
DATA_DIR="$(mktemp -d)"
cleanup() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$DATA_DIR"
}
trap cleanup EXIT

FINANCES_DATA_DIR="$DATA_DIR" FINANCES_DATABASE_URL="$DB_URL" FINANCES_LOG_LEVEL=warn \
FINANCES_JWT_SECRET="load-test-secret-0123456789abcdef0123456789" \
FINANCES_RATE_LIMIT_AUTH_PER_MINUTE=0 FINANCES_CONFIG=/dev/null \
FINANCES_RESPONSE_CACHE_MB="${RESPONSE_CACHE_MB:-64}" \
    target/release/finances serve --bind "127.0.0.1:$PORT" 2>"$DATA_DIR/server.log" &
SERVER_PID=$!
echo "$SERVER_PID" > "${PID_FILE:-/dev/null}"
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 0.1
done

echo "seeding 100 accounts x 20 holdings"
read -r TOKEN ACCOUNT < <(python3 benches/load/seed.py "http://127.0.0.1:$PORT" "$DB_URL")
curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/accounts/$ACCOUNT/holdings"

# EXTRA_PATHS (space-separated) adds routes to measure, e.g. "/health /api/v1/auth/me".
for path in "/api/v1/accounts" "/api/v1/accounts/$ACCOUNT/holdings" ${EXTRA_PATHS:-}; do
    echo
    echo "== GET $path ($CONNECTIONS connections, $THREADS threads, $DURATION)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$PORT$path" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" |
        grep -E "Requests/sec|Non-2xx| 50%| 99%|Latency  |requests in"
done
