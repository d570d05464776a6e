#!/usr/bin/env bash
# Whole county files into one provincial database:
#
#   bench/merge_counties.sh [COUNTIES] [HOUSEHOLDS]
#
# Makes COUNTIES demo counties (default 8) of HOUSEHOLDS households each
# (default 20,718), each with its own seed, its household codes and
# township names prefixed with its number (as a province's counties have
# codes and townships of their own), then merges them one after another
# into a new provincial file with `minqing merge`, timing each merge, and
# says the file's size, the time of `priorities` on it and of `doctor`.
set -euo pipefail
cd "$(dirname "$0")/.."
counties=${1:-8}
households=${2:-20718}
cargo build --release --quiet
bin=$PWD/target/release/minqing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for c in $(seq -w 1 "$counties"); do
  "$bin" --db "$work/c$c.db" demo --households "$households" --seed "$c" >/dev/null 2>&1
  sqlite3 "$work/c$c.db" "UPDATE household SET code = 'C$c' || code, township = 'C$c' || township"
  # Opened once, so that the counts kept per village follow the new names.
  "$bin" --db "$work/c$c.db" priorities --top 1 >/dev/null 2>&1
done
province="$work/province.db"
echo "| county | households in the province after it | merge (s) | file (MB) |"
echo "|---|---|---|---|"
total=0
for c in $(seq -w 1 "$counties"); do
  start=$(date +%s.%N)
  "$bin" --db "$province" merge "$work/c$c.db" >"$work/merge.out" 2>&1 ||
    { cat "$work/merge.out"; exit 1; }
  end=$(date +%s.%N)
  total=$(python3 -c "print($total + $end - $start)")
  n=$(sqlite3 "$province" "SELECT count(*) FROM household")
  size=$(( $(stat -c %s "$province") / 1048576 ))
  python3 -c "print(f'| $c | $n | {$end - $start:.1f} | $size |')"
done
python3 -c "print(f'all $counties merges: {$total:.1f} s')"
start=$(date +%s.%N)
"$bin" --db "$province" priorities --top 20 >/dev/null 2>&1
end=$(date +%s.%N)
python3 -c "print(f'priorities --top 20 on the province: {$end - $start:.2f} s')"
start=$(date +%s.%N)
"$bin" --db "$province" doctor >"$work/doctor.out" 2>&1 || true
end=$(date +%s.%N)
python3 -c "print(f'doctor on the province: {$end - $start:.1f} s')"
tail -3 "$work/doctor.out"
