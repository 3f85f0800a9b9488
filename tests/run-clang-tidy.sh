#!/usr/bin/env bash
# clang-tidy with the repository's .clang-tidy over the project's sources
# (app, models, sync, ui), from a configured build's compile_commands.json.
# Any finding fails (WarningsAsErrors). With file arguments, only those:
#   tests/run-clang-tidy.sh build/dev                        # every source
#   tests/run-clang-tidy.sh build/dev $(git diff --name-only main -- '*.cpp')
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: run-clang-tidy.sh BUILD_DIR [FILE...]}" && pwd)
shift
if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(cd "$root" && git ls-files 'app/*.cpp' 'models/*.cpp' 'sync/*.cpp' 'ui/*.cpp' |
        sed "s|^|$root/|")
fi
[ "${#files[@]}" -gt 0 ] || { echo "no sources to check" >&2; exit 1; }
# Each file as an exact pattern; one the build does not compile would match
# nothing and pass unchecked, so it is refused.
patterns=()
for f in "${files[@]}"; do
    abs=$(realpath -m "$f")
    if ! grep -qF "\"file\": \"$abs\"" "$build/compile_commands.json"; then
        echo "run-clang-tidy: $f is not a source of $build" >&2
        exit 1
    fi
    patterns+=("^$(printf '%s' "$abs" | sed 's/[][\.^$*+?(){}|]/\\&/g')\$")
done
cd "$root"
run-clang-tidy -quiet -p "$build" -j "$(nproc)" "${patterns[@]}" >"$build/clang-tidy.log" 2>&1 || {
    grep -E 'warning:|error:' "$build/clang-tidy.log" | sort -u >&2
    echo "clang-tidy found problems (whole output: $build/clang-tidy.log)" >&2
    exit 1
}
echo "clang-tidy: ${#files[@]} files, no findings"
