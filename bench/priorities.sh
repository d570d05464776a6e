#!/usr/bin/env bash
# Times `minqing priorities` (whole process: median of 5 runs, peak memory)
# and `minqing export responses` against `sqlite3 -csv` dumping the same
# rows from the same file in the same run, for each household count given
# (default: 20718 and 1000000). Demo databases are kept in
# target/bench-data/ and reused (same count and seed, same county).
# Usage: bench/priorities.sh [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)" >&2; exit 1; }
bin=./target/release/minqing
data=target/bench-data
mkdir -p "$data"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(20718 1000000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

seconds() { /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"; cat "$tmp/t"; }

for n in "${counts[@]}"; do
  db="$data/demo-$n-seed1.db"
  [ -f "$db" ] || "$bin" --lang en --db "$db" demo --households "$n" --seed 1 >/dev/null 2>&1
  runs=()
  peak=0
  for _ in 1 2 3 4 5; do
    read -r t m < <(seconds "$bin" --lang en --db "$db" priorities)
    runs+=("$t")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p)
  echo "priorities, $n households: median ${median} s of 5 (runs: ${runs[*]}), peak $((peak / 1024)) MB"
  read -r mine _ < <(seconds "$bin" --lang en --db "$db" export responses --out "$tmp/responses.csv")
  rm -f "$tmp/responses.csv"
  read -r theirs _ < <(seconds sqlite3 -csv "$db" "SELECT h.code, h.township, h.village, h.grp, h.head, i.interviewer, i.status, i.started_at, i.updated_at, i.completed_at, s.survey, s.version, i.answers FROM interview i JOIN household h ON h.id = i.household_id JOIN snapshot s ON s.id = i.snapshot_id ORDER BY s.survey, h.code, i.started_at, i.id")
  awk -v n="$n" -v a="$mine" -v b="$theirs" 'BEGIN { printf "export responses, %d households: %.2f s; sqlite3 -csv of the same rows: %.2f s; ratio %.2f\n", n, a, b, a / b }'
done
