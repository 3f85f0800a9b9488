#!/usr/bin/env bash
# Reproduces the end-to-end sync numbers in docs/benchmarks.md: builds the
# release preset, then runs bench_sync (device A pushes N records through its
# worker; device B, main window open offscreen, pulls them on its sync
# thread while the UI thread's longest stall is measured) against hale-server
# on SQLite and on a throwaway PostgreSQL cluster, under a throwaway keychain
# (tests/e2e/with-keyring.sh).
# Usage: tests/bench/run-sync-benchmarks.sh [records [bench_sync options]]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-100000}
# Any further arguments go to bench_sync (e.g. --lift-rate-limit).
bench_args=("${@:2}")
source cmake/install-deps.sh
hale_install_deps
[ -f build/release/build.ninja ] || cmake --preset release
cmake --build build/release --target hale-server bench_sync

export HALE_SERVER_BINARY=$PWD/build/release/sync/server/hale-server
export QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="hale.*.info=false"
scratch=$(mktemp -d)
trap 'tests/integration/postgres.sh stop "$scratch/pg" || true; rm -rf "$scratch"' EXIT
run() {
    tests/e2e/with-keyring.sh build/release/tests/bench/bench_sync --records "$records" "${bench_args[@]}" 2>&1 |
        grep -v -e propagateSizeHints -e 'Failed to set fd limit'
}
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== hale-server on SQLite"
run
echo "== hale-server on PostgreSQL"
tests/integration/postgres.sh start "$scratch/pg"
HALE_TEST_DATABASE=postgres HALE_TEST_POSTGRES_STATE="$scratch/pg" run
