#!/usr/bin/env bash
# Fuzzes `finances serve` against its own OpenAPI document with schemathesis, every check on,
# as a registered user: once on SQLite (a temporary file, in-process cache) and once on
# PostgreSQL (a fresh database, dropped afterwards) with Redis. Yahoo is a local stand-in
# (fake_yahoo.py, recorded responses), so nothing leaves the machine. Exits non-zero on any
# failure or error schemathesis reports.
#
#   tests/schemathesis/run.sh                     # the full run (MAX_EXAMPLES=40)
#   MAX_EXAMPLES=4 tests/schemathesis/run.sh      # the short pass CI runs
#   STORES=sqlite PROFILE=release SEED=1 tests/schemathesis/run.sh
#   SCHEMATHESIS_ARGS=--continue-on-failure tests/schemathesis/run.sh   # more flags
#
# MAX_EXAMPLES is schemathesis' `--max-examples`: cases per operation and generation phase.
# PROFILE is the cargo profile of the binary (debug by default, which `cargo test` has built
# already). PG_ADMIN_URL and REDIS_URL name the servers; the run keeps its Redis keys in
# database REDIS_DB (15 by default) and deletes them afterwards. schemathesis is installed with pip
# into a virtual environment under target/ (SCHEMATHESIS_VENV) the first time; the settings
# it runs with are in schemathesis.toml beside this script.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES="${MAX_EXAMPLES:-40}"
PROFILE="${PROFILE:-debug}"
STORES="${STORES:-sqlite postgres}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
# Its own Redis database, so that the stand-in's answers never reach another server's cache.
RUN_REDIS_URL="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$REDIS_URL" "${REDIS_DB:-15}")"
VENV="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"
SEED_ARGS=()
[ -n "${SEED:-}" ] && SEED_ARGS=(--seed "$SEED")

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
    echo "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        # Debian and Ubuntu ship the venv module in a package of its own.
        echo "installing python3-venv"
        apt-get install -y python3-venv >/dev/null ||
            { apt-get update >/dev/null && apt-get install -y python3-venv >/dev/null; }
        rm -rf "$VENV"
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ "$PROFILE" = release ]; then
    cargo build --release --locked --bin finances
else
    cargo build --locked --bin finances
fi
BIN="target/$PROFILE/finances"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

WORK="$(mktemp -d)"
SERVER_PID=""
YAHOO_PID=""
PG_DB=""
cleanup() {
    for pid in $SERVER_PID $YAHOO_PID; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$PG_DB" ]; then
        psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true
    fi
    forget_redis_keys
    rm -rf "$WORK"
}

# The server's keys all start with `finances:`.
forget_redis_keys() {
    if [[ " $STORES " == *" postgres "* ]] && command -v redis-cli >/dev/null; then
        redis-cli -u "$RUN_REDIS_URL" EVAL \
            "for _, k in ipairs(redis.call('keys', 'finances:*')) do redis.call('del', k) end" 0 \
            >/dev/null || true
    fi
}
trap cleanup EXIT

YAHOO_PORT="$(free_port)"
python3 tests/schemathesis/fake_yahoo.py "$YAHOO_PORT" assets/yahoo &
YAHOO_PID=$!
for _ in $(seq 1 50); do
    curl -fs "http://127.0.0.1:$YAHOO_PORT/v1/test/getcrumb" >/dev/null && break
    sleep 0.1
done
cat >"$WORK/config.toml" <<EOF
[yahoo]
base_url = "http://127.0.0.1:$YAHOO_PORT"
max_retries = 0
timeout_secs = 5

[auth]
# The run's one token must outlive the run.
access_token_minutes = 600

[server]
# Limits would turn most requests of a fuzzing run into 429s.
rate_limit_auth_per_minute = 0
rate_limit_sync_per_minute = 0
EOF

# POSTs JSON to the server; prints the answer.
post_json() {
    python3 - "$1" "$2" <<'PY'
import json, sys, urllib.request
url, body = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, data=body.encode(), method="POST",
                             headers={"content-type": "application/json"})
with urllib.request.urlopen(req) as r:
    print(r.read().decode())
PY
}

SUMMARY=()
FAILED=0
for store in $STORES; do
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    data="$WORK/$store"
    mkdir -p "$data"
    env=(FINANCES_CONFIG="$WORK/config.toml" FINANCES_DATA_DIR="$data" FINANCES_LOG_LEVEL=warn
         FINANCES_JWT_SECRET="schemathesis-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')")
    case "$store" in
        sqlite)
            env+=(FINANCES_DATABASE_URL="sqlite://$data/finances.db" FINANCES_REDIS_URL=)
            ;;
        postgres)
            PG_DB="finances_schemathesis_$$"
            psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
            db_url="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$PG_ADMIN_URL" "$PG_DB")"
            forget_redis_keys
            env+=(FINANCES_DATABASE_URL="$db_url" FINANCES_REDIS_URL="$RUN_REDIS_URL")
            ;;
        *)
            echo "unknown store $store (sqlite or postgres)" >&2
            exit 2
            ;;
    esac

    env "${env[@]}" "$BIN" serve --bind "127.0.0.1:$port" 2>"$data/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fs "$base/health" >/dev/null && break
        sleep 0.1
    done
    curl -fs "$base/health" >/dev/null || { cat "$data/server.log" >&2; exit 1; }

    post_json "$base/api/v1/auth/register" \
        '{"email": "fuzz@example.com", "username": "fuzz", "password": "fuzz-password"}' >/dev/null
    token="$(post_json "$base/api/v1/auth/login" '{"username": "fuzz", "password": "fuzz-password"}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"

    echo
    echo "== schemathesis on $store ($base, --max-examples $MAX_EXAMPLES)"
    set +e
    "$VENV/bin/schemathesis" --config-file tests/schemathesis/schemathesis.toml \
        run "$base/openapi.json" \
        --checks all \
        --header "Authorization: Bearer $token" \
        --max-examples "$MAX_EXAMPLES" \
        --workers 1 \
        --request-timeout 20 \
        --no-color \
        "${SEED_ARGS[@]}" ${SCHEMATHESIS_ARGS:-} \
        --report junit --report-dir "$data/report" 2>&1 | tee "$data/schemathesis.log"
    status=${PIPESTATUS[0]}
    set -e
    cases="$(grep -Eo '[0-9]+ generated' "$data/schemathesis.log" | tail -n 1 || true)"
    SUMMARY+=("$store: ${cases:-no} cases, schemathesis exit $status")
    if [ "$status" -ne 0 ]; then
        FAILED=1
        echo "-- server log ($store), last lines:"
        tail -n 40 "$data/server.log"
    fi

    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    if [ -n "$PG_DB" ]; then
        psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
        PG_DB=""
    fi
done

echo
printf '%s\n' "${SUMMARY[@]}"
exit "$FAILED"
