#!/usr/bin/env bash
# Installs the Debian 12 packages Hale needs to build, test and run, if any are
# missing. Sourced by ./run and ./test; works as root or, through sudo, as a
# normal user. Prints nothing when everything is already there.
set -euo pipefail

HALE_PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config clang-format clang-tidy
    qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-tools-dev qt6-websockets-dev
    qt6-tools-dev-tools qt6-l10n-tools libqt6sql6-sqlite libgl-dev libxkbcommon-dev
    libhttp-parser-dev libsodium-dev libpq-dev libsqlite3-dev libsimdjson-dev openssl postgresql libqt6sql6-psql python3-yaml
    xvfb xauth dbus fonts-dejavu-core time librsvg2-bin qtkeychain-qt6-dev gnome-keyring
    nodejs npm python3-jsonschema nginx poppler-utils
)
# Only for building and checking the installers (installer/check-packages.sh).
HALE_PACKAGING_PACKAGES=(
    dpkg-dev file rpm lintian appstream desktop-file-utils debootstrap curl
    systemd
)
# Only for the libFuzzer builds (tests/fuzz/run-fuzzers.sh, preset "fuzz").
HALE_FUZZ_PACKAGES=(
    clang-14 libclang-rt-14-dev
)

hale_missing_packages() { # [extra packages...]
    local pkg missing=() provided
    # What installed packages provide counts as there: a nodejs build that
    # brings its own npm provides (and conflicts with) Debian's npm package.
    provided=" $(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null |
        awk -F'|' '$1 ~ /^ii/ && $2 != "" {print $2}' | tr ',' '\n' |
        sed 's/([^)]*)//; s/[[:space:]]//g' | sort -u | tr '\n' ' ') "
    for pkg in "${HALE_PACKAGES[@]}" "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" &&
            [[ "$provided" != *" $pkg "* ]]; then
            missing+=("$pkg")
        fi
    done
    echo "${missing[@]:-}"
}

hale_install_deps() { # [extra packages...]
    local missing
    missing=$(hale_missing_packages "$@")
    [ -z "$missing" ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null; then
            echo "Hale needs these Debian packages and cannot install them without root or sudo:" >&2
            echo "  $missing" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    echo "Installing Debian packages: $missing"
    "${sudo[@]}" apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q $missing
}
