#!/usr/bin/env bash
# Reproduces the server numbers in docs/benchmarks.md: builds the release
# preset, then runs bench_server against hale-server on SQLite and on a
# throwaway PostgreSQL cluster, at 100 and 500 concurrent devices.
# Usage: tests/bench/run-server-benchmarks.sh [records]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-100000}
source cmake/install-deps.sh
hale_install_deps
[ -f build/release/build.ninja ] || cmake --preset release
cmake --build build/release --target hale-server bench_server

scratch=$(mktemp -d)
pg_state="$scratch/pg"
cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
    tests/integration/postgres.sh stop "$pg_state" || true
    rm -rf "$scratch"
}
trap cleanup EXIT
# Load testing many devices of few users from one address: lift the limits
# that protect against exactly that.
cat > "$scratch/bench.ini" <<'INI'
workers = 4
[rate_limit]
requests_per_minute = 10000000
sign_ins_per_minute = 1000000
[http]
max_connections = 1024
max_connections_per_address = 1024
INI

run_against() { # label, extra server args...
    local label=$1
    shift
    build/release/sync/server/hale-server --listen 127.0.0.1:0 --data-dir "$scratch/data-$label" \
        --config "$scratch/bench.ini" "$@" >"$scratch/server.out" 2>/dev/null &
    server_pid=$!
    for _ in $(seq 50); do grep -q listening "$scratch/server.out" && break; sleep 0.1; done
    url=$(grep -o 'http://[0-9.]*:[0-9]*' "$scratch/server.out")
    echo "== $label, 100 concurrent devices"
    build/release/tests/bench/bench_server --url "$url" --users 50 --devices 2 \
        --concurrency 100 --requests 5000 --records "$records"
    echo "== $label, bulk push in requests of 5000 records"
    build/release/tests/bench/bench_server --url "$url" --users 1 --devices 1 \
        --concurrency 1 --requests 10 --records "$records" --batch 5000 | grep -E "^(push|initial)"
    echo "== $label, 500 concurrent devices"
    build/release/tests/bench/bench_server --url "$url" --users 250 --devices 2 \
        --concurrency 500 --requests 10000 --records 0
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
run_against sqlite
tests/integration/postgres.sh start "$pg_state"
admin=$(cat "$pg_state")
/usr/bin/python3 - "$admin" <<'PY'
import subprocess, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
subprocess.run(["psql", "-h", u.hostname, "-p", str(u.port), "-U", u.username, "-d", "postgres",
                "-c", "CREATE DATABASE hale_bench"], check=True, capture_output=True,
               env={"PGPASSWORD": u.password, "PATH": "/usr/bin:/bin"})
PY
run_against postgresql --database "${admin%/postgres}/hale_bench"
