#!/usr/bin/env bash
# Reproduces the numbers in docs/benchmarks.md: builds the release preset,
# fills a fresh data folder with N demo records (default 100,000), then times
# cold start to the first painted window, peak memory, store writes and the
# screens. Run from the repository root: tests/bench/run-benchmarks.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-100000}
source cmake/install-deps.sh
hale_install_deps
[ -f build/release/build.ninja ] || cmake --preset release
cmake --build build/release --target hale bench_store bench_screens

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/run" && chmod 700 "$scratch/run"
export XDG_RUNTIME_DIR="$scratch/run" QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="hale.store.info=false"
hale=build/release/app/hale
data="$scratch/data"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== demo data ($records records)"
/usr/bin/time -f "   wall %e s, peak RSS %M KB" "$hale" --data-dir "$data" --generate-demo-data "$records"
ls -l "$data/hale.sqlite" | awk '{printf "   database file: %.1f MB\n", $5/1e6}'

echo "== cold start to first painted window (5 runs)"
for _ in 1 2 3 4 5; do
    /usr/bin/time -f "   process wall %e s, peak RSS %M KB" "$hale" --data-dir "$data" \
        --exit-after-first-paint 2>&1 | grep -v propagateSizeHints | sed 's/^first/   first/'
done

echo "== store (on a copy, so the screens below see the untouched demo data)"
cp -r "$data" "$scratch/store-copy"
build/release/tests/bench/bench_store --data-dir "$scratch/store-copy"

echo "== screens"
/usr/bin/time -f "   peak RSS after opening Metrics and scrolling all its rows: %M KB" \
    build/release/tests/bench/bench_screens --data-dir "$data" 2>&1 | grep -v propagateSizeHints
