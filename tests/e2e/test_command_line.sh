#!/usr/bin/env bash
# The `hale` command line against a real hale-server: two data folders (two
# devices) sign in to one account, add, sync, list, export and import, and
# the exit statuses say what happened. Run under with-keyring.sh.
# Usage: test_command_line.sh HALE HALE_SERVER
set -euo pipefail
hale=$1
server_bin=$2
work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
umask 022 # as most desktops have it: what hale writes must not follow it
failures=0
check() { # description, then the test command
    local what=$1
    shift
    if "$@"; then echo "PASS: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

start_server() { # [port]
    # The file exists before the server starts: the background job's own
    # redirection may come after the first read below.
    : > server.out
    "$server_bin" --listen "127.0.0.1:${1:-0}" --data-dir server >> server.out 2> server.err &
    server_pid=$!
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' server.out)
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "hale-server did not start"; cat server.err; exit 1
}
start_server
url="http://127.0.0.1:$port"
export HALE_PASSWORD="correct horse battery"

status() { "$@" > out.txt 2> err.txt && echo 0 || echo $?; }

check "sync before signing in says so (exit 4)" test "$(status "$hale" --data-dir a sync)" = 4
check "the message names the fix" grep -q "sign in" err.txt
check "signup" test "$(status "$hale" --data-dir a account signup --server "$url" --email cli@example.org)" = 0
check "signup syncs" grep -q "^synced:" out.txt
check "add" test "$(status "$hale" --data-dir a add metric recorded_at=2026-11-20T08:00:00Z weight=72.5)" = 0
id=$(cat out.txt)
check "add prints the new id" grep -Eq '^[0-9a-f-]{36}$' out.txt
check "a bad value is refused (exit 1)" test "$(status "$hale" --data-dir a add metric recorded_at=2026-11-20T09:00:00Z weight=heavy)" = 1
check "and says which field" grep -q "weight" err.txt
check "an unknown kind is a usage error (exit 2)" test "$(status "$hale" --data-dir a add pets name=rex)" = 2
check "add fills in the time, as the dialog does" test "$(status "$hale" --data-dir m add meal description=Oatmeal calories=320 meal_type=breakfast)" = 0
check "with now" grep -q "eaten_at=$(date -u +%Y-%m-%d)" <("$hale" --data-dir m list meal)
check "sync pushes" test "$(status "$hale" --data-dir a sync)" = 0
check "one sent" grep -q "^synced: 1 sent" out.txt
# The password from stdin this time.
unset HALE_PASSWORD
check "signin on a second device" test "$(echo "correct horse battery" | "$hale" --data-dir b account signin --server "$url" --email cli@example.org > out.txt 2> err.txt; echo $?)" = 0
check "a wrong password is refused" test "$(echo "wrong password!" | "$hale" --data-dir c account signin --server "$url" --email cli@example.org > /dev/null 2>&1; echo $?)" = 1
check "list shows the entry" grep -q "id=$id" <("$hale" --data-dir b list metric)
check "list --json" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[0]['weight']==72.5 and d[0]['id']==sys.argv[2]" <("$hale" --data-dir b list metric --json) "$id"

kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
check "offline: add still works" test "$(status "$hale" --data-dir b add metric recorded_at=2026-11-21T08:00:00Z weight=71)" = 0
check "offline: sync says so (exit 3)" test "$(status "$hale" --data-dir b sync)" = 3
start_server "$port"
check "back online: sync" test "$(status "$hale" --data-dir b sync)" = 0
check "a receives b's entry" test "$(status "$hale" --data-dir a sync)" = 0
check "a has two entries" test "$("$hale" --data-dir a list metric | wc -l)" = 2

check "export" test "$(status "$hale" --data-dir a export backup.json)" = 0
check "the backup is the owner's alone (umask $(umask))" test "$(stat -c %a backup.json)" = 600
check "so are the data folder" test "$(stat -c %a a)" = 700
check "and the database" test "$(stat -c %a a/hale.sqlite)" = 600
check "import into a fresh folder" test "$(status "$hale" --data-dir d import backup.json)" = 0
check "the same entries" diff <("$hale" --data-dir a list metric) <("$hale" --data-dir d list metric)
check "signout" test "$(status "$hale" --data-dir a account signout)" = 0
check "after signout, sync is off (exit 4)" test "$(status "$hale" --data-dir a sync)" = 4
check "entries stay after signout" test "$("$hale" --data-dir a list metric | wc -l)" = 2

# An end-to-end encrypted account: the passphrase from HALE_PASSPHRASE, or
# the next line of stdin; a wrong one, or none, keeps nothing (exit 1).
export HALE_PASSWORD="correct horse battery"
sealed=(--server "$url" --email sealed@example.org)
check "signup --end-to-end" test "$(HALE_PASSPHRASE="tide pools at noon" status "$hale" --data-dir s account signup "${sealed[@]}" --end-to-end)" = 0
check "shows the recovery key" grep -Eq '^recovery key: [A-Z2-7]{4}(-[A-Z2-7]{4}){12}$' out.txt
recovery=$(sed -n 's/^recovery key: //p' out.txt)
check "and says the account is encrypted" grep -q "end-to-end encrypted" out.txt
"$hale" --data-dir s add journal entry_date=2026-11-20 mood=4 "text=Sealed words" > /dev/null
check "sync" test "$(status "$hale" --data-dir s sync)" = 0
check "--end-to-end without a passphrase is a usage error" test "$(status "$hale" --data-dir t account signup --server "$url" --email other@example.org --end-to-end < /dev/null)" = 2
check "signin without the passphrase is refused (exit 1)" test "$(status "$hale" --data-dir t account signin "${sealed[@]}" < /dev/null)" = 1
check "saying why" grep -q "passphrase" err.txt
check "a wrong passphrase is refused (exit 1)" test "$(echo "wrong words" | status "$hale" --data-dir t account signin "${sealed[@]}")" = 1
check "saying so" grep -q "not this account's" err.txt
check "and nothing is kept: sync is off (exit 4)" test "$(status "$hale" --data-dir t sync)" = 4
check "the passphrase from stdin opens it" test "$(echo "tide pools at noon" | status "$hale" --data-dir t account signin "${sealed[@]}")" = 0
check "with the entry" grep -q "Sealed words" <("$hale" --data-dir t list journal)
check "the recovery key opens it too" test "$(HALE_PASSPHRASE="$recovery" status "$hale" --data-dir u account signin "${sealed[@]}")" = 0
check "recovery-key shows the same key" test "$(HALE_PASSPHRASE="tide pools at noon" status "$hale" --data-dir s account recovery-key)" = 0
check "the same" grep -q "$recovery" out.txt
check "a new passphrase" test "$(HALE_PASSPHRASE="tide pools at noon" HALE_NEW_PASSPHRASE="low tide" status "$hale" --data-dir s account passphrase)" = 0
check "the old one opens no more" test "$(HALE_PASSPHRASE="tide pools at noon" status "$hale" --data-dir v account signin "${sealed[@]}")" = 1
check "the new one does" test "$(HALE_PASSPHRASE="low tide" status "$hale" --data-dir v account signin "${sealed[@]}")" = 0
check "the server's files hold no entry text" test "$(grep -rl "Sealed words" server | wc -l)" = 0
check "but the search finds what is there" test "$(grep -rl "sealed@example.org" server | wc -l)" -gt 0
unset HALE_PASSWORD

# The app killed in the middle of a sync (after its session refresh, which
# comes first): the next sync finishes the job, nothing lost or doubled.
export HALE_PASSWORD="correct horse battery"
"$hale" --data-dir demo --generate-demo-data 4000 > /dev/null
"$hale" --data-dir demo export demo.json
check "signup (device e)" test "$(status "$hale" --data-dir e account signup --server "$url" --email kill@example.org)" = 0
check "import 4000 entries" test "$(status "$hale" --data-dir e import demo.json)" = 0
"$hale" --data-dir e sync > /dev/null 2>&1 &
sync_pid=$!
sleep 0.5
if kill -0 "$sync_pid" 2>/dev/null; then
    echo "killed the sync mid-cycle"
else
    echo "note: the sync had finished before the kill came"
fi
kill -9 "$sync_pid" 2>/dev/null || true
wait "$sync_pid" 2>/dev/null || true
check "the next sync finishes" test "$(status "$hale" --data-dir e sync)" = 0
check "a fresh device (f) gets everything" test "$(status "$hale" --data-dir f account signin --server "$url" --email kill@example.org)" = 0
for kind in metric meal exercise medication dose goal preference measure measurement journal; do
    check "same $kind entries on e and f" diff <("$hale" --data-dir e list "$kind") <("$hale" --data-dir f list "$kind")
done
check "4000 entries in all" test "$(for k in metric meal exercise medication dose goal preference measure measurement journal; do "$hale" --data-dir f list "$k"; done | wc -l)" = 4000

# A busy server's 429 with Retry-After is waited out, as the app does. A
# second server with a bucket of 60 requests a minute (Retry-After 1 s once
# empty); another device of the account empties it first.
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
printf '[rate_limit]\nrequests_per_minute = 60\n' > busy.ini
: > server.out
"$server_bin" --listen 127.0.0.1:0 --data-dir busy --config busy.ini >> server.out 2> server.err &
server_pid=$!
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' server.out)
    [ -n "$port" ] && break
    sleep 0.1
done
url="http://127.0.0.1:$port"
check "signup (device g)" test "$(status "$hale" --data-dir g account signup --server "$url" --email busy@example.org)" = 0
"$hale" --data-dir g add metric recorded_at=2026-11-22T08:00:00Z weight=70 > /dev/null
python3 - "$url" <<'PY'
import json, sys, urllib.error, urllib.request, uuid
url = sys.argv[1]
def call(method, path, body=None, token=None):
    request = urllib.request.Request(url + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Hale-Protocol": "1",
                 **({"Authorization": "Bearer " + token} if token else {})})
    try:
        return urllib.request.urlopen(request).status
    except urllib.error.HTTPError as e:
        return e.code
login = json.load(urllib.request.urlopen(urllib.request.Request(url + "/api/v1/auth/login",
    data=json.dumps({"email": "busy@example.org", "password": "correct horse battery",
                     "device": {"id": str(uuid.uuid4()), "name": "script", "platform": "test"}}).encode(),
    headers={"Content-Type": "application/json", "Hale-Protocol": "1"})))
statuses = [call("GET", "/api/v1/devices", token=login["access_token"]) for _ in range(70)]
assert 429 in statuses, statuses
PY
check "sync waits out the server's Retry-After" test "$(status "$hale" --data-dir g sync)" = 0
check "and says it is waiting" grep -q "Trying again in" err.txt

# A report for the doctor from the demo data, and its usage errors.
from=$(date -d '-30 days' +%F)
to=$(date +%F)
check "report writes a PDF" test "$(status "$hale" --data-dir demo report --from "$from" --to "$to" report.pdf)" = 0
check "which holds the report" grep -q "Health report" <(pdftotext report.pdf -)
check "and the medications" grep -q "Metformin" <(pdftotext report.pdf -)
check "report without dates is a usage error" test "$(status "$hale" --data-dir demo report report2.pdf)" = 2
check "report with the range reversed is a usage error" test "$(status "$hale" --data-dir demo report --from "$to" --to "$from" report2.pdf)" = 2
check "and writes nothing" test ! -e report2.pdf
check "report into a missing folder fails" test "$(status "$hale" --data-dir demo report --from "$from" --to "$to" missing/report.pdf)" = 1

# An Apple Health export, recognised by its content whatever its name, and
# imported once however often it is given.
cat > health.data <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<HealthData locale="en_US">
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="lb" startDate="2026-03-01 07:00:00 -0500" endDate="2026-03-01 07:00:00 -0500" value="165"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" startDate="2026-03-01 10:00:00 -0500" endDate="2026-03-01 10:20:00 -0500" value="2100"/>
 <Record type="HKQuantityTypeIdentifierVO2Max" sourceName="Watch" unit="mL/min·kg" startDate="2026-03-01 10:00:00 -0500" endDate="2026-03-01 10:00:00 -0500" value="41"/>
</HealthData>
XML
check "import recognises Apple Health" test "$(status "$hale" --data-dir h import health.data)" = 0
check "and says what it took and skipped" grep -q "imported 2 entries from Apple Health, 0 already there, 1 skipped" out.txt
check "importing it again adds nothing" test "$(status "$hale" --data-dir h import health.data)" = 0
check "and says so" grep -q "imported 0 entries from Apple Health, 2 already there" out.txt
check "two entries in all" test "$("$hale" --data-dir h list metric | wc -l)" = 2
printf '"dateTime","weight","fat","comment"\n"2026-03-02 07:00","74.5","21.0",""\n' > scale.csv
check "import recognises openScale's CSV" test "$(status "$hale" --data-dir h import scale.csv)" = 0
check "and says so" grep -q "imported 1 entries from openScale" out.txt
# Google Fit's Takeout has a file per day, named by the day: several at once.
for day in 2026-03-03 2026-03-04; do
    printf 'Start time,End time,Move Minutes count,Step count\n07:00:00.000+01:00,07:15:00.000+01:00,3,400\n18:00:00.000+01:00,18:15:00.000+01:00,9,1100\n' > "$day.csv"
done
echo "not an export" > notes.txt
check "import takes several Google Fit days" test "$(status "$hale" --data-dir h import 2026-03-03.csv 2026-03-04.csv notes.txt)" = 0
check "and adds them up, naming the file it skipped" grep -q "imported 2 entries from Google Fit, 0 already there, 1 skipped" out.txt
check "naming the file it skipped" grep -q "notes.txt" out.txt
check "each day's steps summed" test "$("$hale" --data-dir h list metric | grep -c 'steps=1500')" = 2
check "none of several files being an export fails" test "$(status "$hale" --data-dir h import notes.txt health.data.missing)" = 1

echo "$failures failed"
[ "$failures" -eq 0 ]
