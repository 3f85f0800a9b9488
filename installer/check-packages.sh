#!/usr/bin/env bash
# Builds the Linux packages and checks them the way a user would meet them:
#   1. cpack: .deb, .rpm and .tar.gz of hale and hale-server (build/package)
#   2. lintian on the .deb files (fails on any error or warning)
#   3. appstreamcli and desktop-file-validate on the installed metadata
#   4. a clean Debian 12 root (debootstrap), where apt installs the .deb
#      files with their declared dependencies; inside it: hale --version,
#      demo data on the offscreen platform, hale-server answering /healthz,
#      and a screenshot of the installed app under Xvfb.
# Usage: installer/check-packages.sh [--update-screenshot]
#   --update-screenshot copies that screenshot to docs/screenshots/.
# Needs root (debootstrap, chroot) and Debian's package mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
source cmake/install-deps.sh
hale_install_deps "${HALE_PACKAGING_PACKAGES[@]}"
update_screenshot=false
[ "${1:-}" = "--update-screenshot" ] && update_screenshot=true
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

echo "== packages"
[ -f build/package/build.ninja ] || cmake --preset package
cmake --build build/package
rm -f build/package/*.deb build/package/*.rpm build/package/*.tar.gz
(cd build/package && cpack -G "DEB;RPM;TGZ" >cpack.log) || { cat build/package/cpack.log; exit 1; }
mapfile -t debs < <(ls build/package/*.deb)
ls -l build/package/*.deb build/package/*.rpm build/package/*.tar.gz
for deb in "${debs[@]}"; do
    echo "-- $(basename "$deb")"
    dpkg-deb --field "$deb" Package Version Depends Recommends Suggests
done

echo "== lintian"
# Informational tags that remain are explained in installer/README.md.
lintian --fail-on error,warning --display-info "${debs[@]}"

scratch=$(mktemp -d)
root="$scratch/root"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && "${sudo[@]}" kill "$server_pid" 2>/dev/null || true
    "${sudo[@]}" umount "$root/proc" 2>/dev/null || true
    "${sudo[@]}" rm -rf "$scratch"
}
trap cleanup EXIT

echo "== metadata"
mkdir -p "$scratch/extract"
dpkg-deb -x build/package/hale_*.deb "$scratch/extract"
appstreamcli validate --no-net "$scratch"/extract/usr/share/metainfo/org.hale.Hale.metainfo.xml
desktop-file-validate "$scratch"/extract/usr/share/applications/org.hale.Hale.desktop

echo "== clean Debian 12 root"
# The same mirror this machine's apt uses.
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list)
[ -n "$mirror" ] || { echo "no Debian mirror found in the apt sources" >&2; exit 1; }
# A base root is cached between runs; it is never modified in place.
cache=build/package/bookworm-minbase.tar.gz
if [ ! -f "$cache" ]; then
    "${sudo[@]}" debootstrap --variant=minbase --make-tarball="$cache.tmp" bookworm "$scratch/tb" \
        "$mirror" >/dev/null
    mv "$cache.tmp" "$cache"
fi
"${sudo[@]}" debootstrap --variant=minbase --unpack-tarball="$(pwd)/$cache" bookworm "$root" \
    "$mirror" >/dev/null
"${sudo[@]}" mount -t proc proc "$root/proc"
"${sudo[@]}" mkdir -p "$root/pkgs"
"${sudo[@]}" cp "${debs[@]}" "$root/pkgs/"
in_root() { "${sudo[@]}" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 "$@"; }
in_root apt-get update -q >"$scratch/apt.log" 2>&1 || { cat "$scratch/apt.log"; exit 1; }
# systemd too, so the unit can be checked against the installed system.
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${debs[@]/#build\/package\//\/pkgs\/}" systemd >"$scratch/apt.log" 2>&1 || { tail -30 "$scratch/apt.log"; exit 1; }
echo "installed: $(in_root dpkg-query -W -f='${Package} ${Version}, ' hale hale-server)"

echo "-- hale --version"
in_root hale --version
echo "-- hale --platform offscreen --generate-demo-data 100"
in_root hale --platform offscreen --generate-demo-data 100 --data-dir /tmp/demo
echo "-- hale-server /healthz"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The server's own pid (written from inside the root, where it execs): $!
# would be the shell around chroot, and killing that leaves the server.
in_root sh -c 'echo $$ >/tmp/server.pid; exec hale-server --listen "$1" --data-dir /tmp/server' \
    sh "127.0.0.1:$port" >"$scratch/server.log" 2>&1 &
for _ in $(seq 50); do
    [ -s "$root/tmp/server.pid" ] && break
    sleep 0.1
done
server_pid=$(cat "$root/tmp/server.pid")
health=""
for _ in $(seq 100); do
    health=$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null) && break
    sleep 0.1
done
echo "$health"
grep -q '"ok"' <<<"$health" || { cat "$scratch/server.log"; exit 1; }
"${sudo[@]}" kill "$server_pid"
for _ in $(seq 50); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
server_pid=""
echo "-- hale-server.service"
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no --root="$root" hale-server.service
systemd-analyze security --offline=yes --root="$root" hale-server.service 2>/dev/null | tail -1
echo "-- hale-server@.service (several instances behind nginx)"
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no --root="$root" hale-server@8787.service
echo "-- the nginx example site"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    nginx openssl >>"$scratch/apt.log" 2>&1
in_root sh -c 'mkdir -p /etc/ssl/hale &&
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=hale.example.org -days 1 \
        -keyout /etc/ssl/hale/privkey.pem -out /etc/ssl/hale/fullchain.pem 2>/dev/null &&
    cp /usr/share/hale-server/nginx/hale-server.conf /etc/nginx/sites-enabled/ && nginx -t'

echo "-- screenshot of the installed app under Xvfb"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    xvfb xauth fonts-dejavu-core >>"$scratch/apt.log" 2>&1
"${sudo[@]}" install -d -m 700 "$root/tmp/runtime"
in_root env XDG_RUNTIME_DIR=/tmp/runtime xvfb-run -a -s "-screen 0 1280x800x24" \
    hale --data-dir /tmp/demo --screenshot /tmp/main-window.png
cp "$root/tmp/main-window.png" build/package/main-window.png
echo "saved build/package/main-window.png"
if $update_screenshot; then
    cp build/package/main-window.png docs/screenshots/main-window.png
    echo "updated docs/screenshots/main-window.png"
fi
echo "== packages checked"
