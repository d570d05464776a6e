#!/usr/bin/env bash
# Every performance figure of Minqing, reproducible in one command.
#
#   bench/run.sh [--households N...] [--runs R]
#
# Builds in release mode, generates the demo databases once (kept in
# target/bench-data/, by household count and seed), measures each figure as
# whole-process runs (hyperfine, at least 5 runs: median and spread), runs
# the in-process benchmarks (cargo bench), and rewrites BENCHMARKS.md with
# the machine, the date and bench/NOTES.md. Comparisons are made in the
# same run on the same files and reported as ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

counts=()
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --households) shift; while [ $# -gt 0 ] && [[ "$1" != --* ]]; do counts+=("$1"); shift; done ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--households N...] [--runs R]" >&2; exit 2 ;;
  esac
done
[ ${#counts[@]} -gt 0 ] || counts=(20718 1000000)

source bench/lib.sh
need sqlite3 sqlite3
python3 -c "import pandas" 2>/dev/null || python3 -m pip install -q pandas
python3 -c "import duckdb" 2>/dev/null || python3 -m pip install -q duckdb
out="$tmp/results.md"

{
  echo "| figure | households | result |"
  echo "|---|---|---|"
} > "$out"
row() { echo "| $1 | $2 | $3 |" >> "$out"; }

for n in "${counts[@]}"; do
  db="$data/demo-$n-seed1.db"
  # The demo itself: generated into a fresh file each run.
  hyperfine --runs "$runs" --export-json "$tmp/demo.json" \
    --prepare "rm -f $tmp/demo.db $tmp/demo.db-wal $tmp/demo.db-shm" \
    "$bin --lang en --db $tmp/demo.db demo --households $n --seed 1" >/dev/null
  row "\`minqing demo\`" "$n" "$(stats "$tmp/demo.json")"
  [ -f "$db" ] || cp "$tmp/demo.db" "$db"
  rm -f "$tmp"/demo.db*
  # What the demo wrote reaches the disk before anything else is timed.
  sync
  sleep 2
  size=$(stat -c %s "$db")
  row "database size" "$n" "$(( size / 1048576 )) MB, $(( size / n )) bytes per household"

  # Runs of well under a second are repeated more, and run without a shell
  # in between (-N), so that starting a shell does not weigh on them.
  many=$([ "$n" -ge 1000000 ] && echo "$runs" || echo $(( runs * 4 )))
  hyperfine -N --warmup 2 --runs "$many" --export-json "$tmp/prio.json" "$bin --lang en --db $db priorities" >/dev/null
  row "\`minqing priorities\`" "$n" "$(stats "$tmp/prio.json"), peak $(peak_mb "$bin" --lang en --db "$db" priorities) MB"

  hyperfine -N --warmup 2 --runs "$many" --export-json "$tmp/top.json" "$bin --lang en --db $db priorities --top 20" >/dev/null
  row "\`minqing priorities --top 20\` (the ranking read from the counts kept per village)" "$n" "$(stats "$tmp/top.json")"

  hyperfine -N --warmup 2 --runs "$many" --export-json "$tmp/answers.json" "sqlite3 $db 'SELECT answers FROM interview'" >/dev/null
  ratio=$(python3 -c "print(f'{$(median "$tmp/prio.json") / $(median "$tmp/answers.json"):.2f}')")
  row "ratio: priorities / \`sqlite3\` reading every answer once" "$n" "$ratio (sqlite3: $(stats "$tmp/answers.json"))"

  hyperfine --runs "$runs" --export-json "$tmp/export.json" "$bin --lang en --db $db export responses --force --out $tmp/r.csv" >/dev/null
  hyperfine --runs "$runs" --export-json "$tmp/dump.json" \
    "sqlite3 -csv $db 'SELECT h.code, h.township, h.village, h.grp, h.head, i.interviewer, i.status, i.started_at, i.updated_at, i.completed_at, s.survey, s.version, i.answers FROM interview i JOIN household h ON h.id = i.household_id JOIN snapshot s ON s.id = i.snapshot_id ORDER BY s.survey, h.code, i.started_at, i.id' > $tmp/dump.csv" >/dev/null
  ratio=$(python3 -c "print(f'{$(median "$tmp/export.json") / $(median "$tmp/dump.json"):.2f}')")
  row "\`minqing export responses\`" "$n" "$(stats "$tmp/export.json")"
  row "ratio: export responses / \`sqlite3 -csv\` of the same rows" "$n" "$ratio"
  # The same responses as Parquet, a folder per township (the rosters'
  # datasets beside it).
  hyperfine --runs "$runs" --export-json "$tmp/parquet.json" \
    --prepare "rm -rf $tmp/pq $tmp/*-*/" \
    "$bin --lang en --db $db export responses --format parquet --out $tmp/pq" >/dev/null
  row "\`minqing export responses --format parquet\`" "$n" "$(stats "$tmp/parquet.json"), $(du -sm "$tmp/pq" | cut -f1) MB"
  rm -rf "$tmp/pq" "$tmp"/*-*/

  hyperfine --runs "$( [ "$n" -ge 1000000 ] && echo 1 || echo "$runs")" --export-json "$tmp/pandas.json" \
    "$bin --lang en --db $db export responses --plain --force --out $tmp/p.csv && python3 bench/pandas_counts.py $tmp/p.csv" >/dev/null
  ratio=$(python3 -c "print(f'{$(median "$tmp/pandas.json") / $(median "$tmp/prio.json"):.1f}')")
  row "ratio: export + pandas counts per village (water rules only) / priorities" "$n" "$ratio (pandas way: $(stats "$tmp/pandas.json"))"
  # The DuckDB way: the water rules counted per village from the export
  # (made once, not timed), as an analyst at province scale would.
  "$bin" --lang en --db "$db" export responses --plain --force --out "$tmp/d.csv" >/dev/null 2>&1
  hyperfine --warmup 1 --runs "$runs" --export-json "$tmp/duckdb.json" "python3 bench/duckdb_counts.py $tmp/d.csv" >/dev/null
  ratio=$(python3 -c "print(f'{$(median "$tmp/prio.json") / $(median "$tmp/duckdb.json"):.2f}')")
  row "ratio: priorities / DuckDB counting the water rules from the exported CSV" "$n" "$ratio (DuckDB: $(stats "$tmp/duckdb.json"))"
  rm -f "$tmp"/*.csv
  # The meeting brief, as a workbook and as a printable page.
  for form in xlsx html; do
    hyperfine -N --warmup 1 --runs "$( [ "$n" -ge 1000000 ] && echo 3 || echo "$runs")" --export-json "$tmp/$form.json" \
      "$bin --lang zh --db $db report --force --out $tmp/brief.$form" >/dev/null
    row "\`minqing report --out brief.$form\`" "$n" "$(stats "$tmp/$form.json"), peak $(peak_mb "$bin" --lang zh --db "$db" report --force --out "$tmp/brief.$form") MB"
  done
done

# In-process figures.
row "one answer saved durably (median, p99 over 10,000)" "-" "$(cargo bench --quiet --bench save_answer 2>/dev/null | grep save_answer | sed 's/save_answer: //')"
tui=$(cargo bench --quiet --bench tui 2>/dev/null)
row "app: open to first frame; one update + render at 120x40" "20718" "$(echo "$tui" | grep '^tui' | sed 's/^tui (20718 households): //')"
row "app: one update + render at 120x40 with a 12-row roster open" "20718" "$(echo "$tui" | grep '^roster' | sed 's/^roster: //')"
exec_ms=$(hyperfine -N --warmup 2 --runs 20 --export-json "$tmp/exec.json" "$bin --version" >/dev/null && median "$tmp/exec.json")
row "starting the executable (\`minqing --version\`)" "-" "$(python3 -c "print(f'{$exec_ms * 1000:.1f} ms')")"
for n in "${counts[@]}"; do
  if [ "$n" -ge 1000000 ] && command -v tmux >/dev/null; then
    # The app on the province: time to the village list and peak memory.
    db="$data/demo-$n-seed1.db"
    sqlite3 "$db" "INSERT OR REPLACE INTO meta (key, value) VALUES ('interviewer', 'Bench')"
    session="minqing-bench-$$"
    start=$(date +%s.%N)
    tmux new-session -d -s "$session" -x 120 -y 40 "exec $bin --lang en --db $db"
    for _ in $(seq 600); do tmux capture-pane -p -t "$session" | grep -q Township && break; sleep 0.02; done
    end=$(date +%s.%N)
    pid=$(tmux display-message -p -t "$session" '#{pane_pid}')
    hwm=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")
    tmux kill-session -t "$session"
    row "app with the database open: start to the village list, peak memory" "$n" \
      "$(python3 -c "print(f'{$end - $start:.1f} s')"), $hwm MB"
    # In process, without the terminal: to the village list, to the
    # Priorities tab, and a key down its list.
    row "app in process: to the village list; to the Priorities tab; a key down its list" "$n" \
      "$(DB="$db" cargo bench --quiet --bench tui 2>/dev/null | grep '^province' | sed 's/^province: //')"
  fi
done

{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) of memory,"
  echo "disk $(df -h . | awk 'NR == 2 {print $1 " (" $2 ")"}'), $(uname -sr). Release build. Absolute times vary between"
  echo "machines; the ratios compare tools in the same run on the same files."
  echo
  cat "$out"
  echo
  cat bench/NOTES.md
} > BENCHMARKS.md
cat "$out"
