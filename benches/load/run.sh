#!/usr/bin/env bash
# Load benchmark of `finances serve` on PostgreSQL, read against PostgreSQL itself.
#
# Seeds one user with 100 investment accounts of 20 holdings each through the API, then, in
# one run on the same machine:
#   - `pgbench -S -M prepared -c 2` (one indexed SELECT per transaction) on a scratch
#     database, before and after the routes: the ceiling the routes are read against;
#   - wrk at 50 connections on /health, the accounts list, one account's detail and that
#     account's holdings, with remembered answers off (the product default).
# Each route's requests/s is printed as a fraction of pgbench's transactions/s (the mean of
# its two runs), so that figures taken on a busy or a quiet machine compare. The last line
# says PASS or FAIL against the targets below; the exit status is 1 on FAIL.
#
#   benches/load/run.sh            # PostgreSQL at 127.0.0.1:5432 (user postgres)
#   PG_ADMIN_URL=postgres://user@host:5432/postgres DURATION=30s benches/load/run.sh
#   RESPONSE_CACHE_MB=64 benches/load/run.sh   # remember rendered lists (off by default)
#   EXTRA_PATHS="/api/v1/holdings /api/v1/auth/me" benches/load/run.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
DB_NAME="${DB_NAME:-finances_load}"
PORT="${PORT:-18080}"
CONNECTIONS="${CONNECTIONS:-50}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"

# Targets, in percent of pgbench's transactions/s and in milliseconds.
DETAIL_MIN_PCT=25
LIST_MIN_PCT=10
P99_MAX_MS=25

# The admin URL with another database name.
db_url() {
    python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' \
        "$PG_ADMIN_URL" "$1"
}
DB_URL="$(db_url "$DB_NAME")"
PGBENCH_URL="$(db_url "${DB_NAME}_pgbench")"

if ! command -v wrk >/dev/null; then
    echo "installing wrk"
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
# BIN=path measures another build (an older release binary, for a before/after).
BIN="${BIN:-target/release/finances}"
if [ "$BIN" = target/release/finances ] && { [ ! -x "$BIN" ] || [ -n "${REBUILD:-}" ]; }; then
    cargo build --release --bin finances
fi

for db in "$DB_NAME" "${DB_NAME}_pgbench"; do
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
pgbench -i -q -s 1 "$PGBENCH_URL" 2>/dev/null

DATA_DIR="$(mktemp -d)"
cleanup() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$DATA_DIR"
}
trap cleanup EXIT

FINANCES_DATA_DIR="$DATA_DIR" FINANCES_DATABASE_URL="$DB_URL" FINANCES_LOG_LEVEL=warn \
FINANCES_JWT_SECRET="load-test-secret-0123456789abcdef0123456789" \
FINANCES_RATE_LIMIT_AUTH_PER_MINUTE=0 FINANCES_CONFIG=/dev/null \
FINANCES_RESPONSE_CACHE_MB="${RESPONSE_CACHE_MB:-0}" \
    "$BIN" serve --bind "127.0.0.1:$PORT" 2>"$DATA_DIR/server.log" &
SERVER_PID=$!
echo "$SERVER_PID" > "${PID_FILE:-/dev/null}"
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 0.1
done

echo "seeding 100 accounts x 20 holdings"
read -r TOKEN ACCOUNT < <(python3 benches/load/seed.py "http://127.0.0.1:$PORT" "$DB_URL")

# Transactions/s of one pgbench run as long as a route's.
pgbench_tps() {
    pgbench -S -M prepared -c 2 -T "${DURATION%s}" "$PGBENCH_URL" 2>/dev/null |
        awk '/^tps = / { print $3; exit }'
}

# Milliseconds of a wrk latency such as 812.00us, 1.23ms or 2.01s.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

# "requests/s p50_ms p99_ms non_2xx" of one route.
measure() {
    local url="http://127.0.0.1:$PORT$1" out
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
        -H "Authorization: Bearer $TOKEN" "$url")"
    echo "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" \
        "$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")" \
        "$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")" \
        "$(awk '/Non-2xx/ { print $NF; found = 1 } END { if (!found) print 0 }' <<<"$out")"
}

echo "pgbench -S -M prepared -c 2 -T ${DURATION%s} (before)"
TPS_BEFORE="$(pgbench_tps)"

# Each route as the report names it, the path measured and its target (none for /health).
ROUTES=(
    "/health|/health|"
    "/api/v1/accounts|/api/v1/accounts|$LIST_MIN_PCT"
    "/api/v1/accounts/{id}|/api/v1/accounts/$ACCOUNT|$DETAIL_MIN_PCT"
    "/api/v1/accounts/{id}/holdings|/api/v1/accounts/$ACCOUNT/holdings|$LIST_MIN_PCT"
)
for extra in ${EXTRA_PATHS:-}; do
    ROUTES+=("$extra|$extra|")
done

declare -A RESULT
for route in "${ROUTES[@]}"; do
    IFS='|' read -r name path _ <<<"$route"
    echo "GET $name ($CONNECTIONS connections, $THREADS threads, $DURATION)"
    RESULT[$name]="$(measure "$path")"
done

echo "pgbench -S -M prepared -c 2 -T ${DURATION%s} (after)"
TPS_AFTER="$(pgbench_tps)"
TPS="$(awk -v a="$TPS_BEFORE" -v b="$TPS_AFTER" 'BEGIN { printf "%.0f", (a + b) / 2 }')"

echo
printf "pgbench -S -M prepared -c 2: %.0f tps (before %.0f, after %.0f)\n" "$TPS" "$TPS_BEFORE" "$TPS_AFTER"
printf "%-36s %9s %8s %8s %8s %8s\n" "route" "req/s" "of pgb" "p50 ms" "p99 ms" "target"
FAILED=()
for route in "${ROUTES[@]}"; do
    IFS='|' read -r name _ min <<<"$route"
    read -r rps p50 p99 bad <<<"${RESULT[$name]}"
    pct="$(awk -v r="$rps" -v t="$TPS" 'BEGIN { printf "%.1f", 100 * r / t }')"
    printf "%-36s %9.0f %7s%% %8s %8s %8s\n" "GET $name" "$rps" "$pct" "$p50" "$p99" "${min:+>= $min%}"
    if [ -n "$min" ] && awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p < m) }'; then
        FAILED+=("$name at $pct% < $min%")
    fi
    if awk -v p="$p99" -v m="$P99_MAX_MS" 'BEGIN { exit !(p >= m) }'; then
        FAILED+=("$name p99 $p99 ms >= $P99_MAX_MS ms")
    fi
    if [ "$bad" != 0 ]; then
        FAILED+=("$name answered $bad non-2xx")
    fi
done

echo
if [ ${#FAILED[@]} -eq 0 ]; then
    echo "PASS: account detail >= $DETAIL_MIN_PCT% of pgbench, lists >= $LIST_MIN_PCT%, p99 < $P99_MAX_MS ms"
else
    printf "FAIL: %s\n" "$(IFS=';'; echo "${FAILED[*]}")"
    exit 1
fi
