#!/usr/bin/env bash
# `make export-check`: exports the demo with the release build, serves the files with Debian's
# nginx, and crawls them with the link checker (tests/src/bin/link-check.rs): every file
# answers, every link works, nothing names the exporting machine.
# Usage: scripts/export-check.sh LINK_CHECK_BIN
set -euo pipefail
cd "$(dirname "$0")/.."
link_check=$1
bin=$PWD/target/release/releasedesk
work=$(mktemp -d)
chmod 755 "$work"
nginx=""
trap '[ -n "$nginx" ] && kill "$nginx" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
export RELEASEDESK_DATABASE_URL="sqlite://$work/export.db"
"$bin" demo >/dev/null
LEPTOS_SITE_ROOT="$PWD/target/site" "$bin" export --out "$work/site"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/nginx-static.sh "$work/site" "$port" & nginx=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
"$link_check" "http://127.0.0.1:$port/" "$work/site"
