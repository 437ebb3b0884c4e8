#!/usr/bin/env bash
# Serves the demo from the release build on a spare port and runs the endoflife.date client
# check (tests/compat/endoflife_client.py) against it with the given Python.
set -euo pipefail
python="$1"
port="${COMPAT_PORT:-3919}"
dir="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
RELEASEDESK_DATABASE_URL="sqlite://$dir/compat.db" RUST_LOG=warn \
  target/release/releasedesk serve --demo --bind "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
"$python" tests/compat/endoflife_client.py "http://127.0.0.1:$port"
