#!/usr/bin/env bash
# Regenerates docs/screenshots/{light,dark}/<screen>.png: one picture of each
# screen, from demo data, in GNOME's Adwaita light and dark palettes as Qt's
# GTK platform theme gives them (the way Hale follows a desktop's dark mode).
# Run from anywhere: docs/screenshots/generate.sh [records]
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-3000}
source cmake/install-deps.sh
hale_install_deps qt6-gtk-platformtheme
[ -f build/dev/build.ninja ] || cmake --preset dev
cmake --build build/dev --target hale
hale=$PWD/build/dev/app/hale

scratch=$(mktemp -d)
xvfb=""
cleanup() {
    [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT
mkdir -p "$scratch/run" "$scratch/home" && chmod 700 "$scratch/run"
# A home of its own: no saved settings or autostart entry of the person's.
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" \
    XDG_RUNTIME_DIR="$scratch/run" QT_LOGGING_RULES="hale.store.info=false"
"$hale" --data-dir "$scratch/data" --generate-demo-data "$records"

display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 50); do
    [ -e "/tmp/.X11-unix/X${display#:}" ] && break
    sleep 0.1
done
for variant in light dark; do
    theme=Adwaita
    [ "$variant" = dark ] && theme=Adwaita:dark
    rm -rf "docs/screenshots/$variant"
    DISPLAY=$display QT_QPA_PLATFORMTHEME=gtk3 GTK_THEME=$theme \
        timeout 120 "$hale" --data-dir "$scratch/data" --screenshots "docs/screenshots/$variant" \
        2> >(grep -v propagateSizeHints >&2)
    echo "docs/screenshots/$variant: $(ls "docs/screenshots/$variant" | tr '\n' ' ')"
done
