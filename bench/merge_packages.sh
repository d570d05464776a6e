#!/usr/bin/env bash
# Merging work packages back into the county file, in one call:
#
#   bench/merge_packages.sh [PACKAGES] [HOUSEHOLDS]
#
# Makes a demo county of HOUSEHOLDS households (default 20,718) and PACKAGES
# one-cadre files of four households each (default 4,938, the county's
# cadres): each a demo of four households whose codes are rewritten to four
# of the county's, as a cadre's package holds its own households. Then times
# `minqing merge` of all of them into a copy of the county file, and says the
# time per package. Until `minqing package` writes real packages, the demo
# stands in for them (the same tables, the same merge).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=${1:-4938}
households=${2:-20718}
cargo build --release --quiet
bin=$PWD/target/release/minqing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --db "$work/county.db" demo --households "$households" >/dev/null
mkdir "$work/packages"
for i in $(seq 1 "$packages"); do
  "$bin" --db "$work/packages/p$i.db" demo --households 4 --seed "$i" >/dev/null 2>&1
done
python3 - "$work" "$packages" <<'PY'
import sqlite3, sys
work, n = sys.argv[1], int(sys.argv[2])
codes = [r[0] for r in sqlite3.connect(f"{work}/county.db").execute("SELECT code FROM household ORDER BY id")]
for i in range(1, n + 1):
    c = sqlite3.connect(f"{work}/packages/p{i}.db")
    for j, (old,) in enumerate(c.execute("SELECT code FROM household ORDER BY id").fetchall()):
        c.execute("UPDATE household SET code = ? WHERE code = ?", (codes[((i - 1) * 4 + j) % len(codes)] + "~", old))
    c.execute("UPDATE household SET code = substr(code, 1, length(code) - 1)")
    c.commit()
    c.close()
PY
start=$(date +%s.%N)
"$bin" --db "$work/county.db" merge "$work"/packages/*.db >"$work/merge.out" 2>&1 || true
end=$(date +%s.%N)
merged=$(grep -c '^merged' "$work/merge.out" || true)
python3 -c "t = $end - $start; print(f'merge of $packages packages (four households each) into a county of $households: {t:.1f} s, {t / $packages * 1000:.1f} ms a package, {$merged} merged')"
