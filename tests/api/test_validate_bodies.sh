#!/usr/bin/env bash
# Self-test of tests/api/validate_bodies.py: a log it must accept, logs it
# must refuse, and the spec's own examples. Prints one line per case and
# "N passed, N failed"; exits non-zero if any case fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
spec=${1:-$root/docs/api/openapi.yaml}
validator=$here/validate_bodies.py
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

passed=0
failed=0
# expect NAME WANT(0|1) LOG... : runs the validator on the logs, checks its exit status.
expect() {
    local name=$1 want=$2
    shift 2
    local got=0
    "$validator" "$spec" "$@" >"$scratch/out" 2>&1 || got=$?
    if [ "$got" -eq "$want" ]; then
        echo "ok: $name"
        passed=$((passed + 1))
    else
        echo "FAILED: $name (exit $got, wanted $want)"
        sed 's/^/    /' "$scratch/out"
        failed=$((failed + 1))
    fi
}
# expect_output NAME TEXT: the last run printed TEXT.
expect_output() {
    if grep -qF -- "$2" "$scratch/out"; then
        echo "ok: $1"
        passed=$((passed + 1))
    else
        echo "FAILED: $1 (no \"$2\" in the output)"
        sed 's/^/    /' "$scratch/out"
        failed=$((failed + 1))
    fi
}

user=8c5e2f4a-1b7d-4e3a-9f60-2d4c8b1a7e95
device=3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d
credentials='{"email":"maria.lopez@example.org","password":"correct horse battery staple","device":{"id":"'$device'","name":"Maria'"'"'s laptop","platform":"Debian GNU/Linux 12 (bookworm)"}}'
tokens='{"user_id":"'$user'","device_id":"'$device'","access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl","expires_in":900,"refresh_token":"As5zCdcG42GWe66Teh9rKDZ8U1y2ashnl9DMc_yCMfA"}'
no_access_token='{"user_id":"'$user'","device_id":"'$device'","expires_in":900,"refresh_token":"As5zCdcG42GWe66Teh9rKDZ8U1y2ashnl9DMc_yCMfA"}'

# One good exchange of each sort the validator tells apart.
cat >"$scratch/good.jsonl" <<EOF
{"method":"POST","path":"/api/v1/auth/login","status":200,"request":$credentials,"response":$tokens}
{"method":"POST","path":"/api/v1/auth/register","status":400,"request":{"email":42},"response":{"error":{"code":"validation","message":"device needs an id (UUID), a name (1-100 characters) and a platform (1-40 characters).","details":{"field":"device"}}}}
{"method":"PATCH","path":"/api/v1/devices/$device","status":200,"request":{"name":"Office PC"},"response":{"id":"$device","name":"Office PC"}}
{"method":"POST","path":"/api/v1/sync","status":431,"request":null,"response":{"error":{"code":"headers_too_large","message":"The request headers are larger than 65536 bytes."}}}
{"method":"GET","path":"/metrics","status":200,"request":null,"response":null}
EOF
expect "a good log passes" 0 "$scratch/good.jsonl"
expect_output "bodies are counted per route" "POST /api/v1/auth/login: 2 bodies validated"
expect_output "templated paths match" "PATCH /api/v1/devices/{id}: 2 bodies validated"

echo '{"method":"POST","path":"/api/v1/auth/login","status":200,"request":'"$credentials"',"response":'"$no_access_token"'}' >"$scratch/bad.jsonl"
expect "Tokens without access_token fails" 1 "$scratch/bad.jsonl"
expect_output "the failure names the missing property" "'access_token' is a required property"
expect "a bad log fails next to a good one" 1 "$scratch/good.jsonl" "$scratch/bad.jsonl"

echo '{"method":"POST","path":"/api/v1/auth/login","status":200,"request":{"email":"maria.lopez@example.org"},"response":'"$tokens"'}' >"$scratch/bad-request.jsonl"
expect "a 2xx exchange's request is validated" 1 "$scratch/bad-request.jsonl"

echo '{"method":"GET","path":"/api/v1/nowhere","status":200,"request":null,"response":{}}' >"$scratch/path.jsonl"
expect "a path not in the spec fails" 1 "$scratch/path.jsonl"
echo '{"method":"PUT","path":"/api/v1/sync","status":200,"request":null,"response":{}}' >"$scratch/method.jsonl"
expect "a method not in the spec fails" 1 "$scratch/method.jsonl"
echo '{"method":"GET","path":"/api/v1/devices","status":302,"request":null,"response":null}' >"$scratch/status.jsonl"
expect "a status not in the spec fails" 1 "$scratch/status.jsonl"
echo '{"method":"GET","path":"/healthz","status":200,"request":null,"response":null}' >"$scratch/missing.jsonl"
expect "a missing JSON body fails" 1 "$scratch/missing.jsonl"
echo 'not json' >"$scratch/garbage.jsonl"
expect "a line that is not JSON fails" 1 "$scratch/garbage.jsonl"
: >"$scratch/empty.jsonl"
expect "logs with no exchange fail" 1 "$scratch/empty.jsonl"

expect "the spec's examples are valid" 0 --examples --dump-examples "$scratch/examples.json"
if /usr/bin/python3 - "$scratch/examples.json" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
keys = {"method", "path", "status", "content_type", "schema_ref", "example"}
assert entries and all(set(e) == keys for e in entries), "dump entries have the wrong keys"
assert any(e["status"] == "request" and e["schema_ref"] == "SyncRequest" for e in entries)
assert any(e["status"] == "200" and e["schema_ref"] == "SyncResponse" for e in entries)
PY
then
    echo "ok: --dump-examples writes request and response examples"
    passed=$((passed + 1))
else
    echo "FAILED: --dump-examples output"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
