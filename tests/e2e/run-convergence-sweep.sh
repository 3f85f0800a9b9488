#!/usr/bin/env bash
# Runs the seeded convergence sweep (tests/e2e/test_convergence.cpp) over a
# range of seeds, on SQLite or on a throwaway PostgreSQL cluster, and prints
# how many seeds passed and which failed. ./test runs a few fixed seeds; the
# figures in docs/reliability.md come from this script, run in parts.
# Usage: tests/e2e/run-convergence-sweep.sh FIRST LAST [sqlite|postgres]
# A failing seed reruns alone with:
#   tests/e2e/with-keyring.sh build/dev/tests/e2e/test_convergence --seed N
# (HALE_SERVER_BINARY=build/dev/sync/server/hale-server; for PostgreSQL also
# HALE_TEST_DATABASE, HALE_TEST_POSTGRES_STATE and HALE_TEST_POSTGRES_SCRIPT,
# as this script sets them.)
set -euo pipefail
cd "$(dirname "$0")/../.."
first=${1:?first seed}
last=${2:?last seed}
database=${3:-sqlite}
source cmake/install-deps.sh
hale_install_deps
[ -f build/dev/build.ninja ] || cmake --preset dev
cmake --build build/dev --target test_convergence hale-server

scratch=$(mktemp -d)
trap 'tests/integration/postgres.sh stop "$scratch/pg" || true; rm -rf "$scratch"' EXIT
export HALE_SERVER_BINARY=$PWD/build/dev/sync/server/hale-server
if [ "$database" = postgres ]; then
    tests/integration/postgres.sh start "$scratch/pg"
    export HALE_TEST_DATABASE=postgres HALE_TEST_POSTGRES_STATE=$scratch/pg \
        HALE_TEST_POSTGRES_SCRIPT=$PWD/tests/integration/postgres.sh
fi
log=$scratch/sweep.log
start=$(date +%s)
status=0
QT_LOGGING_RULES="hale.*=false" tests/e2e/with-keyring.sh build/dev/tests/e2e/test_convergence \
    -maxwarnings 0 --seed "$first-$last" >"$log" 2>&1 ||
    status=$?
passed=$(grep -c '^PASS   : TestConvergence::converges' "$log" || true)
echo "seeds $first-$last on $database: $passed passed in $(($(date +%s) - start)) s"
grep -E '^FAIL!  : TestConvergence::converges' "$log" || true
total() { grep -oE "[0-9]+ $1" "$log" | awk '{s += $1} END {print s + 0}'; }
echo "records $(total records), faults injected $(total faults), offline spells" \
    "$(total 'offline spells'), workers torn down $(total crashes), server kills" \
    "$(total 'server kills')"
exit "$status"
