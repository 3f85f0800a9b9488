#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (preset "fuzz": clang-14, ASan +
# UBSan, build/fuzz) and runs each one in turn for SECONDS (default 60) on a
# copy of its committed corpus. Prints libFuzzer's final stats (executions,
# coverage, corpus) and any crash or property violation it found, with the
# reproducer's path. Exits 1 if any target found something.
#
#   tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]   # TARGET: sync_request merge hlc ...
#
# Each run lives in build/fuzz/runs/<date>/<target>/: corpus/ (the committed
# corpus plus what the run added), log, and crash-*/timeout-*/oom-* files.
# HALE_FUZZ_STRICT=1 also checks the known findings that are not fixed yet
# (docs/reliability.md). Builds take /tmp/hale-build.lock (HALE_BUILD_LOCK), so
# they never run at the same time as another build on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: $0 [SECONDS] [TARGET...]" >&2
    exit 2
fi
shift $(($# > 0 ? 1 : 0))
all_targets=(sync_request merge hlc json_import csv_import http_request)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# Longest input each target gets: a few times its largest corpus file.
declare -A max_len=([sync_request]=8192 [merge]=512 [hlc]=128 [json_import]=8192 [csv_import]=4096 [http_request]=8192)
declare -A dict=([sync_request]=json.dict [json_import]=json.dict [csv_import]=csv.dict)
for target in "${targets[@]}"; do
    if [ -z "${max_len[$target]:-}" ]; then
        echo "unknown target $target (known: ${all_targets[*]})" >&2
        exit 2
    fi
done

source cmake/install-deps.sh
hale_install_deps "${HALE_FUZZ_PACKAGES[@]}"

lock=${HALE_BUILD_LOCK:-/tmp/hale-build.lock}
echo "== build (preset fuzz: clang-14, libFuzzer + ASan + UBSan)"
[ -f build/fuzz/build.ninja ] || flock "$lock" cmake --preset fuzz
flock "$lock" cmake --build build/fuzz --target "${targets[@]/#/fuzz_}"

runs="$root/build/fuzz/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$runs"
# The import targets keep their SQLite stores in $TMPDIR: memory if possible.
scratch=$(mktemp -d "$([ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/hale-fuzz-run.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

found=0
summary=()
for target in "${targets[@]}"; do
    dir="$runs/$target"
    mkdir -p "$dir/corpus"
    cp tests/fuzz/corpus/"$target"/* "$dir/corpus/"
    before=$(find "$dir/corpus" -type f | wc -l)
    args=(-max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=25
          -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$dir/")
    [ -z "${dict[$target]:-}" ] || args+=(-dict="tests/fuzz/${dict[$target]}")
    echo "== fuzz_$target for ${seconds}s (log: $dir/log)"
    status=0
    TMPDIR=$scratch build/fuzz/tests/fuzz/fuzz_"$target" "${args[@]}" "$dir/corpus" \
        >"$dir/log" 2>&1 || status=$?
    after=$(find "$dir/corpus" -type f | wc -l)
    # libFuzzer's own lines: the last status line and the final stats.
    grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$dir/log" | tail -n 1 || true
    grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' \
        "$dir/log" || true
    artifacts=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \))
    if [ "$status" -ne 0 ] || [ -n "$artifacts" ]; then
        found=1
        echo "!! fuzz_$target stopped with status $status"
        grep -E -A2 'property violated|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' \
            "$dir/log" | cut -c1-400 | head -n 20 || true
        for a in $artifacts; do echo "!! reproducer: $a"; done
        summary+=("fuzz_$target: FOUND SOMETHING (see $dir/log)")
    else
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
        summary+=("fuzz_$target: ${execs:-?} executions in ${seconds}s, corpus $before -> $after files, nothing found")
    fi
done

echo "== summary (runs in $runs)"
printf '%s\n' "${summary[@]}"
exit "$found"
