#!/usr/bin/env bash
# The meeting brief's figures alone: `minqing report` to a workbook and to
# a printable page, on the demo county and province (bench/run.sh measures
# them too, with everything else).
#
#   bench/report.sh [N...]      (default: 20718 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(20718 1000000)
source bench/lib.sh
echo "| figure | households | result |"
echo "|---|---|---|"
for n in "${counts[@]}"; do
  db="$data/demo-$n-seed1.db"
  [ -f "$db" ] || "$bin" --lang en --db "$db" demo --households "$n" --seed 1 >/dev/null 2>&1
  runs=$([ "$n" -ge 1000000 ] && echo 3 || echo 10)
  for form in xlsx html; do
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/$form.json" \
      "$bin --lang zh --db $db report --force --out $tmp/brief.$form" >/dev/null
    peak=$(peak_mb "$bin" --lang zh --db "$db" report --force --out "$tmp/brief.$form")
    size=$(( $(stat -c %s "$tmp/brief.$form") / 1024 ))
    echo "| \`minqing report --out brief.$form\` | $n | $(stats "$tmp/$form.json"), peak $peak MB, file $size KB |"
  done
done
