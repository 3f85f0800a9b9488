#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port for the integration
# tests: `postgres.sh start STATEFILE` writes the connection URL into
# STATEFILE; `postgres.sh stop STATEFILE` stops the cluster and deletes it.
# `pause` and `resume` stop and start it again on the same port and data, as
# a database restart or outage would (for the outage tests).
# Fails loudly: a test that needs PostgreSQL must never skip silently.
set -euo pipefail
command=$1
state=$2

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
    echo "PostgreSQL server binaries are not installed (Debian package postgresql)" >&2
    exit 1
fi
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(runuser -u postgres --)

pg_start() { # DIR PORT
    "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$1/data" -l "$1/pg.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $2 -k $1/sock -c max_connections=200" start >/dev/null
}

case "$command" in
start)
    dir=$(mktemp -d /tmp/hale-pg.XXXXXX)
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    mkdir -p "$dir/sock"
    echo "$password" > "$dir/pwfile"
    chmod 600 "$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
    "${as_postgres[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    # Ports below Linux's ephemeral range (32768 and up): a port there can
    # be held by some outgoing connection, which no listener check sees, and
    # the start failed with "Address already in use". Another port is tried
    # if it fails all the same.
    port=""
    for candidate in $(shuf -i 20000-32000 -n 20); do
        (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && continue
        rm -f "$dir/pg.log" # this attempt's log only (pg_ctl makes it anew)
        if pg_start "$dir" "$candidate"; then
            port=$candidate
            break
        fi
        grep -q "Address already in use" "$dir/pg.log" || break
    done
    [ -n "$port" ] || { echo "PostgreSQL did not start; see $dir/pg.log" >&2; tail -5 "$dir/pg.log" >&2; exit 1; }
    echo "postgres://postgres:$password@127.0.0.1:$port/postgres" > "$state"
    echo "$dir" > "$state.dir"
    echo "PostgreSQL test cluster on 127.0.0.1:$port"
    ;;
pause)
    dir=$(cat "$state.dir")
    "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
resume)
    dir=$(cat "$state.dir")
    port=$(sed -E 's/.*:([0-9]+)\/.*/\1/' "$state")
    pg_start "$dir" "$port"
    ;;
stop)
    [ -f "$state.dir" ] || exit 0
    dir=$(cat "$state.dir")
    "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir" "$state" "$state.dir"
    ;;
*)
    echo "usage: postgres.sh start|stop|pause|resume STATEFILE" >&2
    exit 2
    ;;
esac
