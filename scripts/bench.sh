#!/usr/bin/env bash
# Footprint figures for the release build: wasm bundle size (raw and gzip), server binary size,
# the idle server's resident memory, and the incremental rebuild time after touching one
# component. Medians over several runs; run `make build` first. Usage: scripts/bench.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
# As the Makefile has it: wasm-opt from npm, queries from .sqlx/.
export PATH="$PWD/end2end/node_modules/.bin:$PATH" SQLX_OFFLINE=true
runs=${1:-3}
bin=target/release/releasedesk
wasm=target/site/pkg/releasedesk.wasm
js=target/site/pkg/releasedesk.js

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
kib() { awk '{ printf "%.1f KiB", $1 / 1024 }'; }

echo "wasm bundle:   $(stat -c %s "$wasm" | kib) raw, $(gzip -9 -c "$wasm" | wc -c | kib) gzip"
echo "js glue:       $(stat -c %s "$js" | kib) raw, $(gzip -9 -c "$js" | wc -c | kib) gzip"
echo "css:           $(stat -c %s target/site/pkg/releasedesk.css | kib) raw"
echo "server binary: $(stat -c %s "$bin" | awk '{ printf "%.1f MiB", $1 / 1048576 }')"

# Idle RSS: a fresh server with the demo loaded, after it has rendered each page once.
rss=()
for _ in $(seq "$runs"); do
  dir=$(mktemp -d)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  RELEASEDESK_DATABASE_URL="sqlite://$dir/bench.db" RUST_LOG=error \
    "$bin" serve --demo --bind "127.0.0.1:$port" & pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/" >/dev/null
  curl -sf "http://127.0.0.1:$port/acme/orbit" >/dev/null
  sleep 2
  rss+=("$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")")
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
done
echo "idle RSS:      $(printf '%s\n' "${rss[@]}" | median | awk '{ printf "%.1f MiB", $1 / 1024 }') (median of $runs: ${rss[*]} KiB)"

# Incremental rebuild after editing one component (a touch makes cargo rebuild it).
times=()
for _ in $(seq "$runs"); do
  touch app/src/components/channel_chip.rs
  start=$(date +%s%N)
  cargo leptos build --release >/dev/null 2>&1
  times+=("$(( ($(date +%s%N) - start) / 1000000 ))")
done
echo "rebuild after touching one component: $(printf '%s\n' "${times[@]}" | median | awk '{ printf "%.1f s", $1 / 1000 }') (median of $runs: ${times[*]} ms)"
