#!/usr/bin/env bash
# Runs a command with a real Secret Service keychain of its own: a private
# session bus (dbus-run-session), a throwaway home, and gnome-keyring-daemon
# unlocked with a throwaway password. Both end with the command. If the
# daemon cannot start, the command still runs and its keychain calls fail,
# so the test fails loudly rather than skipping.
set -euo pipefail
if [ -z "${HALE_KEYRING_INNER:-}" ]; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$scratch/home" "$scratch/run" && chmod 700 "$scratch/run"
    export HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run" \
        XDG_DATA_HOME="$scratch/home/.local/share" XDG_CONFIG_HOME="$scratch/home/.config" \
        HALE_KEYRING_INNER=1
    unset DISPLAY WAYLAND_DISPLAY
    status=0
    dbus-run-session -- "$0" "$@" || status=$?
    exit $status
fi
eval "$(printf 'hale-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
status=0
"$@" || status=$?
# The daemon would outlive the session bus by a moment; stop it now.
[ -n "${GNOME_KEYRING_PID:-}" ] && kill "$GNOME_KEYRING_PID" 2>/dev/null || true
exit $status
