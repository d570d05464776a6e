#!/usr/bin/env bash
# Times `minqing demo` for each household count given (default: 20718 and
# 1000000) and reports the wall time, peak memory and database size.
# Usage: bench/demo.sh [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(20718 1000000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "${counts[@]}"; do
  db="$work/demo-$n.db"
  start=$(date +%s.%N)
  if command -v /usr/bin/time >/dev/null; then
    /usr/bin/time -f "%M" -o "$work/rss" ./target/release/minqing --lang en --db "$db" demo --households "$n" >/dev/null 2>"$work/err"
    rss_mb=$(( $(cat "$work/rss") / 1024 ))
  else
    ./target/release/minqing --lang en --db "$db" demo --households "$n" >/dev/null 2>"$work/err"
    rss_mb="?"
  fi
  end=$(date +%s.%N)
  size=$(stat -c %s "$db")
  awk -v n="$n" -v s="$start" -v e="$end" -v size="$size" -v rss="$rss_mb" 'BEGIN {
    printf "demo --households %d: %.1f s, peak %s MB, database %.1f MB (%d bytes per household)\n",
      n, e - s, rss, size / 1048576, size / n }'
done
