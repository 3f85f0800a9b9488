#!/usr/bin/env bash
# Sync over a slow link: hale-server on SQLite (its defaults) behind
# tests/bench/throttle-proxy.py, N demo records pushed by `hale account signup`
# and pulled by `hale account signin` into a fresh folder, each timed from the
# command's start to its end; then the same straight to the server.
# Usage: tests/bench/run-slow-link-benchmark.sh [records [rtt-ms [mbit]]]
#        (default 20000 records, 20 ms, 10 Mbit/s)
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-20000}
rtt=${2:-20}
mbit=${3:-10}
source cmake/install-deps.sh
hale_install_deps
[ -f build/release/build.ninja ] || cmake --preset release
cmake --build build/release --target hale-server hale

scratch=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$scratch"' EXIT
export QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="hale.*.info=false"
build/release/sync/server/hale-server --listen 127.0.0.1:0 --data-dir "$scratch/server" \
    >"$scratch/server.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$scratch/server.out" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$scratch/server.out" | cut -d: -f2)
python3 tests/bench/throttle-proxy.py --target "$port" --rtt-ms "$rtt" --mbit "$mbit" \
    --seconds 900 >"$scratch/proxy.out" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$scratch/proxy.out" && break; sleep 0.1; done
slow=$(awk '{print $3}' "$scratch/proxy.out")

build/release/app/hale --data-dir "$scratch/a" --generate-demo-data "$records"
cp -r "$scratch/a" "$scratch/a-direct"
cat >"$scratch/run.sh" <<SCRIPT
#!/bin/sh
set -e
export HALE_PASSWORD='correct horse battery'
for via in "slow link ($rtt ms, $mbit Mbit/s):$slow" "straight to the server:$port"; do
    name=\${via%%:*}; p=\${via##*:}
    dir=$scratch/a; [ "\$p" = "$port" ] && dir=$scratch/a-direct
    echo "== \$name"
    /usr/bin/time -f "push of $records (signup): %e s" build/release/app/hale --data-dir "\$dir" \
        --server "http://127.0.0.1:\$p" --email "\$p@example.org" account signup 2>&1 | grep -v 'signed in'
    /usr/bin/time -f "pull of $records (signin, fresh folder): %e s" build/release/app/hale \
        --data-dir "$scratch/b-\$p" --server "http://127.0.0.1:\$p" --email "\$p@example.org" \
        account signin 2>&1 | grep -v 'signed in'
done
SCRIPT
chmod +x "$scratch/run.sh"
tests/e2e/with-keyring.sh "$scratch/run.sh" 2>&1 | grep -v -e 'Failed to set fd limit'
