#!/bin/sh
# Review's cold start, as after a reboot: `stardrill review --check` on N
# synthetic logs with the page cache dropped, first with no history cache
# (every log parsed, then the cache written), then with the cache up to date.
# Prints the wall-clock seconds of each run (/usr/bin/time).
#
#   benches/cold_review.sh [N] [RUNS]        N = 100000, RUNS = 3
#
# Needs root: it writes /proc/sys/vm/drop_caches, which also makes every
# other program on the machine read its files from disk again for a while.
# STARDRILL_BIN measures another build (default: target/release/stardrill).
set -eu
n=${1:-100000}
runs=${2:-3}
# Two builds: an example built with the binary turns on features of the
# dev-dependencies, and the binary would then not be the one users build.
cargo build --release --locked --bin stardrill
cargo build --release --locked --example gen_sessions
bin=${STARDRILL_BIN:-target/release/stardrill}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_sessions "$dir" "$n" 8 > /dev/null
# Files changed in the last 3 s are not cached.
sleep 4

cold() {
    sync
    echo 3 > /proc/sys/vm/drop_caches
    /usr/bin/time -f %e "$bin" review --check --data-dir "$dir" 2>&1 > /dev/null | tail -n 1
}

echo "cold review --check, $n logs, no history cache (seconds):"
i=0
while [ "$i" -lt "$runs" ]; do
    rm -rf "$dir/cache"
    cold
    i=$((i + 1))
done
echo "cold review --check, $n logs, history cache up to date (seconds):"
"$bin" review --check --data-dir "$dir" > /dev/null 2>&1 || true
i=0
while [ "$i" -lt "$runs" ]; do
    cold
    i=$((i + 1))
done
