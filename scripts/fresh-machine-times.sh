#!/usr/bin/env bash
# A newcomer's times, each in a clean clone of HEAD with an empty target folder and tool folders
# of its own (CARGO_HOME and the npm cache), so nothing built or downloaded before counts:
#   run          `make run` until the demo answers at http://127.0.0.1:3000
#   test         `make test` alone, then warm after a one-line change
#   incremental  `make build` after a one-line change to a page component, then to a domain
#                function (in a clone built once first)
# What a clone cannot empty: rustup's toolchain and its wasm32 target (one per machine, and no
# other can be fetched here) and Debian's packages once apt has installed them.
#
# Usage: scripts/fresh-machine-times.sh [run|test|incremental|all] [runs]   (medians of `runs`)
set -euo pipefail

what=${1:-all}
runs=${2:-1}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
scratch=$(mktemp -d /tmp/releasedesk-fresh-XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# A clone of HEAD (committed work only) in $scratch/$1, with empty tool folders beside it.
fresh_clone() {
  local dir=$scratch/$1
  rm -rf "$dir"
  mkdir -p "$dir/cargo-home" "$dir/npm-cache"
  git clone --quiet --no-hardlinks "$repo" "$dir/clone"
  # The tests read the shared data beside the checkout (../shared), as in CI.
  if [ -d "$repo/../shared" ]; then ln -s "$(cd "$repo/../shared" && pwd)" "$dir/shared"; fi
  echo "$dir"
}

# A command in a clone, as a newcomer runs it: no CI settings, no target folder elsewhere.
in_clone() {
  local dir=$1
  shift
  (cd "$dir/clone" && env -u CI -u CARGO_TARGET_DIR -u CARGO_INCREMENTAL \
    CARGO_HOME="$dir/cargo-home" npm_config_cache="$dir/npm-cache" \
    PATH="$HOME/.cargo/bin:$PATH" "$@")
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

report() { # name, unit, values...
  local name=$1 unit=$2
  shift 2
  printf '%-48s median %s %s (runs: %s)\n' "$name" "$(printf '%s\n' "$@" | median)" "$unit" "$*"
}

# A one-line change: cargo compiles the crate again for a changed file, whatever the line is, and
# a comment at the end passes fmt and clippy (an item after a test module would not).
one_line_change() { # dir, file
  echo "// fresh-machine-times $(date +%s%N)" >>"$1/clone/$2"
}

time_make_run() {
  local dir start
  dir=$(fresh_clone run)
  start=$(now)
  set -m
  in_clone "$dir" make run >"$dir/run.log" 2>&1 &
  server=$!
  set +m
  until curl -fsS -o /dev/null http://127.0.0.1:3000/readyz 2>/dev/null; do
    if ! kill -0 "$server" 2>/dev/null; then
      echo "make run stopped before the demo answered; see the log:" >&2
      tail -20 "$dir/run.log" >&2
      exit 1
    fi
    sleep 1
  done
  elapsed "$start"
  kill -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
}

time_make() { # dir, target
  local start
  start=$(now)
  in_clone "$1" make "$2" >"$1/$2.log" 2>&1 || {
    echo "make $2 failed; see the log:" >&2
    tail -30 "$1/$2.log" >&2
    exit 1
  }
  elapsed "$start"
}

if [ "$what" = run ] || [ "$what" = all ]; then
  times=()
  for _ in $(seq "$runs"); do times+=("$(time_make_run)"); done
  report "fresh make run until the demo answers" s "${times[@]}"
fi

if [ "$what" = test ] || [ "$what" = all ]; then
  cold=() warm=()
  for _ in $(seq "$runs"); do
    dir=$(fresh_clone test)
    cold+=("$(time_make "$dir" test)")
    one_line_change "$dir" app/src/domain/dates.rs
    warm+=("$(time_make "$dir" test)")
  done
  report "fresh make test" s "${cold[@]}"
  report "warm make test after a one-line change" s "${warm[@]}"
fi

if [ "$what" = incremental ] || [ "$what" = all ]; then
  dir=$(fresh_clone incremental)
  time_make "$dir" build >/dev/null
  page=() domain=()
  for _ in $(seq "$runs"); do
    one_line_change "$dir" app/src/components/maintainer_tools.rs
    page+=("$(time_make "$dir" build)")
    one_line_change "$dir" app/src/domain/dates.rs
    domain+=("$(time_make "$dir" build)")
  done
  report "make build after a page component changed" s "${page[@]}"
  report "make build after a domain function changed" s "${domain[@]}"
fi
