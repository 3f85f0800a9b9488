#!/usr/bin/env bash
# Reproduces the open-loop load numbers in docs/benchmarks.md: builds the
# release preset, then runs bench_load against hale-server on SQLite and on a
# throwaway PostgreSQL cluster, at 100, 500 and 2,000 devices, raising the
# offered load until p99 passes a second.
# Usage: tests/bench/run-load-benchmarks.sh [sqlite|postgresql|both] [seconds per rate]
set -euo pipefail
cd "$(dirname "$0")/../.."
which=${1:-both}
seconds=${2:-10}
source cmake/install-deps.sh
hale_install_deps
[ -f build/release/build.ninja ] || cmake --preset release
cmake --build build/release --target hale-server bench_load
# 2,000 devices: 2,000 sockets on each side of loopback.
ulimit -n 16384

scratch=$(mktemp -d)
pg_state="$scratch/pg"
cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
    [ -f "$pg_state" ] && tests/integration/postgres.sh stop "$pg_state" || true
    rm -rf "$scratch"
}
trap cleanup EXIT
# Thousands of devices of a few accounts from one address: lift the limits
# that protect against exactly that. The server's defaults otherwise.
cat > "$scratch/load.ini" <<'INI'
[rate_limit]
requests_per_minute = 10000000
sign_ins_per_minute = 1000000
[http]
max_connections = 4096
max_connections_per_address = 4096
idle_timeout_ms = 600000
INI

rates="250,500,750,1000,1500,2000,2500,3000,4000,5000,6000"
run_one() { # label, devices, extra server args...
    local label=$1 devices=$2
    shift 2
    rm -rf "$scratch/data"
    build/release/sync/server/hale-server --listen 127.0.0.1:0 --data-dir "$scratch/data" \
        --config "$scratch/load.ini" "$@" >"$scratch/server.out" 2>/dev/null &
    server_pid=$!
    for _ in $(seq 50); do grep -q listening "$scratch/server.out" && break; sleep 0.1; done
    url=$(grep -o 'http://[0-9.]*:[0-9]*' "$scratch/server.out")
    echo "== $label, $devices devices, $seconds s per rate"
    build/release/tests/bench/bench_load --url "$url" --devices "$devices" --rates "$rates" \
        --seconds "$seconds" || true
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

fresh_database() { # name -> prints its URL
    /usr/bin/python3 - "$(cat "$pg_state")" "$1" <<'PY'
import subprocess, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
subprocess.run(["psql", "-h", u.hostname, "-p", str(u.port), "-U", u.username, "-d", "postgres",
                "-c", f"CREATE DATABASE {sys.argv[2]}"], check=True, capture_output=True,
               env={"PGPASSWORD": u.password, "PATH": "/usr/bin:/bin"})
print(sys.argv[1].rsplit("/", 1)[0] + "/" + sys.argv[2])
PY
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if [ "$which" != postgresql ]; then
    for devices in 100 500 2000; do run_one sqlite "$devices"; done
fi
if [ "$which" != sqlite ]; then
    tests/integration/postgres.sh start "$pg_state"
    for devices in 100 500 2000; do
        run_one postgresql "$devices" --database "$(fresh_database "hale_load_$devices")"
    done
fi
