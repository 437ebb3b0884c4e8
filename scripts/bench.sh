#!/usr/bin/env bash
# `make bench`: Release Desk beside nginx on loopback, in one run. Run `make build` first.
#
# (a) requests per second for the support answer as JSON and as a page (also asked for gzipped,
#     as browsers ask), from our server and from nginx serving the files `releasedesk export`
#     wrote for the same addresses, and their ratios; (b) p50/p99 latency at 64 connections; (c) our peak RSS under that load;
#     (d) gzipped bytes each page ships (HTML, CSS, JS, wasm); (e) the bytes fetched before the
#     first interaction answers on a throttled phone, and how long it takes
#     (end2end/bench/first-interaction.mjs); plus binary size and idle memory.
# Figures are medians of ROUNDS rounds, the servers taking turns so that noise from the shared
# machine falls on both. Usage: scripts/bench.sh   (ROUNDS=5 DURATION=10 CONNECTIONS=64)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
bin=$PWD/target/release/releasedesk
site=$PWD/target/site

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
kib() { awk '{ printf "%.1f KiB", $1 / 1024 }'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
gz() { gzip -9 -c | wc -c; }

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Our server, with the demo.
ours_port=$(free_port)
export RELEASEDESK_DATABASE_URL="sqlite://$work/bench.db" RELEASEDESK_SECRET_KEY="bench only, not a secret"
RUST_LOG=error LEPTOS_SITE_ROOT="$site" "$bin" serve --demo --bind "127.0.0.1:$ours_port" >"$work/ours.out" & ours=$!
pids+=("$ours")
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$ours_port/readyz" >/dev/null && break; sleep 0.1; done
ours_url="http://127.0.0.1:$ours_port"
# The local administrator's sign-in link, printed once at start, for (e)'s checklist tick.
admin_link=$(grep -A1 'Sign in as the local administrator with this link' "$work/ours.out" | tail -n1 | tr -d '[:space:]')

# The same answers exported, served by Debian's nginx.
LEPTOS_SITE_ROOT="$site" "$bin" export --out "$work/site" >/dev/null
nginx_port=$(free_port)
scripts/nginx-static.sh "$work/site" "$nginx_port" & pids+=("$!")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/" >/dev/null && break; sleep 0.1; done
nginx_url="http://127.0.0.1:$nginx_port"

json=/api/v1/repos/acme/orbit/support
page=/acme/orbit/support
gzpage=$page # asked for as browsers ask: gzipped
gzip_header="Accept-Encoding: gzip"
# Both answer the same addresses: the same JSON, and the page (ours with its scripts).
cmp <(curl -sf "$ours_url$json") <(curl -sf "$nginx_url$json") \
  || { echo "the exported JSON differs from the live answer" >&2; exit 1; }
curl -sf "$nginx_url$page" | grep -q '<title' || { echo "nginx does not serve the page" >&2; exit 1; }
for url in "$ours_url$page" "$nginx_url$page"; do
  curl -sf -o /dev/null -D - -H "$gzip_header" "$url" | grep -qi '^content-encoding: gzip' \
    || { echo "$url is not sent gzipped" >&2; exit 1; }
done

# wrk prints requests per second and a latency distribution; keep those, in ms.
run_wrk() { # url [header] -> "rps p50_ms p99_ms"
  wrk -t2 -c"$connections" -d"${duration}s" --latency ${2:+-H "$2"} "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { if (bad) { print "non-2xx answers: " bad > "/dev/stderr"; exit 1 } print rps, p50, p99 }'
}

declare -A rps p50 p99
# Warm both (our in-memory cache, nginx's file cache), and start counting our peak from here.
for url in "$ours_url$json" "$ours_url$page" "$nginx_url$json" "$nginx_url$page"; do
  wrk -t1 -c4 -d1s "$url" >/dev/null
done
echo 5 >"/proc/$ours/clear_refs"
for round in $(seq "$rounds"); do
  for target in ours:json ours:page ours:gzpage nginx:json nginx:page nginx:gzpage; do
    server=${target%%:*} kind=${target#*:}
    base_var="${server}_url" path_var=$kind header=""
    [ "$kind" = gzpage ] && header=$gzip_header
    read -r r a b <<<"$(run_wrk "${!base_var}${!path_var}" "$header")"
    rps[$target]+="$r "; p50[$target]+="$a "; p99[$target]+="$b "
  done
  echo "round $round of $rounds done" >&2
done
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$ours/status")

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo
echo "## (a, b) $connections connections, ${duration}s per run, medians of $rounds rounds"
printf '%-40s %10s %10s %10s %10s\n' "" "req/s" "p50 ms" "p99 ms" "vs nginx"
for kind in json page gzpage; do
  path_var=$kind label=""
  [ "$kind" = gzpage ] && label=" gzip"
  for server in ours nginx; do
    t="$server:$kind"
    r=$(med "${rps[$t]}")
    ratio=$(awk -v a="$r" -v b="$(med "${rps[nginx:$kind]}")" 'BEGIN { printf "%.2f", a / b }')
    printf '%-40s %10.0f %10.2f %10.2f %10s\n' "$server ${!path_var}$label" "$r" "$(med "${p50[$t]}")" "$(med "${p99[$t]}")" "$ratio"
  done
done
for t in ours:json nginx:json ours:page nginx:page ours:gzpage nginx:gzpage; do
  echo "runs (req/s) $t: ${rps[$t]}"
done
echo
echo "## (c) memory"
echo "peak RSS under load: $(awk -v k="$peak" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
echo "server binary:       $(stat -c %s "$bin" | awk '{ printf "%.1f MiB", $1 / 1048576 }')"

echo
echo "## (d) bytes each page ships, gzip -9 (the app's core and its group's modules)"
printf '%-40s %10s %10s %10s %10s %10s\n' page html css js wasm total
for path in / /acme/orbit /acme/orbit/v/v2.3.1 /acme/orbit/support /acme/orbit/incidents /acme/orbit/incidents/1; do
  html=$(curl -sf "$ours_url$path")
  h=$(gz <<<"$html")
  declare -A sizes=([css]=0 [js]=0 [wasm]=0)
  # With the modules of the page's group of lazy routes, which the app fetches with it.
  route=$(grep -oE 'data-lazy-route="[a-z_]+"' <<<"$html" | cut -d'"' -f2 || true)
  modules=$(python3 -c '
import json, sys
manifest = json.load(open(sys.argv[1]))
for name, files in manifest.items():
    if sys.argv[2] and name.startswith(sys.argv[2] + "_"):
        print(" ".join("/pkg/" + f + ".wasm" for f in files), "/pkg/__wasm_split.______________________.js")' \
    "$site/pkg/__wasm_split_manifest.json" "$route")
  for asset in $( (grep -oE '/pkg/[^"]+\.(css|js|wasm)' <<<"$html"; tr ' ' '\n' <<<"$modules") | grep . | sort -u); do
    ext=${asset##*.}
    sizes[$ext]=$(( ${sizes[$ext]} + $(curl -sf "$ours_url$asset" | gz) ))
  done
  total=$(( h + ${sizes[css]} + ${sizes[js]} + ${sizes[wasm]} ))
  printf '%-40s %10s %10s %10s %10s %10s\n' "$path" "$(kib <<<"$h")" "$(kib <<<"${sizes[css]}")" \
    "$(kib <<<"${sizes[js]}")" "$(kib <<<"${sizes[wasm]}")" "$(kib <<<"$total")"
done

echo
(cd end2end && ROUNDS="$rounds" node bench/first-interaction.mjs "$ours_url" "$admin_link")

# Idle RSS: a fresh server with the demo, after rendering each page once.
idle_port=$(free_port)
RELEASEDESK_DATABASE_URL="sqlite://$work/idle.db" RUST_LOG=error LEPTOS_SITE_ROOT="$site" \
  "$bin" serve --demo --bind "127.0.0.1:$idle_port" >/dev/null & idle=$!
pids+=("$idle")
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$idle_port/readyz" >/dev/null && break; sleep 0.1; done
for path in / /acme/orbit /acme/orbit/support /acme/orbit/v/v2.3.1; do curl -sf "http://127.0.0.1:$idle_port$path" >/dev/null; done
sleep 1
echo
echo "idle RSS after one render of each page: $(awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$idle/status")"
