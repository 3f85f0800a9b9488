#!/usr/bin/env bash
# Lints docs/api/openapi.yaml (or the spec given as $1) with the Redocly CLI
# pinned in tests/api/package.json and package-lock.json, configured by
# redocly.yaml at the top of the repository. Exits non-zero on any error.
#
# The CLI is installed into tests/api/node_modules with `npm ci` when it is
# missing or was installed from another lock file; after that the lint needs
# no network. Needs Debian's nodejs and npm (cmake/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
spec=$(realpath "${1:-$root/docs/api/openapi.yaml}")

for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "lint-openapi: $tool is missing; install Debian's nodejs and npm" \
            "(source cmake/install-deps.sh && hale_install_deps)" >&2
        exit 1
    fi
done

# The lock file's digest, kept beside the packages it installed.
lock_digest=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
stamp=$here/node_modules/.hale-lock-sha256
if [ ! -x "$here/node_modules/.bin/redocly" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_digest" ]; then
    echo "lint-openapi: installing the Redocly CLI (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_digest" >"$stamp"
fi

# No usage reports and no update check: both would reach out to the network
# on every run (the report waits for a time-out where there is none).
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
cd "$root"
echo "lint-openapi: Redocly CLI $("$here/node_modules/.bin/redocly" --version)"
exec "$here/node_modules/.bin/redocly" lint --config "$root/redocly.yaml" "$spec"
