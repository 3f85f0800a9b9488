#!/usr/bin/env bash
# Reproduces the live-sync numbers in docs/benchmarks.md ("Live sync"): builds
# the release preset, then runs bench_live under a throwaway keychain
# (tests/e2e/with-keyring.sh):
#   - propagation of 200 edits from one device to another, on one instance on
#     SQLite and on PostgreSQL, and through the shipped nginx site in front of
#     two instances on PostgreSQL;
#   - 1,000 idle streams on one instance (SQLite): memory, idle CPU, fan-out.
# Usage: tests/bench/run-live-benchmarks.sh [edits [streams [idle seconds]]]
set -euo pipefail
cd "$(dirname "$0")/../.."
edits=${1:-200}
streams=${2:-1000}
idle_seconds=${3:-60}
source cmake/install-deps.sh
hale_install_deps
[ -f build/release/build.ninja ] || cmake --preset release
cmake --build build/release --target hale-server bench_live

export HALE_SERVER_BINARY=$PWD/build/release/sync/server/hale-server
export HALE_NGINX_SITE=$PWD/installer/nginx/hale-server.conf
export QT_LOGGING_RULES="hale.*.info=false"
scratch=$(mktemp -d)
trap 'tests/integration/postgres.sh stop "$scratch/pg" || true; rm -rf "$scratch"' EXIT
bench() { tests/e2e/with-keyring.sh build/release/tests/bench/bench_live "$@" 2>&1 | grep -v 'Failed to set fd limit'; }
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== propagation, one instance on SQLite"
bench --propagation --edits "$edits"
tests/integration/postgres.sh start "$scratch/pg"
echo "== propagation, one instance on PostgreSQL"
HALE_TEST_DATABASE=postgres HALE_TEST_POSTGRES_STATE="$scratch/pg" bench --propagation --edits "$edits"
echo "== propagation, nginx before two instances on PostgreSQL"
HALE_TEST_DATABASE=postgres HALE_TEST_POSTGRES_STATE="$scratch/pg" bench --propagation --edits "$edits" --nginx
echo "== $streams idle streams on one instance (SQLite)"
bench --idle "$streams" --idle-seconds "$idle_seconds"
