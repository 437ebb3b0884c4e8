#!/usr/bin/env bash
# `make lighthouse`: Lighthouse (npm, in end2end/) in Debian's Chromium on the history, version
# and support pages of the demo, served by the release build. Prints each category's score and
# fails when one is below MIN_SCORE (default 95). Lighthouse's defaults: a mobile device on a
# simulated slow 4G network with a 4x slower CPU. Reports land in target/lighthouse/.
# Usage: scripts/lighthouse.sh [path ...]
set -euo pipefail
cd "$(dirname "$0")/.."
min=${MIN_SCORE:-95}
bin=$PWD/target/release/releasedesk
reports=$PWD/target/lighthouse
pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=(/acme/orbit /acme/orbit/v/v2.3.1 /acme/orbit/support)

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RELEASEDESK_DATABASE_URL="sqlite://$work/lighthouse.db" RELEASEDESK_SECRET_KEY="lighthouse only, not a secret" \
  RUST_LOG=error LEPTOS_SITE_ROOT="$PWD/target/site" "$bin" serve --demo --bind "127.0.0.1:$port" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

mkdir -p "$reports"
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
failed=0
printf '%-28s %12s %14s %15s %6s\n' page performance accessibility best-practices seo
for path in "${pages[@]}"; do
  name=$(tr '/' '_' <<<"${path#/}")
  report="$reports/$name.json"
  CHROME_PATH=/usr/bin/chromium end2end/node_modules/.bin/lighthouse "http://127.0.0.1:$port$path" \
    --quiet --output=json --output-path="$report" --chrome-flags="$flags" \
    --only-categories=performance,accessibility,best-practices,seo >/dev/null
  read -r perf a11y best seo <<<"$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["categories"]
print(*(round(c[k]["score"] * 100) for k in ("performance", "accessibility", "best-practices", "seo")))' "$report")"
  printf '%-28s %12s %14s %15s %6s\n' "$path" "$perf" "$a11y" "$best" "$seo"
  for score in $perf $a11y $best $seo; do
    [ "$score" -ge "$min" ] || failed=1
  done
done
if [ "$failed" = 1 ]; then
  echo "a score is below $min; see the reports in $reports" >&2
  exit 1
fi
